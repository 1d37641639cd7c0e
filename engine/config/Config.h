#pragma once

#include "cache/CacheBackend.h"
#include "changes/ChangeSettings.h"
#include "http/RequestHead.h"
#include "qa/QaSettings.h"
#include "store/DatabaseTarget.h"
#include "traffic/TrafficSettings.h"

#include <QHostAddress>
#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace adserve {

// Everything the engine and the server are configured with. Sources, weakest first:
// built-in defaults, the .env file, the environment, command-line flags.
struct Config
{
    DatabaseTarget database;           // DATABASE_URL, or the embedded SQLite file (--db)
    CacheSettings cache;               // REDIS_URL (memory:// when unset), REDIS_CLUSTER, timeouts
    std::chrono::seconds cacheTtl{24 * 3600};
    std::chrono::milliseconds nearCacheTtl{1000}; // CACHE_NEAR_TTL_MS: in-process copy in front of Redis
    qint64 answerCacheBytes = 128LL << 20;         // CACHE_ANSWER_MB: whole answers reused (needs the near cache)
    int batchSize = 100;               // DELIVERY_CAMPAIGN_BATCH_SIZE
    qint64 maxCampaigns = 0;           // DELIVERY_MAX_CAMPAIGNS: most campaigns in one answer; 0: all
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 8080;
    int serverThreads = 0;             // 0: two per core
    QString adminToken;                // empty: admin API off
    FollowerSettings changes;          // CHANGES_POLL_MS, CHANGES_RETENTION_DAYS, CHANGES_KEEP_PER_CAMPAIGN, CHANGES_PAGE_SIZE
    HttpLimits http;                   // HTTP_*: what one connection may cost
    QString explainToken;              // ADSERVE_EXPLAIN_TOKEN: read-only access to explain
    QaSettings qa;                     // ADSERVE_QA (--qa), QA_*: scenarios and the request journal
    TrafficSettings traffic;           // TRAFFIC_RECORDING, TRAFFIC_RETENTION_DAYS, TRAFFIC_FLUSH_MS

    static QString defaultSqlitePath();
    // The keys a .env file or the environment may set, with their help text.
    static QList<QPair<QString, QString>> environmentKeys();
};

// Reads a .env file: KEY=VALUE lines, '#' comments, optional `export `, single or double quotes.
// Returns nullopt and sets `error` ("<file>:<line>: ...") when a line is malformed.
std::optional<QMap<QString, QString>> readEnvFile(const QString &path, QString *error);

// Builds a Config from the merged KEY=VALUE view of .env, the environment and the
// command-line flags (CommandLine lays the flags over the other two).
class ConfigBuilder
{
public:
    // Merges .env (if the file exists) and the environment. An unreadable or malformed
    // .env is an error; a missing one is not.
    static std::optional<QMap<QString, QString>> mergedEnvironment(const QString &envFile,
                                                                   const QStringList &environment,
                                                                   QString *error);
    // Validates every value; the first problem becomes `error`, one line naming the variable.
    static std::optional<Config> build(const QMap<QString, QString> &values, QString *error);
};

} // namespace adserve
