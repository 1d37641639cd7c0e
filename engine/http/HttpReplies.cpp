#include "HttpReplies.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>

#include <atomic>

namespace adserve::HttpReplies {

namespace {
const QByteArray kChangeIdHeader = QByteArrayLiteral("X-Adserve-Change-Id");
Q_LOGGING_CATEGORY(lcHttp, "adserve.http")
}

QString unavailable(const QString &backend, const QString &reason)
{
    static std::atomic<qint64> lastLogged{0};
    static std::atomic<qint64> unlogged{0};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 last = lastLogged.load();
    if (now - last >= 1000 && lastLogged.compare_exchange_strong(last, now)) {
        const qint64 more = unlogged.exchange(0);
        qCWarning(lcHttp).noquote() << backend << "unavailable:" << reason
                                    << (more ? QStringLiteral("(%1 more failures since the last message)").arg(more) : QString());
    } else {
        ++unlogged;
    }
    return QStringLiteral("the %1 is unavailable; the server log has the details").arg(backend);
}

HttpReply json(int status, const QJsonObject &object)
{
    return {status, QJsonDocument(object).toJson(QJsonDocument::Compact)};
}

HttpReply error(int status, const QString &message)
{
    return json(status, {{QStringLiteral("error"), message}});
}

HttpReply noContent()
{
    return {204, {}, {}, {}};
}

HttpReply methodNotAllowed(const QByteArray &allowed)
{
    HttpReply reply = error(405, QStringLiteral("method not allowed"));
    reply.headers.append({QByteArray("Allow"), allowed});
    return reply;
}

HttpReply notFound(const QString &path)
{
    return error(404, QStringLiteral("not found: %1").arg(path));
}

HttpReply fieldErrors(int status, const QString &message, const QList<FieldError> &errors)
{
    QJsonArray fields;
    for (const FieldError &e : errors)
        fields.append(QJsonObject{{QStringLiteral("field"), e.field}, {QStringLiteral("message"), e.message}});
    QJsonObject body{{QStringLiteral("error"), message}};
    if (!fields.isEmpty())
        body.insert(QStringLiteral("fields"), fields);
    return json(status, body);
}

HttpReply written(int status, QJsonObject body, qint64 changeId)
{
    body.insert(QStringLiteral("changeId"), changeId);
    HttpReply reply = json(status, body);
    reply.headers.append({kChangeIdHeader, QByteArray::number(changeId)});
    return reply;
}

HttpReply noContentWritten(qint64 changeId)
{
    HttpReply reply = noContent();
    reply.headers.append({kChangeIdHeader, QByteArray::number(changeId)});
    return reply;
}

std::optional<QJsonObject> jsonObjectBody(const HttpRequest &request, HttpReply *problem)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *problem = error(400, QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *problem = error(400, QStringLiteral("the body must be a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

QByteArray headerValue(const HttpRequest &request, QByteArrayView name)
{
    for (const auto &[n, v] : request.headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v.trimmed();
    }
    return {};
}

std::optional<qint64> parseId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

QHash<QString, QString> queryParams(const QUrlQuery &query)
{
    QHash<QString, QString> params;
    const auto items = query.queryItems(QUrl::FullyEncoded);
    for (const auto &[key, value] : items) {
        const QString name = QUrl::fromPercentEncoding(key.toUtf8());
        if (params.contains(name))
            continue;
        QByteArray raw = value.toUtf8();
        raw.replace('+', ' ');
        params.insert(name, QUrl::fromPercentEncoding(raw));
    }
    return params;
}

std::optional<qint64> boundedParam(const QHash<QString, QString> &params, const QString &name, qint64 fallback,
                                   qint64 min, qint64 max, HttpReply *problem)
{
    const QString text = params.value(name).trimmed();
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max) {
        *problem = error(400, QStringLiteral("%1 must be a whole number from %2 to %3").arg(name).arg(min).arg(max));
        return std::nullopt;
    }
    return value;
}

} // namespace adserve::HttpReplies
