#include "DeliveryRequest.h"

#include <QUrl>

namespace adserve {

QString DeliveryRequest::queryString() const
{
    const auto param = [](const char *name, const QString &value) -> QString {
        return QString::fromLatin1(name) + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    return param("app", app) + QLatin1Char('&') + param("country", country) + QLatin1Char('&') + param("os", os);
}

QString DeliveryRequest::curl(const QString &baseUrl) const
{
    QString url = baseUrl + target();
    url.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QStringLiteral("curl -i '%1'").arg(url);
}

} // namespace adserve
