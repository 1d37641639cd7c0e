#include "ConnectionSettings.h"

#include "PrivateFile.h"
#include "SecretStore.h"
#include "config/UrlPassword.h"

#include <QRegularExpression>
#include <QSettings>
#include <QUrl>
#include <QUrlQuery>

namespace adserve {

namespace {

const QString kDatabaseUrl = QStringLiteral("DATABASE_URL");
const QString kRedisUrl = QStringLiteral("REDIS_URL");

// The URL remembered under `name`, with its password from `secrets`. A password still in
// the file (written by an older studio) moves to `secrets`; true when one did.
bool loadUrl(QSettings &settings, const QString &name, SecretStore &secrets, const QString &key, QString *url)
{
    const UrlPassword stored = UrlPassword::split(settings.value(name).toString());
    const bool moved = !stored.password.isEmpty();
    if (moved) {
        secrets.setPassword(key, stored.password);
        settings.setValue(name, stored.url);
    }
    *url = UrlPassword::join(stored.url, secrets.password(key));
    return moved;
}

void saveUrl(QSettings &settings, const QString &name, SecretStore &secrets, const QString &key, const QString &url)
{
    const UrlPassword split = UrlPassword::split(url);
    settings.setValue(name, split.url);
    secrets.setPassword(key, split.password);
}

} // namespace

QStringList ConnectionSettings::secretKeys(const QString &prefix)
{
    return {prefix + kDatabaseUrl, prefix + kRedisUrl};
}

QMap<QString, QString> ConnectionSettings::values() const
{
    QMap<QString, QString> v;
    if (store == Store::Postgres)
        v.insert(kDatabaseUrl, databaseUrl.trimmed());
    else if (!sqlitePath.trimmed().isEmpty())
        v.insert(QStringLiteral("ADSERVE_DB"), sqlitePath.trimmed());
    if (cache == Cache::Redis) {
        v.insert(kRedisUrl, redisUrl.trimmed());
        v.insert(QStringLiteral("REDIS_CLUSTER"), redisCluster ? QStringLiteral("true") : QStringLiteral("false"));
    }
    v.insert(QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE"), QString::number(batchSize));
    v.insert(QStringLiteral("CACHE_TTL_SECONDS"), QString::number(cacheTtlSeconds));
    v.insert(QStringLiteral("ADSERVE_LISTEN"), listen.trimmed());
    return v;
}

std::optional<Config> ConnectionSettings::toConfig(QString *error) const
{
    if (store == Store::Postgres && databaseUrl.trimmed().isEmpty()) {
        *error = QObject::tr("PostgreSQL: enter a DATABASE_URL (or choose the SQLite file)");
        return std::nullopt;
    }
    if (cache == Cache::Redis && redisUrl.trimmed().isEmpty()) {
        *error = QObject::tr("Redis: enter a REDIS_URL (or choose the in-memory cache)");
        return std::nullopt;
    }
    return ConfigBuilder::build(values(), error);
}

std::optional<Config> ConnectionSettings::toConfig(const Config &current, QString *error) const
{
    const auto chosen = toConfig(error);
    if (!chosen)
        return std::nullopt;
    // Exactly the keys values() sets.
    Config config = current;
    config.database = chosen->database;
    config.database.queryTimeout = current.database.queryTimeout;
    config.cache.url = chosen->cache.url;
    config.cache.cluster = chosen->cache.cluster;
    config.batchSize = chosen->batchSize;
    config.cacheTtl = chosen->cacheTtl;
    config.listenAddress = chosen->listenAddress;
    config.port = chosen->port;
    return config;
}

ConnectionSettings ConnectionSettings::fromConfig(const Config &config)
{
    ConnectionSettings s;
    s.store = config.database.isPostgres() ? Store::Postgres : Store::Sqlite;
    if (config.database.isPostgres()) {
        // Rebuilt from the parsed target: the original string is not kept by Config.
        QUrl url;
        url.setScheme(QStringLiteral("postgres"));
        url.setHost(config.database.host);
        url.setPort(config.database.port);
        url.setUserName(config.database.user);
        url.setPassword(config.database.password);
        url.setPath(QLatin1Char('/') + config.database.database);
        QUrlQuery options;
        for (const QString &option : config.database.connectOptions.split(QLatin1Char(';'), Qt::SkipEmptyParts))
            options.addQueryItem(option.section(QLatin1Char('='), 0, 0).trimmed(), option.section(QLatin1Char('='), 1).trimmed());
        url.setQuery(options);
        s.databaseUrl = url.toString();
    } else {
        s.sqlitePath = config.database.sqlitePath;
    }
    s.cache = config.cache.url.startsWith(QLatin1String("memory")) ? Cache::Memory : Cache::Redis;
    if (s.cache == Cache::Redis)
        s.redisUrl = config.cache.url;
    s.redisCluster = config.cache.cluster;
    s.batchSize = config.batchSize;
    s.cacheTtlSeconds = int(config.cacheTtl.count());
    s.listen = QStringLiteral("%1:%2").arg(config.listenAddress.toString()).arg(config.port);
    if (config.listenAddress.protocol() == QAbstractSocket::IPv6Protocol)
        s.listen = QStringLiteral("[%1]:%2").arg(config.listenAddress.toString()).arg(config.port);
    return s;
}

ConnectionSettings ConnectionSettings::read(QSettings &settings, SecretStore &secrets, const QString &secretPrefix)
{
    ConnectionSettings s;
    s.store = settings.value(QStringLiteral("store")).toString() == QLatin1String("postgres") ? Store::Postgres
                                                                                               : Store::Sqlite;
    s.cache = settings.value(QStringLiteral("cache")).toString() == QLatin1String("redis") ? Cache::Redis : Cache::Memory;
    s.sqlitePath = settings.value(QStringLiteral("sqlitePath")).toString();
    bool moved = loadUrl(settings, QStringLiteral("databaseUrl"), secrets, secretPrefix + kDatabaseUrl, &s.databaseUrl);
    moved |= loadUrl(settings, QStringLiteral("redisUrl"), secrets, secretPrefix + kRedisUrl, &s.redisUrl);
    s.redisCluster = settings.value(QStringLiteral("redisCluster"), false).toBool();
    s.batchSize = settings.value(QStringLiteral("batchSize"), 100).toInt();
    s.cacheTtlSeconds = settings.value(QStringLiteral("cacheTtlSeconds"), 24 * 3600).toInt();
    s.listen = settings.value(QStringLiteral("listen"), s.listen).toString();
    if (moved)
        PrivateFile::sync(settings);
    return s;
}

void ConnectionSettings::write(QSettings &settings, SecretStore &secrets, const QString &secretPrefix) const
{
    settings.setValue(QStringLiteral("store"), store == Store::Postgres ? QStringLiteral("postgres") : QStringLiteral("sqlite"));
    settings.setValue(QStringLiteral("cache"), cache == Cache::Redis ? QStringLiteral("redis") : QStringLiteral("memory"));
    settings.setValue(QStringLiteral("sqlitePath"), sqlitePath);
    saveUrl(settings, QStringLiteral("databaseUrl"), secrets, secretPrefix + kDatabaseUrl, databaseUrl);
    saveUrl(settings, QStringLiteral("redisUrl"), secrets, secretPrefix + kRedisUrl, redisUrl);
    settings.setValue(QStringLiteral("redisCluster"), redisCluster);
    settings.setValue(QStringLiteral("batchSize"), batchSize);
    settings.setValue(QStringLiteral("cacheTtlSeconds"), cacheTtlSeconds);
    settings.setValue(QStringLiteral("listen"), listen);
}

QString redactUrl(const QString &url)
{
    // URL form: scheme://user:password@host  →  scheme://user:***@host
    static const QRegularExpression inUrl(QStringLiteral("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@]*@"));
    // Redis reads a user part alone as the password (redis://secret@host)  →  redis://***@host
    static const QRegularExpression redisUserOnly(QStringLiteral("^(rediss?://)[^:/@]+@"),
                                                  QRegularExpression::CaseInsensitiveOption);
    // libpq key=value form: password=secret  →  password=***
    static const QRegularExpression keyValue(QStringLiteral("(password\\s*=\\s*)('[^']*'|\\S+)"),
                                             QRegularExpression::CaseInsensitiveOption);
    QString redacted = url;
    redacted.replace(inUrl, QStringLiteral("\\1:***@"));
    redacted.replace(redisUserOnly, QStringLiteral("\\1***@"));
    redacted.replace(keyValue, QStringLiteral("\\1***"));
    return redacted;
}

} // namespace adserve
