#pragma once

#include "cache/CacheBackend.h"

#include <QObject>

namespace adserve {

// Serves redis:// cache URLs (standalone, or Cluster with CacheSettings::cluster).
class RedisCachePlugin : public QObject, public CacheBackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AdserveCacheBackendFactory_iid FILE "redis.json")
    Q_INTERFACES(adserve::CacheBackendFactory)
public:
    // rediss is listed so that it gets a clear "not supported" instead of "no plugin".
    QStringList schemes() const override { return {QStringLiteral("redis"), QStringLiteral("rediss")}; }
    std::unique_ptr<CacheBackend> create(const CacheSettings &settings, QString *error) override;
};

} // namespace adserve
