#include "QaRequestHandler.h"

#include "Engine.h"
#include "cache/CampaignCodec.h"
#include "http/HttpReplies.h"
#include "http/SecretHeaders.h"

#include <QElapsedTimer>
#include <QTcpSocket>

namespace adserve {

namespace {

const QByteArray kScenarioHeader = QByteArrayLiteral("x-adserve-scenario");

// The answer's JSON made invalid: its last character replaced by ",]}" (an empty answer
// becomes the start of one), so no JSON parser accepts it.
QByteArray broken(const QByteArray &body)
{
    return body.isEmpty() ? QByteArrayLiteral("[{\"cid\":") : body.chopped(1) + ",]}";
}

QString ruleLabel(const Scenario &scenario, const ScenarioRule &rule)
{
    return rule.name.isEmpty() ? QStringLiteral("#%1").arg(&rule - scenario.rules.constData() + 1) : rule.name;
}

JournalEntry entryOf(const HttpRequest &request)
{
    JournalEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.client = request.connection ? request.connection->peerAddress().toString() + QLatin1Char(':')
                                            + QString::number(request.connection->peerPort())
                                      : QStringLiteral("in-process");
    entry.method = request.method;
    entry.path = request.path;
    entry.query = request.query.toString(QUrl::FullyEncoded);
    for (const auto &[name, value] : request.headers) {
        entry.requestHeaders.append({name, isSecretHeader(name) ? QByteArrayLiteral("[redacted]") : value});
    }
    entry.requestBody = request.body.left(JournalEntry::kMaxBody);
    return entry;
}

void describe(JournalEntry &entry, const HttpReply &reply)
{
    entry.status = reply.status;
    if (reply.status != 204)
        entry.responseHeaders.append({QByteArrayLiteral("Content-Type"), reply.contentType});
    entry.responseHeaders += reply.headers;
    entry.responseBody = reply.body.left(JournalEntry::kMaxBody);
    entry.responseBytes = reply.body.size();
}

} // namespace

QaRequestHandler::QaRequestHandler(HttpApi &api, Engine &engine, ScenarioBook &book, RequestJournal &journal,
                                   int hangMaxMs)
    : ApiRequestHandler(api)
    , engine_(engine)
    , book_(book)
    , journal_(journal)
    , hangMaxMs_(hangMaxMs)
{
}

HttpReply QaRequestHandler::handle(const HttpRequest &request)
{
    if (request.path == QLatin1String("/api/v1/qa") || request.path.startsWith(QLatin1String("/api/v1/qa/")))
        return api_.handle(request);
    QElapsedTimer clock;
    clock.start();
    JournalEntry entry = entryOf(request);
    entry.flags = ContractCheck::check(request);

    // The scenario the request names, else the active one.
    const QByteArray chosen = HttpReplies::headerValue(request, kScenarioHeader);
    const bool named = !chosen.isEmpty() && chosen != "none";
    const ScenarioBook::Ptr scenario = chosen.isEmpty() ? book_.active()
                                       : named          ? book_.find(QString::fromUtf8(chosen))
                                                        : nullptr;
    const ScenarioRule *rule = nullptr;
    HttpReply reply;
    if (named && !scenario) {
        reply = HttpReplies::error(400, QStringLiteral("no QA scenario named \"%1\" (X-Adserve-Scenario; \"none\" "
                                                       "for the engine's answer)").arg(QString::fromUtf8(chosen)));
        entry.rule = QStringLiteral("unknown scenario");
    } else {
        rule = scenario ? scenario->pick(request, *QRandomGenerator::global()) : nullptr;
        reply = rule ? answerOf(*rule, request) : api_.handle(request);
        entry.rule = rule ? ruleLabel(*scenario, *rule) : QStringLiteral("engine");
    }
    entry.scenario = scenario ? scenario->name : QString();
    reply.headers.append({QByteArrayLiteral("X-Adserve-Qa"), scenario ? scenario->name.toUtf8() : QByteArrayLiteral("none")});
    if (rule)
        reply.headers.append({QByteArrayLiteral("X-Adserve-Qa-Rule"), entry.rule.toUtf8()});
    describe(entry, reply);
    entry.handleMs = clock.nsecsElapsed() / 1e6;

    const WirePlan plan = rule ? planOf(*rule, &entry.effects) : WirePlan{};
    if (!plan.needed()) {
        entry.outcome = QStringLiteral("answered");
        entry.totalMs = entry.handleMs;
        journal_.record(std::move(entry));
        return reply;
    }
    reply.writer = std::make_shared<PacedAnswer>(plan, [&journal = journal_, entry](const PacedAnswer::Result &r) mutable {
        entry.status = r.status;
        entry.outcome = r.outcome;
        entry.waitMs = r.waitMs;
        entry.receiveMs = r.receiveMs;
        entry.totalMs = entry.handleMs + r.totalMs;
        journal.record(std::move(entry));
    });
    return reply;
}

HttpReply QaRequestHandler::answerOf(const ScenarioRule &rule, const HttpRequest &request)
{
    HttpReply reply;
    if (rule.noFill)
        reply = HttpReplies::noContent();
    else if (rule.campaigns)
        reply = pinned(*rule.campaigns, request.path);
    else if (rule.body)
        reply = {rule.status.value_or(200), *rule.body};
    else
        reply = api_.handle(request);
    if (rule.status)
        reply.status = *rule.status;
    if (rule.contentType)
        reply.contentType = *rule.contentType;
    if (rule.malformed) {
        reply.body = broken(reply.body);
        if (reply.status == 204)
            reply.status = 200;
    }
    if (reply.status == 204 || reply.status == 304)
        reply.body.clear(); // these never carry a body
    return reply;
}

HttpReply QaRequestHandler::pinned(const QList<qint64> &ids, const QString &path)
{
    // One read for all of them; the answer keeps the rule's order. A campaign that is not there,
    // or deleted, is left out, as delivery would; an inactive one is pinned like any other.
    const auto found = engine_.store().campaignsByIds(ids);
    if (!found.ok())
        return HttpReplies::error(503, HttpReplies::unavailable(QStringLiteral("store"), found.message));
    QHash<qint64, const Campaign *> byId;
    for (const Campaign &c : found.value) {
        if (!c.deleted)
            byId.insert(c.id, &c);
    }
    QByteArray array = "[";
    for (qint64 id : ids) {
        if (const Campaign *campaign = byId.value(id)) {
            if (array.size() > 1)
                array += ',';
            array += CampaignCodec::responseFragment(*campaign);
        }
    }
    array += ']';
    if (array.size() == 2)
        return HttpReplies::noContent();
    if (path == QLatin1String("/api/v1/delivery"))
        return {200, "{\"mc\":\"S012001\",\"m\":\"Campaigns fetched successfully\",\"lc\":{\"campaigns\":" + array + "}}"};
    return {200, array};
}

WirePlan QaRequestHandler::planOf(const ScenarioRule &rule, QStringList *effects) const
{
    WirePlan plan;
    plan.hangMaxMs = hangMaxMs_;
    plan.fault = rule.fault;
    const int ms = rule.latency.sample(*QRandomGenerator::global());
    (rule.dribble ? plan.dribbleMs : plan.waitMs) = ms;
    if (rule.latency.kind != Latency::Kind::None)
        effects->append(rule.dribble ? QStringLiteral("dribbled over %1 ms").arg(ms) : QStringLiteral("latency %1 ms").arg(ms));
    if (rule.fault != Fault::None)
        effects->append(faultName(rule.fault));
    if (rule.noFill)
        effects->append(QStringLiteral("no fill"));
    if (rule.campaigns)
        effects->append(QStringLiteral("campaigns pinned"));
    if (rule.body || rule.status)
        effects->append(QStringLiteral("fixed answer"));
    if (rule.contentType)
        effects->append(QStringLiteral("content type %1").arg(QString::fromLatin1(*rule.contentType)));
    if (rule.malformed)
        effects->append(QStringLiteral("malformed body"));
    return plan;
}

} // namespace adserve
