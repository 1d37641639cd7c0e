#include "MemoryCachePlugin.h"

#include "MemoryCacheBackend.h"

namespace adserve {

std::unique_ptr<CacheBackend> MemoryCachePlugin::create(const CacheSettings &settings, QString *error)
{
    if (settings.maxEntries <= 0) {
        if (error)
            *error = QStringLiteral("memory cache: the entry limit must be positive");
        return nullptr;
    }
    return std::make_unique<MemoryCacheBackend>(settings.maxEntries);
}

} // namespace adserve
