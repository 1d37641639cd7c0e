#include "CacheTarget.h"

#include "cache/CacheBackend.h"
#include "settings/ConnectionSettings.h"

#include <QHostAddress>
#include <QUrl>

namespace adserve {

bool isLoopbackHost(const QString &host)
{
    QString h = host.trimmed().toLower();
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    if (h.endsWith(QLatin1Char('.'))) // the fully qualified spelling, "localhost."
        h.chop(1);
    if (h == QLatin1String("localhost"))
        return true;
    QHostAddress address;
    return address.setAddress(h) && address.isLoopback();
}

CacheTarget CacheTarget::of(const CacheSettings &settings)
{
    CacheTarget target;
    const QUrl url(settings.url);
    if (url.scheme() == QLatin1String("memory") || settings.url.isEmpty()) {
        target.shown = settings.url.isEmpty() ? QStringLiteral("memory://") : settings.url;
        target.settingsKey = QStringLiteral("memory");
        return target;
    }
    target.shown = redactUrl(settings.url);
    target.host = url.host();
    target.local = isLoopbackHost(target.host);
    target.settingsKey = QStringLiteral("%1:%2").arg(target.host).arg(url.port(6379));
    return target;
}

} // namespace adserve
