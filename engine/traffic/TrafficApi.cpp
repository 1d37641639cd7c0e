#include "TrafficApi.h"

#include "Engine.h"
#include "TrafficCounter.h"
#include "TrafficImport.h"
#include "TrafficRecorder.h"
#include "TrafficWindow.h"
#include "http/HttpReplies.h"

#include <QDateTime>
#include <QJsonArray>

namespace adserve {

namespace {

using HttpReplies::error;
using HttpReplies::json;
using HttpReplies::methodNotAllowed;

QJsonArray valuesJson(const QList<QPair<QString, qint64>> &values)
{
    QJsonArray list;
    for (const auto &[value, requests] : values)
        list.append(QJsonObject{{QStringLiteral("value"), value}, {QStringLiteral("requests"), requests}});
    return list;
}

} // namespace

TrafficApi::TrafficApi(Engine &engine)
    : engine_(engine)
    , table_(engine.store().sessions())
{
}

HttpReply TrafficApi::handle(const HttpRequest &request, const QStringList &segments)
{
    if (segments.isEmpty())
        return request.method == "GET" ? totals(request) : methodNotAllowed("GET");
    if (segments.size() == 1 && segments[0] == QLatin1String("import"))
        return request.method == "POST" ? import(request) : methodNotAllowed("POST");
    return HttpReplies::notFound(request.path);
}

HttpReply TrafficApi::totals(const HttpRequest &request)
{
    const QHash<QString, QString> params = HttpReplies::queryParams(request.query);
    QString why;
    const auto window = TrafficWindow::fromQuery(params, QDateTime::currentSecsSinceEpoch(), kDefaultDays, &why);
    if (!window)
        return error(400, why);
    const auto totals = table_.totals(window->fromHour, window->to);
    if (!totals.ok())
        return HttpReplies::storeFailure(totals);
    const TrafficTotals &t = totals.value;
    QJsonArray perDay;
    for (const auto &[day, requests] : t.perDay)
        perDay.append(QJsonObject{{QStringLiteral("day"), QDateTime::fromSecsSinceEpoch(day, Qt::UTC).date().toString(Qt::ISODate)},
                                  {QStringLiteral("requests"), requests}});
    QJsonObject recording{{QStringLiteral("enabled"), engine_.traffic() != nullptr}};
    if (const TrafficRecorder *recorder = engine_.traffic()) {
        const TrafficRecorder::Status s = recorder->status();
        recording.insert(QStringLiteral("requestsStored"), s.requestsStored);
        recording.insert(QStringLiteral("failedFlushes"), s.failedFlushes);
        recording.insert(QStringLiteral("lastFlush"), s.lastFlush.isValid() ? QJsonValue(s.lastFlush.toString(Qt::ISODate))
                                                                              : QJsonValue(QJsonValue::Null));
        if (!s.lastError.isEmpty())
            recording.insert(QStringLiteral("problem"), HttpReplies::unavailable(QStringLiteral("store"), s.lastError));
    }
    QJsonObject body = window->toJson();
    body.insert(QStringLiteral("requests"), t.requests);
    body.insert(QStringLiteral("triples"), t.triples);
    body.insert(QStringLiteral("perDay"), perDay);
    body.insert(QStringLiteral("top"), QJsonObject{{QStringLiteral("country"), valuesJson(t.top[0])},
                                                   {QStringLiteral("os"), valuesJson(t.top[1])},
                                                   {QStringLiteral("app"), valuesJson(t.top[2])}});
    body.insert(QStringLiteral("recording"), recording);
    return json(200, body);
}

HttpReply TrafficApi::import(const HttpRequest &request)
{
    const auto format = TrafficImport::formatOf(HttpReplies::headerValue(request, "content-type"));
    if (!format)
        return error(415, QStringLiteral("Content-Type must be text/csv (country,os,app,requests[,hour]), "
                                         "application/json (a HAR file or QA journal) or text/plain (an access log)"));
    const TrafficImport::Result read = TrafficImport::read(*format, request.body, QDateTime::currentSecsSinceEpoch());
    if (!read.ok()) {
        QJsonObject body{{QStringLiteral("error"), read.error}, {QStringLiteral("imported"), 0}};
        if (read.errorLine > 0)
            body.insert(read.errorUnit, read.errorLine); // "line": 7, or "entry": 3
        return json(400, body);
    }
    const auto added = table_.add(read.rows, TrafficImport::batchIdOf(read.rows));
    if (!added.ok())
        return HttpReplies::storeFailure(added);
    QJsonObject skippedBy;
    for (auto it = read.skippedBy.cbegin(); it != read.skippedBy.cend(); ++it)
        skippedBy.insert(it.key(), it.value());
    return json(200, {{QStringLiteral("format"), read.format},
                      {QStringLiteral("recordsRead"), read.recordsRead},
                      {QStringLiteral("requests"), read.requests},
                      {QStringLiteral("added"), added.value}, // 0 when these rows were imported before
                      {QStringLiteral("alreadyImported"), added.value == 0 && read.requests > 0},
                      {QStringLiteral("rows"), qint64(read.rows.size())},
                      {QStringLiteral("skipped"), read.skipped},
                      {QStringLiteral("skippedBy"), skippedBy}});
}

} // namespace adserve
