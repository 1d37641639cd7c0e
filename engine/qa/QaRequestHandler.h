#pragma once

#include "ContractCheck.h"
#include "PacedAnswer.h"
#include "RequestJournal.h"
#include "ScenarioBook.h"
#include "http/ApiRequestHandler.h"

namespace adserve {

class Engine;

// What the server answers in QA mode: each request goes through the scenario it names
// (X-Adserve-Scenario) or the active one; the first rule that takes it decides the answer and
// how it goes over the wire, and a request no rule takes gets the engine's answer. Every
// answer says "X-Adserve-Qa: <scenario>" ("none" without one), and every request is checked
// against the delivery contract and journaled. The QA admin API itself (/api/v1/qa) is never
// subject to scenarios nor journaled, so a scenario cannot lock QA out of it.
class QaRequestHandler final : public ApiRequestHandler
{
public:
    QaRequestHandler(HttpApi &api, Engine &engine, ScenarioBook &book, RequestJournal &journal, int hangMaxMs);

    HttpReply handle(const HttpRequest &request) override;
    // A scenario may change the engine's answer: it is given at once.
    bool answersLater() const override { return false; }

private:
    HttpReply answerOf(const ScenarioRule &rule, const HttpRequest &request);
    // The campaigns' response fragments as the delivery route at `path` writes them.
    HttpReply pinned(const QList<qint64> &ids, const QString &path);
    WirePlan planOf(const ScenarioRule &rule, QStringList *effects) const;

    Engine &engine_;
    ScenarioBook &book_;
    RequestJournal &journal_;
    const int hangMaxMs_;
};

} // namespace adserve
