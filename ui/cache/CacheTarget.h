#pragma once

#include <QString>

namespace adserve {

struct CacheSettings;

// Where the cache the studio uses lives, as the ops engineer must see it before acting on
// it: the URL with its password hidden, and whether it is this machine (the in-memory cache
// or a loopback Redis) or somewhere else, possibly production.
struct CacheTarget
{
    QString shown;   // the URL, password replaced by "***"
    QString host;    // empty for the in-memory cache
    bool local = true;
    QString settingsKey; // what per-target choices are remembered under ("memory", "host:port")

    static CacheTarget of(const CacheSettings &settings);
};

// 127.0.0.0/8, ::1 (and IPv4-mapped loopback) and "localhost" are loopback; any other name
// is not (no DNS look-up: a name that resolves to loopback today may not tomorrow).
bool isLoopbackHost(const QString &host);

} // namespace adserve
