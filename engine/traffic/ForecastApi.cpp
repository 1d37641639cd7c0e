#include "ForecastApi.h"

#include "Engine.h"
#include "ReachCounter.h"
#include "ReachForecast.h"
#include "http/HttpReplies.h"
#include "model/CampaignJson.h"

#include <QDateTime>

namespace adserve {

namespace {

using HttpReplies::error;
using HttpReplies::json;
using HttpReplies::methodNotAllowed;

constexpr qint64 kPreparedForMs = 60'000;

} // namespace

ForecastApi::ForecastApi(Engine &engine)
    : engine_(engine)
    , table_(engine.store().sessions())
{
}

HttpReply ForecastApi::handle(const QString &route, const HttpRequest &request, const QStringList &segments)
{
    if (!segments.isEmpty())
        return HttpReplies::notFound(request.path);
    const QHash<QString, QString> params = HttpReplies::queryParams(request.query);
    QString why;
    // Up to the end of this hour: the same window for every call of the hour.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto window = TrafficWindow::fromQuery(params, now - now % 3600 + 3600, kDefaultDays, &why);
    if (route == QLatin1String("reach")) {
        if (request.method != "GET")
            return methodNotAllowed("GET");
        return window ? reach(request, *window) : error(400, why);
    }
    if (request.method == "POST") {
        if (!window)
            return error(400, why);
        return HttpReplies::withJsonBody(request, [&](const QJsonObject &body) {
            // A draft needs only its targeting: the rest is named for it.
            CampaignWithRules base;
            base.campaign.code = QStringLiteral("draft");
            base.campaign.name = QStringLiteral("Draft");
            base.campaign.status = kStatusActive;
            QList<FieldError> errors;
            auto draft = CampaignJson::fromJson(body, base, errors);
            if (!draft)
                return HttpReplies::fieldErrors(400, QStringLiteral("invalid campaign"), errors);
            draft->campaign.id = 0;
            return forecast(request, *draft, *window);
        });
    }
    if (request.method != "GET")
        return methodNotAllowed("GET, POST");
    if (!window)
        return error(400, why);
    const QString named = params.value(QStringLiteral("campaign")).trimmed();
    if (named.isEmpty())
        return error(400, QStringLiteral("campaign: give a campaign's id or code (or POST a draft campaign)"));
    std::optional<qint64> id = HttpReplies::parseId(named);
    if (!id)
        id = engine_.matcher().snapshot()->idOfCode(named);
    if (!id)
        return error(404, QStringLiteral("no campaign with the id or code \"%1\"").arg(named));
    const auto stored = engine_.store().campaign(*id);
    if (!stored.ok())
        return HttpReplies::storeFailure(stored);
    return forecast(request, stored.value, *window);
}

HttpReply ForecastApi::forecast(const HttpRequest &, const CampaignWithRules &campaign, const TrafficWindow &window)
{
    HttpReply problem;
    const auto recorded = traffic(window, &problem);
    if (!recorded)
        return problem;
    const ReachForecast forecaster(*recorded, engine_.matcher().snapshot());
    QJsonObject body = forecaster.forecast(campaign, QDateTime::currentMSecsSinceEpoch()).toJson();
    body.insert(QStringLiteral("period"), window.toJson()); // asked for; "window" spans the days recorded
    return json(200, body);
}

HttpReply ForecastApi::reach(const HttpRequest &request, const TrafficWindow &window)
{
    HttpReply problem;
    const auto recorded = traffic(window, &problem);
    if (!recorded)
        return problem;
    const ReachReport report = ReachCounter::count(*recorded, *engine_.matcher().snapshot(), {});
    if (HttpReplies::queryParams(request.query).value(QStringLiteral("format")) == QLatin1String("csv")) {
        HttpReply reply;
        reply.body = report.toCsv();
        reply.contentType = QByteArrayLiteral("text/csv; charset=utf-8");
        return reply;
    }
    QJsonObject body = report.toJson();
    body.insert(QStringLiteral("period"), window.toJson()); // asked for; "window" spans the days recorded
    return json(200, body);
}

std::shared_ptr<const RecordedTraffic> ForecastApi::traffic(const TrafficWindow &window, HttpReply *problem)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        std::lock_guard lock(preparedMutex_);
        if (prepared_.traffic && prepared_.window.fromHour == window.fromHour && prepared_.window.to == window.to
            && now - prepared_.readAtMs < kPreparedForMs)
            return prepared_.traffic;
    }
    const auto rows = table_.read(window.fromHour, window.to);
    if (!rows.ok()) {
        *problem = HttpReplies::storeFailure(rows);
        return nullptr;
    }
    auto prepared = std::make_shared<const RecordedTraffic>(RecordedTraffic::from(rows.value));
    if (!prepared->error().isEmpty()) {
        *problem = error(400, prepared->error());
        return nullptr;
    }
    std::lock_guard lock(preparedMutex_);
    prepared_ = {window, now, prepared};
    return prepared;
}

} // namespace adserve
