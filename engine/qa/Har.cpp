#include "Har.h"

#include "http/HttpStatus.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QUrl>

namespace adserve::Har {

namespace {

QJsonArray nameValues(const HeaderList &headers)
{
    QJsonArray list;
    for (const auto &[name, value] : headers)
        list.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                {QStringLiteral("value"), QString::fromUtf8(value)}});
    return list;
}

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

QJsonObject entryJson(const JournalEntry &e, const QString &serverUrl)
{
    const QUrlQuery query = e.queryItems();
    QJsonArray queryString;
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded))
        queryString.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    QJsonObject request{{QStringLiteral("method"), QString::fromLatin1(e.method)},
                        {QStringLiteral("url"), QString(serverUrl + e.path + (e.query.isEmpty() ? QString() : QString(QLatin1Char('?') + e.query)))},
                        {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                        {QStringLiteral("cookies"), QJsonArray()},
                        {QStringLiteral("headers"), nameValues(e.requestHeaders)},
                        {QStringLiteral("queryString"), queryString},
                        {QStringLiteral("headersSize"), -1},
                        {QStringLiteral("bodySize"), qint64(e.requestBody.size())}};
    if (!e.requestBody.isEmpty()) {
        const QByteArray type = headerValue(e.requestHeaders, "content-type");
        request.insert(QStringLiteral("postData"),
                       QJsonObject{{QStringLiteral("mimeType"), QString::fromLatin1(type.isEmpty() ? "application/json" : type)},
                                   {QStringLiteral("text"), QString::fromUtf8(e.requestBody)}});
    }
    QJsonObject content{{QStringLiteral("size"), e.responseBytes},
                        {QStringLiteral("mimeType"), QString::fromLatin1(headerValue(e.responseHeaders, "content-type"))},
                        {QStringLiteral("text"), QString::fromUtf8(e.responseBody)}};
    if (e.responseBytes > e.responseBody.size())
        content.insert(QStringLiteral("comment"), QStringLiteral("the first %1 bytes").arg(e.responseBody.size()));
    const QJsonObject response{{QStringLiteral("status"), e.status},
                               {QStringLiteral("statusText"), e.status ? QString::fromLatin1(reasonPhrase(e.status)) : QString()},
                               {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                               {QStringLiteral("cookies"), QJsonArray()},
                               {QStringLiteral("headers"), nameValues(e.responseHeaders)},
                               {QStringLiteral("content"), content},
                               {QStringLiteral("redirectURL"), QString()},
                               {QStringLiteral("headersSize"), -1},
                               {QStringLiteral("bodySize"), e.status ? e.responseBytes : -1}};
    // The entry's time is the sum of its timings: the server's part is "wait", the body "receive".
    const double receive = e.receiveMs;
    const double wait = std::max(0.0, e.totalMs - receive);
    QJsonArray flags;
    for (const ContractFlag &f : e.flags)
        flags.append(QJsonObject{{QStringLiteral("param"), f.param}, {QStringLiteral("reason"), f.reason}});
    return {{QStringLiteral("startedDateTime"), e.time.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("time"), wait + receive},
            {QStringLiteral("request"), request},
            {QStringLiteral("response"), response},
            {QStringLiteral("cache"), QJsonObject()},
            {QStringLiteral("timings"), QJsonObject{{QStringLiteral("blocked"), -1},
                                                    {QStringLiteral("dns"), -1},
                                                    {QStringLiteral("connect"), -1},
                                                    {QStringLiteral("send"), 0},
                                                    {QStringLiteral("wait"), wait},
                                                    {QStringLiteral("receive"), receive},
                                                    {QStringLiteral("ssl"), -1}}},
            {QStringLiteral("comment"), e.outcome},
            {QStringLiteral("_adserve"), QJsonObject{{QStringLiteral("id"), e.id},
                                                     {QStringLiteral("client"), e.client},
                                                     {QStringLiteral("scenario"), e.scenario},
                                                     {QStringLiteral("rule"), e.rule},
                                                     {QStringLiteral("effects"), QJsonArray::fromStringList(e.effects)},
                                                     {QStringLiteral("outcome"), e.outcome},
                                                     {QStringLiteral("flags"), flags}}}};
}

// Headers a replay sets itself, or must not send again.
bool replaySetsItself(const QByteArray &name)
{
    static const QList<QByteArray> own{"host", "content-length", "transfer-encoding", "connection", "keep-alive",
                                       "upgrade", "expect", "te", "trailer", "authorization", "x-adserve-replay"};
    return own.contains(name.toLower());
}

} // namespace

QJsonDocument fromJournal(const QList<JournalEntry> &entries, const QString &serverUrl)
{
    QJsonArray list;
    for (const JournalEntry &e : entries)
        list.append(entryJson(e, serverUrl));
    const QJsonObject log{{QStringLiteral("version"), QStringLiteral("1.2")},
                          {QStringLiteral("creator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("adserve")},
                                                                  {QStringLiteral("version"), QCoreApplication::applicationVersion()}}},
                          {QStringLiteral("pages"), QJsonArray()},
                          {QStringLiteral("entries"), list}};
    return QJsonDocument(QJsonObject{{QStringLiteral("log"), log}});
}

std::optional<QList<Request>> requests(const QJsonDocument &har, QString *error)
{
    const QJsonValue entries = har.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries"));
    if (!entries.isArray()) {
        *error = QStringLiteral("not a HAR: log.entries must be an array");
        return std::nullopt;
    }
    if (entries.toArray().size() > kMaxReplayed) {
        *error = QStringLiteral("at most %1 entries can be replayed at once").arg(kMaxReplayed);
        return std::nullopt;
    }
    static const QList<QByteArray> methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    QList<Request> out;
    int index = 0;
    for (const QJsonValue &value : entries.toArray()) {
        const QString where = QStringLiteral("log.entries[%1].request").arg(index++);
        const QJsonObject request = value.toObject().value(QLatin1String("request")).toObject();
        Request r;
        r.method = request.value(QLatin1String("method")).toString().toLatin1().toUpper();
        if (!methods.contains(r.method)) {
            *error = QStringLiteral("%1.method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS").arg(where);
            return std::nullopt;
        }
        const QUrl url(request.value(QLatin1String("url")).toString(), QUrl::StrictMode);
        if (!url.isValid() || !url.path().startsWith(QLatin1Char('/'))) {
            *error = QStringLiteral("%1.url: expected an http URL or an absolute path").arg(where);
            return std::nullopt;
        }
        r.target = url.path(QUrl::FullyEncoded);
        if (url.hasQuery())
            r.target += QLatin1Char('?') + url.query(QUrl::FullyEncoded);
        for (const QJsonValue &h : request.value(QLatin1String("headers")).toArray()) {
            const QByteArray name = h[QLatin1String("name")].toString().toLatin1();
            const QByteArray headerValue = h[QLatin1String("value")].toString().toUtf8();
            if (name.isEmpty() || name.contains(':') || name.contains('\n') || headerValue.contains('\n')
                || headerValue.contains('\r')) {
                *error = QStringLiteral("%1.headers: a header name or value is malformed").arg(where);
                return std::nullopt;
            }
            if (!name.startsWith(':') && !replaySetsItself(name))
                r.headers.append({name, headerValue});
        }
        r.body = request.value(QLatin1String("postData")).toObject().value(QLatin1String("text")).toString().toUtf8();
        r.originalStatus = value.toObject().value(QLatin1String("response")).toObject().value(QLatin1String("status")).toInt();
        out.append(r);
    }
    return out;
}

} // namespace adserve::Har
