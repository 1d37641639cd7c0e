#include "DeliveryRequest.h"

#include "common/ShellQuote.h"

#include <QDateTime>
#include <QUrl>

namespace adserve {

QString DeliveryRequest::route() const
{
    return at ? QStringLiteral("/api/v1/delivery/explain") : path;
}

QString DeliveryRequest::queryString() const
{
    const auto param = [](const char *name, const QString &value) -> QString {
        return QString::fromLatin1(name) + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    QString query = param("app", app) + QLatin1Char('&') + param("country", country) + QLatin1Char('&') + param("os", os);
    if (limit > 0) // explain's own `limit` pages its decisions
        query += QLatin1Char('&') + param(at ? "answerLimit" : "limit", QString::number(limit));
    if (at) // ISO 8601 needs no escaping in a query: it stays readable
        query += QStringLiteral("&at=") + QDateTime::fromMSecsSinceEpoch(*at, Qt::UTC).toString(Qt::ISODateWithMs);
    return query;
}

QString DeliveryRequest::curl(const QString &baseUrl) const
{
    return QStringLiteral("curl -i ") + shellQuoted(baseUrl + target());
}

} // namespace adserve
