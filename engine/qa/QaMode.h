#pragma once

#include "HarReplay.h"
#include "QaApi.h"
#include "QaRequestHandler.h"
#include "QaSettings.h"
#include "RequestJournal.h"
#include "ScenarioBook.h"

#include <QHostAddress>

#include <memory>

namespace adserve {

class Engine;
class HttpApi;

// QA mode, wired: the scenarios, the request journal and the replayer in QA's folder, the
// request handler the server serves through instead of HttpApi's own, and the admin routes
// HttpApi serves under /api/v1/qa. Made before the server starts, destroyed after it stops.
class QaMode
{
public:
    // Opens QA's folder (made if missing) and what it holds; nullptr with `error` when it
    // cannot be read or written.
    static std::unique_ptr<QaMode> open(const QaSettings &settings, Engine &engine, HttpApi &api, QString *error);
    ~QaMode(); // takes the admin routes out of HttpApi

    RequestHandler &handler() { return *handler_; }
    ScenarioBook &scenarios() { return book_; }
    RequestJournal &journal() { return journal_; }
    HarReplay &replay() { return replay_; }
    // Where the server listens: the HAR export's URLs and the replay's target.
    void setServer(const QHostAddress &address, quint16 port, const QString &url);
    QString folder() const { return settings_.dir; }

private:
    QaMode(const QaSettings &settings, Engine &engine, HttpApi &api);

    const QaSettings settings_;
    HttpApi &api_;
    ScenarioBook book_;
    RequestJournal journal_;
    HarReplay replay_;
    std::unique_ptr<QaRequestHandler> handler_;
    std::unique_ptr<QaApi> routes_;
};

} // namespace adserve
