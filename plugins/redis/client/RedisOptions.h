#pragma once

#include "RedisResult.h"

#include <QString>

#include <chrono>
#include <limits>
#include <optional>

namespace adserve {

// host:port of one Redis server (a cluster node, or the standalone server).
struct RedisNodeAddress
{
    QString host;
    quint16 port = 6379;

    // "host:port", with IPv6 hosts in brackets: the key for connections and health.
    QString toString() const;
    friend bool operator==(const RedisNodeAddress &, const RedisNodeAddress &) = default;
};

// Everything needed to talk to one Redis deployment.
struct RedisOptions
{
    RedisNodeAddress address{QStringLiteral("localhost"), 6379}; // the server, or a cluster seed
    QString user;     // ACL user; empty means "default"
    QString password; // empty: no AUTH
    int db = 0;
    bool cluster = false;
    std::chrono::milliseconds connectTimeout{200};
    std::chrono::milliseconds commandTimeout{50};

    // Reads redis://[[user]:password@]host[:port][/db][?connect_timeout_ms=&command_timeout_ms=].
    // Settings not in the URL keep their value from `defaults`. The error never shows the password.
    static RedisResult<RedisOptions> fromUrl(const QString &url, const RedisOptions &defaults);
    static RedisResult<RedisOptions> fromUrl(const QString &url) { return fromUrl(url, RedisOptions{}); }

    // redis://[user@]host:port/db — safe to log and show: never the password.
    QString describe() const;
};

} // namespace adserve
