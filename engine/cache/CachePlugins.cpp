#include "CachePlugins.h"

#include <QCoreApplication>
#include <QDir>
#include <QPluginLoader>
#include <QUrl>

namespace adserve {

namespace {

template<typename Visitor>
void forEachFactory(Visitor &&visit)
{
    for (const QString &path : CachePlugins::searchPaths()) {
        const QDir dir(path);
        const QStringList files = dir.entryList({QStringLiteral("*.so")}, QDir::Files);
        for (const QString &file : files) {
            QPluginLoader loader(dir.absoluteFilePath(file));
            if (loader.metaData().value(QLatin1String("IID")).toString()
                != QLatin1String(AdserveCacheBackendFactory_iid))
                continue;
            // Plugins stay loaded for the life of the process: backends live in them.
            auto *factory = qobject_cast<CacheBackendFactory *>(loader.instance());
            if (factory && visit(factory))
                return;
        }
    }
}

} // namespace

QStringList CachePlugins::searchPaths()
{
    QStringList paths;
    const QString fromEnv = qEnvironmentVariable("ADSERVE_PLUGIN_PATH");
    if (!fromEnv.isEmpty())
        paths += fromEnv.split(QLatin1Char(':'), Qt::SkipEmptyParts);
    paths += QDir::cleanPath(QCoreApplication::applicationDirPath() + QLatin1Char('/')
                             + QStringLiteral(ADSERVE_PLUGIN_RELDIR));
    return paths;
}

std::unique_ptr<CacheBackend> CachePlugins::create(const CacheSettings &settings, QString *error)
{
    const QString scheme = QUrl(settings.url).scheme().toLower();
    std::unique_ptr<CacheBackend> backend;
    bool found = false;
    QString createError;
    forEachFactory([&](CacheBackendFactory *factory) {
        if (!factory->schemes().contains(scheme))
            return false;
        found = true;
        backend = factory->create(settings, &createError);
        return true;
    });
    if (!found) {
        if (error) {
            const QStringList known = availableSchemes();
            *error = QStringLiteral("no cache plugin serves the scheme \"%1\" (available: %2; searched %3)")
                         .arg(scheme, known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")),
                              searchPaths().join(QStringLiteral(", ")));
        }
        return nullptr;
    }
    if (!backend && error)
        *error = createError;
    return backend;
}

QStringList CachePlugins::availableSchemes()
{
    QStringList schemes;
    forEachFactory([&](CacheBackendFactory *factory) {
        schemes += factory->schemes();
        return false;
    });
    schemes.removeDuplicates();
    return schemes;
}

} // namespace adserve
