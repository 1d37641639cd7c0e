#pragma once

#include "cache/CacheBackend.h"

#include <QObject>

namespace adserve {

class MemoryCachePlugin : public QObject, public CacheBackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AdserveCacheBackendFactory_iid FILE "memory.json")
    Q_INTERFACES(adserve::CacheBackendFactory)
public:
    QStringList schemes() const override { return {QStringLiteral("memory")}; }
    std::unique_ptr<CacheBackend> create(const CacheSettings &settings, QString *error) override;
};

} // namespace adserve
