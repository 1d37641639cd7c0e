#pragma once

#include "CacheBackend.h"

#include <QStringList>

namespace adserve {

// Finds the cache plugins and creates the backend that serves a cache URL's scheme.
// Plugins are looked for in $ADSERVE_PLUGIN_PATH (colon-separated), then beside the
// executable (<bin>/../lib/adserve/plugins), which is both the build and the install layout.
class CachePlugins
{
public:
    static QStringList searchPaths();
    // nullptr with `error` naming the URL and what is wrong.
    static std::unique_ptr<CacheBackend> create(const CacheSettings &settings, QString *error);
    // Schemes of every plugin found, for --help and error messages.
    static QStringList availableSchemes();
};

} // namespace adserve
