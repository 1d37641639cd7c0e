#include "HttpApi.h"

#include "CampaignApi.h"
#include "ChangeApi.h"
#include "DeliveryParams.h"
#include "Engine.h"
#include "HttpReplies.h"
#include "model/JsonValues.h"
#include "traffic/ForecastApi.h"
#include "traffic/TrafficApi.h"
#include "traffic/TrafficRecorder.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace adserve {

namespace {

using HttpReplies::error;
using HttpReplies::fieldErrors;
using HttpReplies::json;
using HttpReplies::methodNotAllowed;
using HttpReplies::noContent;
using HttpReplies::notFound;
using HttpReplies::parseId;
using HttpReplies::queryParams;
using HttpReplies::withJsonBody;
using HttpReplies::storeFailure;
using HttpReplies::written;

constexpr qsizetype kMaxBodyBytes = 1 << 20;
// Who the admin API's writes are recorded as in the change log.
const WriteContext kAdminWriter{QStringLiteral("api:admin"), {}};

// A successful delivery: 204 with an empty body when nothing matched, else the campaigns'
// array between `before` and `after`.
HttpReply deliveredReply(DeliveredBody &&delivered)
{
    HttpReply reply = delivered.campaigns > 0 ? HttpReply{200, std::move(delivered.body)} : noContent();
    reply.campaigns = delivered.campaigns;
    reply.timing = delivered.timing;
    return reply;
}

// /api/v1/delivery's answer to a delivered body.
HttpReply envelopedReply(DeliveredBody &&delivered)
{
    if (!delivered.ok()) {
        return json(503, {{QStringLiteral("mc"), QStringLiteral("E015003")},
                          {QStringLiteral("m"), QStringLiteral("Service unavailable")},
                          {QStringLiteral("err"), QJsonArray{QJsonObject{{QStringLiteral("di"), QStringLiteral("store")},
                                                                         {QStringLiteral("em"), HttpReplies::unavailable(QStringLiteral("store"), delivered.storeError)}}}}});
    }
    return deliveredReply(std::move(delivered));
}

// /v1/delivery's answer to a delivered body.
HttpReply bareReply(DeliveredBody &&delivered)
{
    if (!delivered.ok())
        return error(503, HttpReplies::unavailable(QStringLiteral("store"), delivered.storeError));
    return deliveredReply(std::move(delivered));
}

} // namespace

struct LaterReply
{
    PendingBodyPtr body;
    HttpApi::DeliveredReply replyOf = nullptr;
    Metrics::Route route = Metrics::Route::Delivery;
    QElapsedTimer timer; // since the request was taken
};

HttpApi::HttpApi(Engine &engine, Metrics &metrics)
    : engine_(engine)
    , metrics_(metrics)
    , changes_(std::make_unique<ChangeApi>(engine, kAdminWriter))
    , campaigns_(std::make_unique<CampaignApi>(engine, kAdminWriter))
    , traffic_(std::make_unique<TrafficApi>(engine))
    , forecasts_(std::make_unique<ForecastApi>(engine))
{
}

HttpApi::~HttpApi() = default;

Metrics::Route HttpApi::routeOf(const QString &path) const
{
    if (path == QLatin1String("/api/v1/delivery"))
        return Metrics::Route::Delivery;
    if (path == QLatin1String("/v1/delivery"))
        return Metrics::Route::DeliveryV1;
    if (path == QLatin1String("/api/v1/delivery/explain"))
        return Metrics::Route::Explain;
    if (path == QLatin1String("/healthz"))
        return Metrics::Route::Health;
    if (path == QLatin1String("/readyz"))
        return Metrics::Route::Ready;
    if (path == QLatin1String("/metrics"))
        return Metrics::Route::MetricsRoute;
    for (const char *admin : {"/api/v1/campaigns", "/api/v1/cache", "/api/v1/instances", "/api/v1/changes", "/api/v1/traffic",
                              "/api/v1/forecast", "/api/v1/reach"}) {
        if (path.startsWith(QLatin1String(admin)))
            return Metrics::Route::Admin;
    }
    if (extension_ && path.startsWith(QLatin1String("/api/v1/") + extension_->prefix()))
        return Metrics::Route::Admin;
    return Metrics::Route::Other;
}

bool HttpApi::takesBody(QByteArrayView method, QByteArrayView path) const
{
    return (method == "POST" || method == "PUT" || method == "PATCH")
           && routeOf(QString::fromUtf8(path)) == Metrics::Route::Admin;
}

HttpReply HttpApi::handle(const HttpRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    const Metrics::Route route = routeOf(request.path);
    // HEAD is GET without the body: the server leaves it out, the rest is the same.
    const bool isGet = request.method == "GET" || request.method == "HEAD";
    const QByteArray readOnly = "GET, HEAD, OPTIONS";
    // Who asks matters to these routes only: delivery never hashes a token.
    const auto caller = [&] { return callerOf(request); };
    HttpReply reply;
    if (request.method == "OPTIONS") {
        reply = options(route, request.path);
        metrics_.record(route, reply.status, timer.nsecsElapsed() / 1000);
        return reply;
    }
    if (!engine_.loaded() && route != Metrics::Route::Health && route != Metrics::Route::MetricsRoute) {
        reply = loading(route);
        metrics_.record(route, reply.status, timer.nsecsElapsed() / 1000);
        return reply;
    }
    switch (route) {
    case Metrics::Route::Delivery: reply = isGet ? deliveryApi(request) : methodNotAllowed(readOnly); break;
    case Metrics::Route::DeliveryV1: reply = isGet ? deliveryV1(request) : methodNotAllowed(readOnly); break;
    case Metrics::Route::Explain:
        if (!isGet)
            reply = methodNotAllowed(readOnly);
        else if (const Caller who = caller(); who == Caller::Anonymous && tokensConfigured())
            reply = unauthorized();
        else
            reply = explain(request, who);
        break;
    case Metrics::Route::Health:
        reply = isGet ? HttpReply{200, QByteArrayLiteral(R"({"status":"ok"})")} : methodNotAllowed(readOnly);
        break;
    case Metrics::Route::Ready: reply = isGet ? ready(request, caller()) : methodNotAllowed(readOnly); break;
    case Metrics::Route::MetricsRoute:
        if (!isGet)
            reply = methodNotAllowed(readOnly);
        else if (caller() == Caller::Anonymous && tokensConfigured())
            reply = unauthorized();
        else
            reply = {200, metrics_.render(engine_), {}, "text/plain; version=0.0.4; charset=utf-8"};
        break;
    case Metrics::Route::Admin: {
        HttpRequest asGet = request;
        if (request.method == "HEAD")
            asGet.method = "GET";
        reply = admin(asGet, caller());
        break;
    }
    case Metrics::Route::Other:
    case Metrics::Route::Count: reply = notFound(request.path); break;
    }
    if (reply.later) { // counted when finished
        reply.later->route = route;
        reply.later->timer = timer;
        return reply;
    }
    metrics_.record(route, reply.status, timer.nsecsElapsed() / 1000);
    if (reply.campaigns >= 0)
        metrics_.recordDelivery(reply.timing);
    return reply;
}

HttpReply HttpApi::options(Metrics::Route route, const QString &path) const
{
    QByteArray allowed;
    switch (route) {
    case Metrics::Route::Admin: allowed = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"; break;
    case Metrics::Route::Other:
    case Metrics::Route::Count:
        if (path != QLatin1String("*"))
            return notFound(path);
        allowed = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
        break;
    default: allowed = "GET, HEAD, OPTIONS"; break;
    }
    HttpReply reply = noContent();
    reply.headers.append({QByteArray("Allow"), allowed});
    return reply;
}

HttpReply HttpApi::deliveryApi(const HttpRequest &request)
{
    const DeliveryParams::Targeting targeting =
        DeliveryParams::readTargeting(queryParams(request.query), {Dimension::Country, Dimension::Os, Dimension::App},
                                      engine_.config().maxCampaigns);
    if (!targeting.problems.isEmpty()) {
        QJsonArray err;
        for (const DeliveryParams::Problem &p : targeting.problems)
            err.append(QJsonObject{{QStringLiteral("di"), p.param}, {QStringLiteral("em"), p.message}});
        return json(400, {{QStringLiteral("mc"), QStringLiteral("E014001")},
                          {QStringLiteral("m"), QStringLiteral("Malformed request")},
                          {QStringLiteral("err"), err}});
    }
    recordTraffic(request, targeting.query);
    return deliver(request, targeting.query, targeting.limit,
                   "{\"mc\":\"S012001\",\"m\":\"Campaigns fetched successfully\",\"lc\":{\"campaigns\":", "}}",
                   envelopedReply);
}

HttpReply HttpApi::deliveryV1(const HttpRequest &request)
{
    const DeliveryParams::Targeting targeting =
        DeliveryParams::readTargeting(queryParams(request.query), {Dimension::App, Dimension::Country, Dimension::Os},
                                      engine_.config().maxCampaigns);
    if (!targeting.problems.isEmpty())
        return error(400, targeting.problems.first().message);
    recordTraffic(request, targeting.query);
    return deliver(request, targeting.query, targeting.limit, {}, {}, bareReply);
}

HttpReply HttpApi::deliver(const HttpRequest &request, const TargetingQuery &query, size_t limit, QByteArrayView before,
                           QByteArrayView after, DeliveredReply replyOf)
{
    DeliveryService &delivery = engine_.delivery();
    if (!request.mayAnswerLater)
        return replyOf(delivery.deliverBody(query, limit, before, after));
    DeliveryService::BodyStart start = delivery.beginBody(query, limit, before, after);
    if (!start.pending)
        return replyOf(std::move(start.done));
    HttpReply reply;
    reply.later = std::make_shared<LaterReply>();
    reply.later->body = std::move(start.pending);
    reply.later->replyOf = replyOf;
    return reply;
}

std::vector<HttpReply> HttpApi::finishLater(std::span<LaterReply *const> later)
{
    std::vector<PendingBody *> bodies;
    bodies.reserve(later.size());
    for (LaterReply *reply : later)
        bodies.push_back(reply->body.get());
    std::vector<DeliveredBody> delivered = engine_.delivery().finishBodies(bodies);
    metrics_.recordSharedRead(qint64(later.size()));
    std::vector<HttpReply> replies;
    replies.reserve(later.size());
    for (size_t i = 0; i < later.size(); ++i) {
        LaterReply &reply = *later[i];
        reply.body.reset(); // its read section of the cache closes
        replies.push_back(reply.replyOf(std::move(delivered[i])));
        metrics_.record(reply.route, replies.back().status, reply.timer.nsecsElapsed() / 1000);
        metrics_.recordDelivery(replies.back().timing);
    }
    return replies;
}

void HttpApi::recordTraffic(const HttpRequest &request, const TargetingQuery &query)
{
    if (TrafficRecorder *traffic = engine_.traffic(); traffic && !request.fromStudio)
        traffic->record(query);
}

HttpReply HttpApi::explain(const HttpRequest &request, Caller caller)
{
    QString problem;
    const auto params = DeliveryParams::readExplain(queryParams(request.query), &problem, engine_.config().maxCampaigns);
    if (!params)
        return error(400, problem);
    const TargetingQuery &query = params->query;
    const auto index = engine_.matcher().snapshot();
    std::optional<qint64> only;
    if (!params->campaign.isEmpty()) {
        only = parseId(params->campaign);
        if (!only)
            only = index->idOfCode(params->campaign);
        if (!only)
            return error(404, QStringLiteral("no campaign with id or code \"%1\"").arg(params->campaign));
    }

    const AnswerScope scope{params->answerLimit, params->at};
    const DeliveryResult delivered = engine_.delivery().deliver(query, scope);
    // Inactive and deleted campaigns are the store's business: only a token holder sees them.
    const bool anonymous = caller == Caller::Anonymous;
    MatchIndex::ExplainPage explained;
    if (only) {
        explained.decisions = index->explain(query, only, scope);
        if (anonymous)
            explained.decisions.removeIf([](const Decision &d) {
                return d.verdict == Decision::Verdict::Inactive || d.verdict == Decision::Verdict::Deleted;
            });
        if (anonymous && explained.decisions.isEmpty())
            return error(404, QStringLiteral("no campaign with id or code \"%1\"").arg(params->campaign));
        explained.total = explained.decisions.size();
    } else {
        // Only the campaigns up to the page's end are decided: every decision of a large
        // store would take hundreds of megabytes.
        const qint64 count = index->campaignCount();
        const qint64 upTo = params->limit == 0 ? count : std::min(params->offset, count) + std::min(params->limit, count);
        explained = index->explainFirst(query, anonymous ? MatchIndex::ExplainScope::Deliverable
                                                         : MatchIndex::ExplainScope::AllCampaigns,
                                        qsizetype(std::min(upTo, count)), scope);
    }
    // Every decision of a large store is a lot of JSON: one page of them.
    QJsonArray decisions;
    const auto [first, end] = params->page(explained.total);
    for (qint64 i = first; i < end; ++i)
        decisions.append(explained.decisions[i].toJson());
    QJsonArray deliveredJson;
    for (size_t i = 0; i < delivered.fragments.size(); ++i) {
        if (only && delivered.campaignIds[i] != *only)
            continue;
        QJsonObject entry = QJsonDocument::fromJson(delivered.fragments[i]).object();
        entry.insert(QStringLiteral("id"), delivered.campaignIds[i]);
        entry.insert(QStringLiteral("source"), delivered.sources[i] == DetailSource::Cache ? QStringLiteral("cache")
                                                                                          : QStringLiteral("store"));
        deliveredJson.append(entry);
    }
    QJsonObject body{
        {QStringLiteral("query"), QJsonObject{{QStringLiteral("country"), query.value(Dimension::Country)},
                                              {QStringLiteral("os"), query.value(Dimension::Os)},
                                              {QStringLiteral("app"), query.value(Dimension::App)}}},
        {QStringLiteral("at"), QDateTime::fromMSecsSinceEpoch(params->at.value_or(QDateTime::currentMSecsSinceEpoch()),
                                                              Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("deliveredCount"), qint64(delivered.fragments.size())},
        {QStringLiteral("delivered"), deliveredJson},
        {QStringLiteral("timing"), QJsonObject{{QStringLiteral("matchMicros"), delivered.timing.matchMicros},
                                               {QStringLiteral("cacheMicros"), delivered.timing.cacheMicros},
                                               {QStringLiteral("storeMicros"), delivered.timing.storeMicros},
                                               {QStringLiteral("totalMicros"), delivered.timing.totalMicros},
                                               {QStringLiteral("batches"), delivered.batches}}},
        {QStringLiteral("total"), qint64(explained.total)},
        {QStringLiteral("offset"), params->offset},
        {QStringLiteral("decisions"), decisions}};
    if (!delivered.ok())
        body.insert(QStringLiteral("storeError"), HttpReplies::unavailable(QStringLiteral("store"), delivered.storeError));
    if (!delivered.cacheError.isEmpty())
        body.insert(QStringLiteral("cacheError"), HttpReplies::unavailable(QStringLiteral("cache"), delivered.cacheError));
    return json(200, body);
}

HttpReply HttpApi::loading(Metrics::Route route) const
{
    // Until the index is built nothing can be decided: not ready, and try again shortly.
    const Engine::LoadProgress progress = engine_.loadProgress();
    HttpReply reply;
    if (route == Metrics::Route::Ready) {
        reply = json(503, {{QStringLiteral("status"), QStringLiteral("loading")},
                           {QStringLiteral("campaignsRead"), progress.read},
                           {QStringLiteral("campaigns"), progress.total}});
    } else {
        const QString message = progress.total > 0 ? QStringLiteral("loading the store: %1 of %2 campaigns read")
                                                         .arg(progress.read).arg(progress.total)
                                                   : QStringLiteral("loading the store");
        reply = route == Metrics::Route::Delivery
                    ? json(503, {{QStringLiteral("mc"), QStringLiteral("E015003")},
                                 {QStringLiteral("m"), QStringLiteral("Service unavailable")},
                                 {QStringLiteral("err"), QJsonArray{QJsonObject{{QStringLiteral("di"), QStringLiteral("store")},
                                                                               {QStringLiteral("em"), message}}}}})
                    : error(503, message);
    }
    reply.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
    return reply;
}

HttpReply HttpApi::ready(const HttpRequest &request, Caller caller)
{
    // Load balancers ask anonymously: they get the states; where and why (hosts, file paths,
    // driver messages) only token holders, the rest is in the server log.
    const bool details = caller != Caller::Anonymous;
    QJsonArray backends;
    bool storeUp = false;
    bool cacheUp = false;
    for (const BackendHealth &h : {engine_.storeHealth(), engine_.cacheHealth()}) {
        QJsonObject b{{QStringLiteral("name"), h.name}, {QStringLiteral("kind"), h.kind}, {QStringLiteral("up"), h.up}};
        if (details)
            b.insert(QStringLiteral("target"), h.target);
        if (!h.error.isEmpty())
            b.insert(QStringLiteral("error"), details ? h.error : HttpReplies::unavailable(h.name, h.error));
        backends.append(b);
        (h.name == QLatin1String("store") ? storeUp : cacheUp) = h.up;
    }
    const ChangeStatus changes = engine_.changes().status();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Stale: changes wait that this instance cannot apply yet, or it cannot read the log; it
    // serves what it last knew meanwhile.
    const double lag = changes.behindChanges > 0 ? changes.lagSeconds(now)
                       : !changes.problem.isEmpty() && changes.lastRead.isValid() ? changes.lastRead.msecsTo(now) / 1000.0
                                                                                  : 0.0;
    QJsonObject changesJson{{QStringLiteral("appliedChangeId"), changes.appliedThrough},
                            {QStringLiteral("newestChangeId"), changes.newestId},
                            {QStringLiteral("behindChanges"), changes.behindChanges},
                            {QStringLiteral("lagSeconds"), lag},
                            {QStringLiteral("stale"), changes.stale()}};
    if (!changes.problem.isEmpty())
        changesJson.insert(QStringLiteral("problem"), details ? changes.problem : QStringLiteral("the change log cannot be read"));
    // Without the cache, delivery still answers from the store: degraded, but ready. A stale
    // instance still answers too; ?maxLagSeconds=N makes it not ready once it is further behind.
    HttpReply problem;
    const auto maxLag = HttpReplies::boundedParam(HttpReplies::queryParams(request.query), QStringLiteral("maxLagSeconds"),
                                                  -1, 0, 86400 * 365, &problem);
    if (!maxLag)
        return problem;
    const bool tooFarBehind = changes.stale() && *maxLag >= 0 && lag > double(*maxLag);
    const QString status = !storeUp                   ? QStringLiteral("unavailable")
                           : changes.stale()          ? QStringLiteral("stale")
                           : cacheUp                  ? QStringLiteral("ready")
                                                      : QStringLiteral("degraded");
    QJsonObject body{{QStringLiteral("status"), status},
                     {QStringLiteral("backends"), backends},
                     {QStringLiteral("changes"), changesJson}};
    if (extension_)
        body.insert(extension_->prefix(), extension_->readiness());
    return json(storeUp && !tooFarBehind ? 200 : 503, body);
}

HttpApi::Caller HttpApi::callerOf(const HttpRequest &request) const
{
    if (request.fromStudio)
        return Caller::Admin;
    if (request.authorization.isEmpty())
        return Caller::Anonymous;
    // Compare digests so the time taken does not depend on where the tokens differ.
    const QByteArray given = QCryptographicHash::hash(request.authorization, QCryptographicHash::Sha256);
    const auto holds = [&given](const QString &token) {
        return !token.isEmpty()
               && given == QCryptographicHash::hash(QByteArray("Bearer " + token.toUtf8()), QCryptographicHash::Sha256);
    };
    const Config &config = engine_.config();
    if (holds(config.adminToken))
        return Caller::Admin;
    if (holds(config.explainToken))
        return Caller::Reader;
    return Caller::Anonymous;
}

bool HttpApi::tokensConfigured() const
{
    return !engine_.config().adminToken.isEmpty() || !engine_.config().explainToken.isEmpty();
}

HttpReply HttpApi::unauthorized()
{
    HttpReply reply = error(401, QStringLiteral("missing or wrong bearer token"));
    reply.headers.append({QByteArray("WWW-Authenticate"), QByteArray("Bearer")});
    return reply;
}

HttpReply HttpApi::admin(const HttpRequest &request, Caller caller)
{
    if (engine_.config().adminToken.isEmpty())
        return error(403, QStringLiteral("the admin API is off: configure ADSERVE_ADMIN_TOKEN to enable it"));
    if (caller != Caller::Admin)
        return unauthorized();
    const QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts).mid(2);
    if (segments.value(0) == QLatin1String("campaigns")) {
        if (segments.value(2) == QLatin1String("history")) {
            if (const auto id = HttpReplies::parseId(segments[1]))
                return changes_->history(request, *id, segments.mid(3));
        }
        return campaigns_->handle(request, segments.mid(1));
    }
    if (segments.value(0) == QLatin1String("cache"))
        return cacheAdmin(request, segments.mid(1));
    if (segments.value(0) == QLatin1String("instances") && segments.size() == 1)
        return changes_->instances(request);
    if (segments.value(0) == QLatin1String("changes"))
        return changes_->changes(request, segments.mid(1));
    if (segments.value(0) == QLatin1String("traffic"))
        return traffic_->handle(request, segments.mid(1));
    if (segments.value(0) == QLatin1String("forecast") || segments.value(0) == QLatin1String("reach"))
        return forecasts_->handle(segments.value(0), request, segments.mid(1));
    if (extension_ && segments.value(0) == extension_->prefix())
        return extension_->handle(request, segments.mid(1));
    return notFound(request.path);
}

HttpReply HttpApi::cacheAdmin(const HttpRequest &request, const QStringList &segments)
{
    const QString action = segments.value(0);
    if (action == QLatin1String("stats") && segments.size() == 1) {
        if (request.method != "GET")
            return methodNotAllowed("GET");
        const CacheStatsSnapshot s = engine_.cache().stats();
        return json(200, {{QStringLiteral("backend"), engine_.cache().backend().kind()},
                          {QStringLiteral("hits"), s.hits},
                          {QStringLiteral("nearHits"), s.nearHits},
                          {QStringLiteral("misses"), s.misses},
                          {QStringLiteral("errors"), s.errors},
                          {QStringLiteral("rejected"), s.rejected},
                          {QStringLiteral("refills"), s.refills},
                          {QStringLiteral("invalidations"), s.invalidations},
                          {QStringLiteral("hitRatio"), s.hitRatio()},
                          {QStringLiteral("lookupMicros"), s.lookupMicros}});
    }
    if (action == QLatin1String("invalidate") && segments.size() == 1) {
        if (request.method != "POST")
            return methodNotAllowed("POST");
        if (request.body.trimmed().isEmpty())
            return invalidateCache({});
        return withJsonBody(request, [&](const QJsonObject &body) {
            const QJsonValue idsJson = body.value(QLatin1String("ids"));
            const HttpReply badIds = fieldErrors(400, QStringLiteral("invalid request"),
                                                 {{QStringLiteral("ids"), QStringLiteral("must be an array of campaign ids")}});
            if (!idsJson.isUndefined() && !idsJson.isArray())
                return badIds;
            QList<qint64> ids;
            for (const QJsonValue &v : idsJson.toArray()) {
                const auto id = JsonValues::nonNegativeInteger(v);
                if (!id || *id < 1)
                    return badIds;
                ids.append(*id);
            }
            return invalidateCache(ids);
        });
    }
    return notFound(request.path);
}

HttpReply HttpApi::invalidateCache(QList<qint64> ids)
{
    if (ids.isEmpty()) { // everything
        for (const Campaign &c : engine_.store().campaigns(true).value)
            ids.append(c.id);
    }
    const auto removed = engine_.cache().invalidate(ids);
    if (!removed.ok())
        return error(503, HttpReplies::unavailable(QStringLiteral("cache"), removed.error));
    return json(200, {{QStringLiteral("removed"), removed.value}});
}

} // namespace adserve
