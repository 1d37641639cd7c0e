#include "RedisCachePlugin.h"

#include "RedisCacheBackend.h"

namespace adserve {

std::unique_ptr<CacheBackend> RedisCachePlugin::create(const CacheSettings &settings, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return nullptr;
    };
    if (settings.connectTimeout.count() <= 0 || settings.commandTimeout.count() <= 0)
        return fail(QStringLiteral("Redis cache: the connect and command timeouts must be positive"));

    RedisOptions defaults;
    defaults.cluster = settings.cluster;
    defaults.connectTimeout = settings.connectTimeout;
    defaults.commandTimeout = settings.commandTimeout;
    const auto options = RedisOptions::fromUrl(settings.url, defaults);
    if (!options.ok())
        return fail(options.error);
    // No connection yet: a Redis that is down now is reported per call, and used once it is back.
    return std::make_unique<RedisCacheBackend>(RedisClient::create(options.value));
}

} // namespace adserve
