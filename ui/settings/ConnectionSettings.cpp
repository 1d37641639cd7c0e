#include "ConnectionSettings.h"

#include "PrivateFile.h"
#include "SecretStore.h"
#include "config/UrlPassword.h"

#include <QFileInfo>
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

QStringList ConnectionSettings::secretKeys()
{
    return {kDatabaseUrl, kRedisUrl};
}

QMap<QString, QString> ConnectionSettings::values() const
{
    QMap<QString, QString> v;
    if (embedded) {
        if (!sqlitePath.trimmed().isEmpty())
            v.insert(QStringLiteral("ADSERVE_DB"), sqlitePath.trimmed());
    } else {
        v.insert(kDatabaseUrl, databaseUrl.trimmed());
        if (!redisUrl.trimmed().isEmpty())
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
    if (!embedded && databaseUrl.trimmed().isEmpty()) {
        *error = QObject::tr("PostgreSQL: enter a DATABASE_URL (or choose the embedded default)");
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
    s.embedded = !config.database.isPostgres() && config.cache.url.startsWith(QLatin1String("memory"));
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
    if (!config.cache.url.startsWith(QLatin1String("memory")))
        s.redisUrl = config.cache.url;
    s.redisCluster = config.cache.cluster;
    s.batchSize = config.batchSize;
    s.cacheTtlSeconds = int(config.cacheTtl.count());
    s.listen = QStringLiteral("%1:%2").arg(config.listenAddress.toString()).arg(config.port);
    if (config.listenAddress.protocol() == QAbstractSocket::IPv6Protocol)
        s.listen = QStringLiteral("[%1]:%2").arg(config.listenAddress.toString()).arg(config.port);
    return s;
}

std::optional<ConnectionSettings> ConnectionSettings::load(QSettings &settings, SecretStore &secrets)
{
    // A file an older studio wrote may be readable by every local user.
    if (QFileInfo::exists(settings.fileName()))
        PrivateFile::ensure(settings.fileName());
    settings.beginGroup(QStringLiteral("connection"));
    const bool present = settings.contains(QStringLiteral("embedded"));
    ConnectionSettings s;
    bool moved = false;
    if (present) {
        s.embedded = settings.value(QStringLiteral("embedded"), true).toBool();
        s.sqlitePath = settings.value(QStringLiteral("sqlitePath")).toString();
        moved |= loadUrl(settings, QStringLiteral("databaseUrl"), secrets, kDatabaseUrl, &s.databaseUrl);
        moved |= loadUrl(settings, QStringLiteral("redisUrl"), secrets, kRedisUrl, &s.redisUrl);
        s.redisCluster = settings.value(QStringLiteral("redisCluster"), false).toBool();
        s.batchSize = settings.value(QStringLiteral("batchSize"), 100).toInt();
        s.cacheTtlSeconds = settings.value(QStringLiteral("cacheTtlSeconds"), 24 * 3600).toInt();
        s.listen = settings.value(QStringLiteral("listen"), s.listen).toString();
    }
    settings.endGroup();
    if (moved)
        PrivateFile::sync(settings);
    return present ? std::optional(s) : std::nullopt;
}

void ConnectionSettings::save(QSettings &settings, SecretStore &secrets) const
{
    settings.beginGroup(QStringLiteral("connection"));
    settings.setValue(QStringLiteral("embedded"), embedded);
    settings.setValue(QStringLiteral("sqlitePath"), sqlitePath);
    saveUrl(settings, QStringLiteral("databaseUrl"), secrets, kDatabaseUrl, databaseUrl);
    saveUrl(settings, QStringLiteral("redisUrl"), secrets, kRedisUrl, redisUrl);
    settings.setValue(QStringLiteral("redisCluster"), redisCluster);
    settings.setValue(QStringLiteral("batchSize"), batchSize);
    settings.setValue(QStringLiteral("cacheTtlSeconds"), cacheTtlSeconds);
    settings.setValue(QStringLiteral("listen"), listen);
    settings.endGroup();
    PrivateFile::sync(settings);
}

QString redactUrl(const QString &url)
{
    // URL form: scheme://user:password@host  →  scheme://user:***@host
    static const QRegularExpression inUrl(QStringLiteral("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@]*@"));
    // libpq key=value form: password=secret  →  password=***
    static const QRegularExpression keyValue(QStringLiteral("(password\\s*=\\s*)('[^']*'|\\S+)"),
                                             QRegularExpression::CaseInsensitiveOption);
    QString redacted = url;
    redacted.replace(inUrl, QStringLiteral("\\1:***@"));
    redacted.replace(keyValue, QStringLiteral("\\1***"));
    return redacted;
}

} // namespace adserve
