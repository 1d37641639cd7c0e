#pragma once

#include "HttpApi.h"
#include "store/StoreSessions.h"

#include <QStringList>

namespace adserve {

class Engine;

// The admin routes that read and write campaigns and their rules, recorded in the change log
// as `writer`. Behind the admin token (HttpApi checks it before routing here); a campaign's
// history is ChangeApi's.
class CampaignApi
{
public:
    CampaignApi(Engine &engine, WriteContext writer);

    // GET, POST /api/v1/campaigns; GET, PUT, PATCH, DELETE /api/v1/campaigns/{id};
    // GET, POST, PUT /api/v1/campaigns/{id}/rules; PUT, DELETE /api/v1/campaigns/{id}/rules/{ruleId}.
    // `segments`: the path after /api/v1/campaigns.
    HttpReply handle(const HttpRequest &request, const QStringList &segments);

private:
    HttpReply rules(const HttpRequest &request, qint64 campaignId, const QStringList &segments);
    HttpReply updateCampaign(qint64 id, const QJsonObject &changes);

    Engine &engine_;
    const WriteContext writer_;
};

} // namespace adserve
