#pragma once

#include "Engine.h"
#include "config/Config.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <cstdio>
#include <functional>
#include <memory>

namespace adserve::bench {

// The engine of a bench over a given SQLite store: reads `--store FILE` from the command line,
// opens it, calls `opened` and reads the store's index. Null when it cannot, with the reason
// on stderr and the exit code in `exitCode`.
inline std::unique_ptr<Engine> openStoreEngine(const QCoreApplication &app, int *exitCode,
                                               const std::function<void()> &opened = {})
{
    QCommandLineParser options;
    options.addOptions({{"store", "The SQLite store (read only).", "file"}});
    options.addHelpOption();
    options.process(app);
    if (!options.isSet("store") || !QFile::exists(options.value("store"))) {
        std::fprintf(stderr, "--store FILE (an existing SQLite store) is required\n");
        *exitCode = 2;
        return nullptr;
    }
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), options.value("store")}}, &error);
    auto engine = config ? Engine::open(*config, &error) : nullptr;
    if (!engine) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
        *exitCode = 1;
        return nullptr;
    }
    if (opened)
        opened();
    if (const auto built = engine->rebuildIndex(); !built.ok()) {
        std::fprintf(stderr, "cannot read the store: %s\n", qPrintable(built.message));
        *exitCode = 1;
        return nullptr;
    }
    return engine;
}

} // namespace adserve::bench
