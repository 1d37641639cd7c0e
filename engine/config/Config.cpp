#include "Config.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace adserve {

namespace {

const QString kDatabaseUrl = QStringLiteral("DATABASE_URL");
const QString kDatabaseQueryTimeout = QStringLiteral("DATABASE_QUERY_TIMEOUT_MS");
const QString kSqlitePath = QStringLiteral("ADSERVE_DB");
const QString kRedisUrl = QStringLiteral("REDIS_URL");
const QString kRedisCluster = QStringLiteral("REDIS_CLUSTER");
const QString kBatchSize = QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE");
const QString kMaxCampaigns = QStringLiteral("DELIVERY_MAX_CAMPAIGNS");
const QString kCacheTtl = QStringLiteral("CACHE_TTL_SECONDS");
const QString kCacheMaxEntries = QStringLiteral("CACHE_MAX_ENTRIES");
const QString kNearCacheTtl = QStringLiteral("CACHE_NEAR_TTL_MS");
const QString kAnswerCacheMb = QStringLiteral("CACHE_ANSWER_MB");
const QString kRedisConnectTimeout = QStringLiteral("REDIS_CONNECT_TIMEOUT_MS");
const QString kRedisCommandTimeout = QStringLiteral("REDIS_COMMAND_TIMEOUT_MS");
const QString kListen = QStringLiteral("ADSERVE_LISTEN");
const QString kThreads = QStringLiteral("ADSERVE_THREADS");
const QString kAdminToken = QStringLiteral("ADSERVE_ADMIN_TOKEN");
const QString kExplainToken = QStringLiteral("ADSERVE_EXPLAIN_TOKEN");
const QString kHttpMaxRequestLine = QStringLiteral("HTTP_MAX_REQUEST_LINE");
const QString kHttpMaxHeaderBytes = QStringLiteral("HTTP_MAX_HEADER_BYTES");
const QString kHttpMaxBodyBytes = QStringLiteral("HTTP_MAX_BODY_BYTES");
const QString kHttpHeaderTimeout = QStringLiteral("HTTP_HEADER_TIMEOUT_MS");
const QString kHttpBodyTimeout = QStringLiteral("HTTP_BODY_TIMEOUT_MS");
const QString kHttpIdleTimeout = QStringLiteral("HTTP_IDLE_TIMEOUT_MS");
const QString kHttpMaxConnections = QStringLiteral("HTTP_MAX_CONNECTIONS");
const QString kChangesPoll = QStringLiteral("CHANGES_POLL_MS");
const QString kChangesRetentionDays = QStringLiteral("CHANGES_RETENTION_DAYS");
const QString kChangesKeepPerCampaign = QStringLiteral("CHANGES_KEEP_PER_CAMPAIGN");
const QString kChangesPageSize = QStringLiteral("CHANGES_PAGE_SIZE");
const QString kQa = QStringLiteral("ADSERVE_QA");
const QString kQaDir = QStringLiteral("QA_DIR");
const QString kQaJournalMaxEntries = QStringLiteral("QA_JOURNAL_MAX_ENTRIES");
const QString kQaJournalMaxBytes = QStringLiteral("QA_JOURNAL_MAX_BYTES");
const QString kQaHangMax = QStringLiteral("QA_HANG_MAX_MS");
const QString kTrafficRecording = QStringLiteral("TRAFFIC_RECORDING");
const QString kTrafficRetentionDays = QStringLiteral("TRAFFIC_RETENTION_DAYS");
const QString kTrafficFlush = QStringLiteral("TRAFFIC_FLUSH_MS"); // not listed: for tests and trials

QString unquote(const QString &raw, bool *ok)
{
    *ok = true;
    const QString v = raw.trimmed();
    if (v.size() >= 2 && (v.front() == QLatin1Char('"') || v.front() == QLatin1Char('\''))) {
        if (v.back() != v.front()) {
            *ok = false;
            return {};
        }
        QString inner = v.mid(1, v.size() - 2);
        if (v.front() == QLatin1Char('"'))
            inner.replace(QLatin1String("\\n"), QLatin1String("\n")).replace(QLatin1String("\\\""), QLatin1String("\""));
        return inner;
    }
    if (v.startsWith(QLatin1Char('"')) || v.startsWith(QLatin1Char('\''))) {
        *ok = false;
        return {};
    }
    // An unquoted value ends at an inline comment.
    const qsizetype hash = v.indexOf(QLatin1String(" #"));
    return hash >= 0 ? v.left(hash).trimmed() : v;
}

// Parses a positive whole number in [min, max], naming `key` in the error.
std::optional<qint64> parseBounded(const QMap<QString, QString> &values, const QString &key, qint64 fallback,
                                   qint64 min, qint64 max, QString *error)
{
    if (!values.contains(key))
        return fallback;
    const QString text = values.value(key).trimmed();
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok || n < min || n > max) {
        *error = QStringLiteral("%1: \"%2\" is not a whole number from %3 to %4").arg(key, text).arg(min).arg(max);
        return std::nullopt;
    }
    return n;
}

std::optional<bool> parseBool(const QMap<QString, QString> &values, const QString &key, QString *error)
{
    const QString text = values.value(key).trimmed().toLower();
    if (text.isEmpty() || text == QLatin1String("false") || text == QLatin1String("0") || text == QLatin1String("no"))
        return false;
    if (text == QLatin1String("true") || text == QLatin1String("1") || text == QLatin1String("yes"))
        return true;
    *error = QStringLiteral("%1: \"%2\" is not true or false").arg(key, values.value(key));
    return std::nullopt;
}

bool parseListen(const QString &text, Config &config, QString *error)
{
    // host:port, [v6]:port, host, or :port
    QString host = text.trimmed();
    QString portText;
    if (host.startsWith(QLatin1Char('['))) {
        const qsizetype close = host.indexOf(QLatin1Char(']'));
        if (close < 0) {
            *error = QStringLiteral("%1: \"%2\" has an unclosed [").arg(kListen, text);
            return false;
        }
        portText = host.mid(close + 1).startsWith(QLatin1Char(':')) ? host.mid(close + 2) : QString();
        host = host.mid(1, close - 1);
    } else if (host.count(QLatin1Char(':')) == 1) {
        portText = host.section(QLatin1Char(':'), 1);
        host = host.section(QLatin1Char(':'), 0, 0);
    }
    if (!host.isEmpty()) {
        const QHostAddress address = host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                                        : QHostAddress(host);
        if (address.isNull()) {
            *error = QStringLiteral("%1: \"%2\" is not an IP address").arg(kListen, host);
            return false;
        }
        config.listenAddress = address;
    }
    if (!portText.isEmpty()) {
        bool ok = false;
        const int port = portText.toInt(&ok);
        if (!ok || port < 0 || port > 65535) {
            *error = QStringLiteral("%1: \"%2\" is not a port from 0 to 65535").arg(kListen, portText);
            return false;
        }
        config.port = quint16(port);
    }
    return true;
}

} // namespace

QString Config::defaultSqlitePath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share");
    return dir + QStringLiteral("/adserve/adserve.sqlite");
}

QList<QPair<QString, QString>> Config::environmentKeys()
{
    return {
        {kDatabaseUrl, QStringLiteral("PostgreSQL: libpq \"key=value\" string or postgres:// URL (unset: embedded SQLite)")},
        {kDatabaseQueryTimeout, QStringLiteral("PostgreSQL: longest a statement may take, in ms; a server that does not "
                                               "answer by then has its connection dropped; loading all targeting may go on while "
                                               "rows keep arriving (default %1)")
                                    .arg(DatabaseTarget::kDefaultQueryTimeout.count())},
        {kSqlitePath, QStringLiteral("embedded SQLite file (default %1)").arg(defaultSqlitePath())},
        {kRedisUrl, QStringLiteral("redis://[[user]:password@]host[:port][/db] (unset: in-memory cache)")},
        {kRedisCluster, QStringLiteral("true when REDIS_URL points at a Redis Cluster node (default false)")},
        {kBatchSize, QStringLiteral("campaigns per detail batch (default 100)")},
        {kMaxCampaigns, QStringLiteral("most campaigns in one answer, the first by priority then id; a request's "
                                       "limit can only lower it (default: all)")},
        {kCacheTtl, QStringLiteral("cache entry lifetime in seconds (default 86400)")},
        {kCacheMaxEntries, QStringLiteral("entry limit of the in-memory cache (default 1000000)")},
        {kNearCacheTtl, QStringLiteral("how long each instance reuses a detail it read, in ms, where the cache does not "
                                       "report its changes (Redis Cluster, Redis before 6.0); changes through the store "
                                       "apply at once (default 1000, 0: off)")},
        {kAnswerCacheMb, QStringLiteral("memory for whole answers reused while the near cache holds every campaign in "
                                        "them, in MB (default 128, 0: off)")},
        {kRedisConnectTimeout, QStringLiteral("Redis connect timeout in ms (default 200)")},
        {kRedisCommandTimeout, QStringLiteral("Redis command timeout in ms (default 50)")},
        {kListen, QStringLiteral("address:port the server listens on (default 127.0.0.1:8080)")},
        {kThreads, QStringLiteral("HTTP server threads (default: two per core)")},
        {kAdminToken, QStringLiteral("bearer token of the admin API (unset: admin API off)")},
        {kExplainToken, QStringLiteral("bearer token that may read /api/v1/delivery/explain and nothing else (the admin "
                                       "token may too)")},
        {kHttpMaxRequestLine, QStringLiteral("longest request line in bytes; longer: 414 (default 8192)")},
        {kHttpMaxHeaderBytes, QStringLiteral("largest request head (line and headers) in bytes; larger: 431 (default 16384)")},
        {kHttpMaxBodyBytes, QStringLiteral("largest request body of the admin API in bytes, decided before it is read; "
                                           "larger: 413 (default 1048576)")},
        {kHttpHeaderTimeout, QStringLiteral("time a client has to send a request's head, in ms; then 408 (default 10000)")},
        {kHttpBodyTimeout, QStringLiteral("time a client has to send a request's body, in ms; then 408 (default 30000)")},
        {kHttpIdleTimeout, QStringLiteral("how long a kept-alive connection may wait for its next request, in ms "
                                          "(default 60000)")},
        {kHttpMaxConnections, QStringLiteral("client connections open at once; then the longest idle one is closed, or "
                                             "new ones are answered 503 (default 4096)")},
        {kChangesPoll, QStringLiteral("how often each instance reads the change log besides being notified, in ms "
                                      "(default 1000)")},
        {kChangesRetentionDays, QStringLiteral("days the change log keeps changes (default 90)")},
        {kChangesKeepPerCampaign, QStringLiteral("changes of each campaign kept however old (default 50)")},
        {kChangesPageSize, QStringLiteral("changes read from the log at once; a longer backlog of other instances' "
                                          "changes is caught up by reading the whole store again (default 10000)")},
        {kQa, QStringLiteral("true: QA mode (scenarios in front of the engine, the request journal); never in "
                             "production (default false)")},
        {kQaDir, QStringLiteral("QA mode's folder: scenarios and the request journal (default: a qa folder beside "
                                "the SQLite file)")},
        {kQaJournalMaxEntries, QStringLiteral("requests the QA journal keeps (default 10000)")},
        {kQaJournalMaxBytes, QStringLiteral("bytes the QA journal keeps (default 16777216)")},
        {kQaHangMax, QStringLiteral("the longest a QA \"hang\" holds a connection, in ms (default 60000)")},
        {kTrafficRecording, QStringLiteral("count delivery requests per hour and (country, os, app) and add them to the "
                                           "store every minute, for reach forecasts (default true)")},
        {kTrafficRetentionDays, QStringLiteral("days the store keeps recorded traffic (default 35)")},
    };
}

std::optional<QMap<QString, QString>> readEnvFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QMap<QString, QString> values;
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        if (line.startsWith(QLatin1String("export ")))
            line = line.mid(7).trimmed();
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString key = eq > 0 ? line.left(eq).trimmed() : QString();
        static const QRegularExpression keyForm(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (key.isEmpty() || !keyForm.match(key).hasMatch()) {
            *error = QStringLiteral("%1:%2: expected KEY=VALUE").arg(path).arg(lineNumber);
            return std::nullopt;
        }
        bool ok = false;
        const QString value = unquote(line.mid(eq + 1), &ok);
        if (!ok) {
            *error = QStringLiteral("%1:%2: unterminated quote in %3").arg(path).arg(lineNumber).arg(key);
            return std::nullopt;
        }
        values.insert(key, value);
    }
    return values;
}

std::optional<QMap<QString, QString>> ConfigBuilder::mergedEnvironment(const QString &envFile,
                                                                       const QStringList &environment,
                                                                       QString *error)
{
    QMap<QString, QString> values;
    if (!envFile.isEmpty() && QFile::exists(envFile)) {
        auto fromFile = readEnvFile(envFile, error);
        if (!fromFile)
            return std::nullopt;
        values = *fromFile;
    }
    for (const QString &entry : environment) {
        const qsizetype eq = entry.indexOf(QLatin1Char('='));
        if (eq > 0)
            values.insert(entry.left(eq), entry.mid(eq + 1));
    }
    return values;
}

std::optional<Config> ConfigBuilder::build(const QMap<QString, QString> &values, QString *error)
{
    Config config;
    const QString databaseUrl = values.value(kDatabaseUrl).trimmed();
    if (databaseUrl.isEmpty()) {
        const QString path = values.value(kSqlitePath).trimmed();
        config.database = DatabaseTarget::sqlite(path.isEmpty() ? Config::defaultSqlitePath() : path);
    } else {
        QString why;
        auto target = DatabaseTarget::fromDatabaseUrl(databaseUrl, &why);
        if (!target) {
            *error = QStringLiteral("%1: %2").arg(kDatabaseUrl, why);
            return std::nullopt;
        }
        config.database = *target;
    }
    // Each bounded number falls back to Config's own default; the first bad one is the error.
    bool valid = true;
    const auto bounded = [&](const QString &key, qint64 fallback, qint64 min, qint64 max) {
        const auto n = valid ? parseBounded(values, key, fallback, min, max, error) : std::nullopt;
        valid = n.has_value();
        return n.value_or(fallback);
    };
    config.database.queryTimeout = std::chrono::milliseconds(
        bounded(kDatabaseQueryTimeout, config.database.queryTimeout.count(), 1, 3'600'000));
    if (!valid)
        return std::nullopt;

    const QString redisUrl = values.value(kRedisUrl).trimmed();
    if (redisUrl.isEmpty()) {
        config.cache.url = QStringLiteral("memory://");
    } else {
        const QUrl url(redisUrl, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || scheme.isEmpty()) {
            *error = QStringLiteral("%1: not a URL; expected redis://[[user]:password@]host[:port][/db]").arg(kRedisUrl);
            return std::nullopt;
        }
        if (scheme == QLatin1String("rediss")) {
            *error = QStringLiteral("%1: rediss:// (TLS) is not supported; use redis://").arg(kRedisUrl);
            return std::nullopt;
        }
        if (scheme != QLatin1String("redis") && scheme != QLatin1String("memory")) {
            *error = QStringLiteral("%1: unknown scheme \"%2\"; expected redis://").arg(kRedisUrl, scheme);
            return std::nullopt;
        }
        config.cache.url = redisUrl;
    }
    const auto cluster = parseBool(values, kRedisCluster, error);
    if (!cluster)
        return std::nullopt;
    config.cache.cluster = *cluster;

    config.batchSize = int(bounded(kBatchSize, config.batchSize, 1, 100000));
    config.maxCampaigns = bounded(kMaxCampaigns, config.maxCampaigns, 0, 1'000'000'000);
    config.cacheTtl = std::chrono::seconds(bounded(kCacheTtl, config.cacheTtl.count(), 1, 365LL * 24 * 3600));
    config.cache.maxEntries = bounded(kCacheMaxEntries, config.cache.maxEntries, 16, 1'000'000'000);
    config.cache.connectTimeout =
        std::chrono::milliseconds(bounded(kRedisConnectTimeout, config.cache.connectTimeout.count(), 1, 60000));
    config.cache.commandTimeout =
        std::chrono::milliseconds(bounded(kRedisCommandTimeout, config.cache.commandTimeout.count(), 1, 60000));
    config.nearCacheTtl = std::chrono::milliseconds(bounded(kNearCacheTtl, config.nearCacheTtl.count(), 0, 60000));
    config.answerCacheBytes = bounded(kAnswerCacheMb, config.answerCacheBytes >> 20, 0, 1 << 20) << 20;
    config.serverThreads = int(bounded(kThreads, config.serverThreads, 0, 256));
    config.changes.pollInterval =
        std::chrono::milliseconds(bounded(kChangesPoll, config.changes.pollInterval.count(), 10, 3'600'000));
    config.changes.retention.maxAge =
        std::chrono::hours(24 * bounded(kChangesRetentionDays, config.changes.retention.maxAge.count() / 24, 1, 36500));
    config.changes.retention.keepPerCampaign =
        int(bounded(kChangesKeepPerCampaign, config.changes.retention.keepPerCampaign, 1, 1'000'000));
    config.changes.pageSize = int(bounded(kChangesPageSize, config.changes.pageSize, 100, 1'000'000));
    config.http.maxRequestLine = int(bounded(kHttpMaxRequestLine, config.http.maxRequestLine, 256, 1 << 20));
    config.http.maxHeaderBytes = int(bounded(kHttpMaxHeaderBytes, config.http.maxHeaderBytes, 1024, 1 << 24));
    config.http.maxBodyBytes = bounded(kHttpMaxBodyBytes, config.http.maxBodyBytes, 1024, 1LL << 30);
    config.http.headerTimeout =
        std::chrono::milliseconds(bounded(kHttpHeaderTimeout, config.http.headerTimeout.count(), 100, 3'600'000));
    config.http.bodyTimeout =
        std::chrono::milliseconds(bounded(kHttpBodyTimeout, config.http.bodyTimeout.count(), 100, 3'600'000));
    config.http.idleTimeout =
        std::chrono::milliseconds(bounded(kHttpIdleTimeout, config.http.idleTimeout.count(), 100, 86'400'000));
    config.http.maxConnections = int(bounded(kHttpMaxConnections, config.http.maxConnections, 1, 1'000'000));
    config.qa.journalMaxEntries = bounded(kQaJournalMaxEntries, config.qa.journalMaxEntries, 1, 1'000'000);
    config.qa.journalMaxBytes = bounded(kQaJournalMaxBytes, config.qa.journalMaxBytes, 64 * 1024, 1LL << 30);
    config.qa.hangMaxMs = int(bounded(kQaHangMax, config.qa.hangMaxMs, 100, 3'600'000));
    config.traffic.retentionDays = int(bounded(kTrafficRetentionDays, config.traffic.retentionDays, 1, 36500));
    config.traffic.flushInterval =
        std::chrono::milliseconds(bounded(kTrafficFlush, config.traffic.flushInterval.count(), 50, 3'600'000));
    if (!valid)
        return std::nullopt;
    const auto qa = parseBool(values, kQa, error);
    if (!qa)
        return std::nullopt;
    config.qa.enabled = *qa;
    // On unless turned off: a blank value keeps the default.
    if (!values.value(kTrafficRecording).trimmed().isEmpty()) {
        const auto recording = parseBool(values, kTrafficRecording, error);
        if (!recording)
            return std::nullopt;
        config.traffic.recording = *recording;
    }
    config.qa.dir = values.value(kQaDir).trimmed();
    if (config.qa.dir.isEmpty()) {
        const QString store = config.database.isPostgres() ? Config::defaultSqlitePath() : config.database.sqlitePath;
        config.qa.dir = QFileInfo(store).absolutePath() + QStringLiteral("/qa");
    }

    if (values.contains(kListen) && !parseListen(values.value(kListen), config, error))
        return std::nullopt;
    config.adminToken = values.value(kAdminToken).trimmed();
    config.explainToken = values.value(kExplainToken).trimmed();
    return config;
}

} // namespace adserve
