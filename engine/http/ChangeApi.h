#pragma once

#include "HttpApi.h"
#include "store/StoreSessions.h"

#include <QStringList>

namespace adserve {

class Engine;

// The admin routes over the change log: the running instances and whether a change is live
// on them, the log itself, a campaign's history and restoring it. Behind the admin token
// (HttpApi checks it before routing here).
class ChangeApi
{
public:
    ChangeApi(Engine &engine, WriteContext writer);

    // GET /api/v1/instances
    HttpReply instances(const HttpRequest &request);
    // GET /api/v1/changes?after=&limit=[&campaign=], GET /api/v1/changes/{id}/live
    HttpReply changes(const HttpRequest &request, const QStringList &segments);
    // GET /api/v1/campaigns/{id}/history?before=&limit=,
    // POST /api/v1/campaigns/{id}/history/{changeId}/restore[?dryRun=true]
    HttpReply history(const HttpRequest &request, qint64 campaignId, const QStringList &segments);

private:
    HttpReply live(qint64 changeId);
    HttpReply restore(const HttpRequest &request, qint64 campaignId, qint64 changeId);

    Engine &engine_;
    const WriteContext writer_;
};

} // namespace adserve
