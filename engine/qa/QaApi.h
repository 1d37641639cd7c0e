#pragma once

#include "HarReplay.h"
#include "RequestJournal.h"
#include "ScenarioBook.h"

namespace adserve {

// QA mode's admin routes, under /api/v1/qa behind the admin token (HttpApi checks it):
//   GET /scenarios, GET|PUT|DELETE /scenarios/{name}
//   GET|POST /active                  {"scenario": name} or {"scenario": null}
//   GET|DELETE /journal?<filter>      count and entries matching the filter; DELETE empties it
//   GET /journal.json?<filter>        every matching entry (an export: no page limit unless asked)
//   GET /journal.har?<filter>         the matching entries as HAR 1.2
//   POST /replay (a HAR), GET /replay  sends the HAR's requests again; the last replay's results
//   DELETE /replay                    stops a running replay after its current request
class QaApi final : public AdminExtension
{
public:
    QaApi(ScenarioBook &book, RequestJournal &journal, HarReplay &replay, qint64 journalMaxEntries);

    void setServerUrl(const QString &url) { serverUrl_ = url; }
    QString prefix() const override { return QStringLiteral("qa"); }
    HttpReply handle(const HttpRequest &request, const QStringList &segments) override;
    QJsonObject readiness() const override;

private:
    HttpReply scenarios(const HttpRequest &request, const QStringList &segments);
    HttpReply active(const HttpRequest &request);
    enum class Export { Page, Json, Har };
    HttpReply journal(const HttpRequest &request, Export form);
    HttpReply replay(const HttpRequest &request);

    ScenarioBook &book_;
    RequestJournal &journal_;
    HarReplay &replay_;
    const qint64 journalMaxEntries_;
    QString serverUrl_;
};

} // namespace adserve
