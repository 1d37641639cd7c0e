#include "CommandLine.h"

#include "UrlPassword.h"

#include <QFile>

namespace adserve {

CommandLine::CommandLine(const QString &description)
    : qa_(QStringLiteral("qa"), QStringLiteral("QA mode: scenarios in front of the engine and the request journal; "
                                              "never in production. [ADSERVE_QA]"))
    , envFile_(QStringLiteral("env-file"), QStringLiteral("Read settings from <file> (default ./.env)."),
               QStringLiteral("file"), QStringLiteral(".env"))
    , help_({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."))
    , version_(QStringLiteral("version"), QStringLiteral("Show the version."))
{
    const auto keyed = [this](const QString &flag, const QString &key, const QString &valueName, const QString &help) {
        QCommandLineOption option(flag, help + QStringLiteral(" [%1]").arg(key), valueName);
        keyedOptions_.append({option, key});
        parser_.addOption(option);
    };
    keyed(QStringLiteral("database-url"), QStringLiteral("DATABASE_URL"), QStringLiteral("url"),
          QStringLiteral("PostgreSQL: libpq key=value string or postgres:// URL."));
    keyed(QStringLiteral("db"), QStringLiteral("ADSERVE_DB"), QStringLiteral("path"),
          QStringLiteral("Embedded SQLite file (default %1).").arg(Config::defaultSqlitePath()));
    keyed(QStringLiteral("redis-url"), QStringLiteral("REDIS_URL"), QStringLiteral("url"),
          QStringLiteral("redis://[[user]:password@]host[:port][/db]; unset: in-memory cache."));
    const auto urlFile = [this](const QString &flag, const QString &key) {
        QCommandLineOption option(flag, QStringLiteral("Read %1 from <file>: a password in it stays out of `ps`.").arg(key),
                                  QStringLiteral("file"));
        urlFileOptions_.append({option, key});
        parser_.addOption(option);
    };
    urlFile(QStringLiteral("database-url-file"), QStringLiteral("DATABASE_URL"));
    urlFile(QStringLiteral("redis-url-file"), QStringLiteral("REDIS_URL"));
    keyed(QStringLiteral("redis-cluster"), QStringLiteral("REDIS_CLUSTER"), QStringLiteral("true|false"),
          QStringLiteral("REDIS_URL is a Redis Cluster node."));
    keyed(QStringLiteral("batch-size"), QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE"), QStringLiteral("n"),
          QStringLiteral("Campaigns per detail batch (default 100)."));
    keyed(QStringLiteral("max-campaigns"), QStringLiteral("DELIVERY_MAX_CAMPAIGNS"), QStringLiteral("n"),
          QStringLiteral("Most campaigns in one answer, by priority then id (default: all)."));
    keyed(QStringLiteral("cache-ttl"), QStringLiteral("CACHE_TTL_SECONDS"), QStringLiteral("seconds"),
          QStringLiteral("Cache entry lifetime (default 86400)."));
    keyed(QStringLiteral("listen"), QStringLiteral("ADSERVE_LISTEN"), QStringLiteral("address:port"),
          QStringLiteral("Where the server listens (default 127.0.0.1:8080)."));
    keyed(QStringLiteral("threads"), QStringLiteral("ADSERVE_THREADS"), QStringLiteral("n"),
          QStringLiteral("HTTP server threads (default: two per core)."));
    keyed(QStringLiteral("admin-token"), QStringLiteral("ADSERVE_ADMIN_TOKEN"), QStringLiteral("token"),
          QStringLiteral("Bearer token of the admin API; unset: admin API off."));
    keyed(QStringLiteral("max-connections"), QStringLiteral("HTTP_MAX_CONNECTIONS"), QStringLiteral("n"),
          QStringLiteral("Client connections open at once (default 4096)."));
    keyed(QStringLiteral("max-body"), QStringLiteral("HTTP_MAX_BODY_BYTES"), QStringLiteral("bytes"),
          QStringLiteral("Largest admin API request body (default 1048576)."));
    keyed(QStringLiteral("max-header"), QStringLiteral("HTTP_MAX_HEADER_BYTES"), QStringLiteral("bytes"),
          QStringLiteral("Largest request head (default 16384)."));
    keyed(QStringLiteral("max-request-line"), QStringLiteral("HTTP_MAX_REQUEST_LINE"), QStringLiteral("bytes"),
          QStringLiteral("Longest request line (default 8192)."));
    keyed(QStringLiteral("header-timeout"), QStringLiteral("HTTP_HEADER_TIMEOUT_MS"), QStringLiteral("ms"),
          QStringLiteral("Time to send a request head (default 10000)."));
    keyed(QStringLiteral("body-timeout"), QStringLiteral("HTTP_BODY_TIMEOUT_MS"), QStringLiteral("ms"),
          QStringLiteral("Time to send a request body (default 30000)."));
    keyed(QStringLiteral("idle-timeout"), QStringLiteral("HTTP_IDLE_TIMEOUT_MS"), QStringLiteral("ms"),
          QStringLiteral("Kept-alive connection idle time (default 60000)."));
    parser_.addOption(qa_);
    parser_.addOption(envFile_);
    parser_.addOption(help_);
    parser_.addOption(version_);

    QString env;
    for (const auto &[key, text] : Config::environmentKeys())
        env += QStringLiteral("  %1\n      %2\n").arg(key, text);
    parser_.setApplicationDescription(description + QStringLiteral("\n\nEnvironment (also read from .env; flags override):\n") + env);
}

bool CommandLine::parse(const QStringList &arguments, QString *error)
{
    if (!parser_.parse(arguments)) {
        *error = parser_.errorText();
        return false;
    }
    return true;
}

bool CommandLine::helpRequested() const { return parser_.isSet(help_); }
bool CommandLine::versionRequested() const { return parser_.isSet(version_); }
QString CommandLine::helpText() const { return parser_.helpText(); }

std::optional<Config> CommandLine::config(const QStringList &environment, QString *error) const
{
    auto values = ConfigBuilder::mergedEnvironment(parser_.value(envFile_), environment, error);
    if (!values)
        return std::nullopt;
    for (const auto &[option, key] : keyedOptions_) {
        if (parser_.isSet(option))
            values->insert(key, parser_.value(option));
    }
    for (const auto &[option, key] : urlFileOptions_) {
        if (parser_.isSet(option) && !readUrlFile(option, key, *values, error))
            return std::nullopt;
    }
    if (parser_.isSet(qa_))
        values->insert(QStringLiteral("ADSERVE_QA"), QStringLiteral("true"));
    return ConfigBuilder::build(*values, error);
}

bool CommandLine::readUrlFile(const QCommandLineOption &option, const QString &key, QMap<QString, QString> &values,
                              QString *error) const
{
    const QString flag = QStringLiteral("--") + option.names().constFirst();
    const QString path = parser_.value(option);
    for (const auto &[urlOption, urlKey] : keyedOptions_) {
        if (urlKey == key && parser_.isSet(urlOption)) {
            *error = QStringLiteral("%1 and --%2 both give %3: use one").arg(flag, urlOption.names().constFirst(), key);
            return false;
        }
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("%1 %2: cannot be read: %3").arg(flag, path, file.errorString());
        return false;
    }
    const QString url = QString::fromUtf8(file.readAll()).trimmed();
    if (url.isEmpty()) {
        *error = QStringLiteral("%1 %2: the file is empty (expected %3)").arg(flag, path, key);
        return false;
    }
    values.insert(key, url);
    return true;
}

QStringList CommandLine::warnings() const
{
    QStringList lines;
    for (const auto &[option, key] : keyedOptions_) {
        const bool holdsUrl = key == QLatin1String("DATABASE_URL") || key == QLatin1String("REDIS_URL");
        if (holdsUrl && parser_.isSet(option) && !UrlPassword::split(parser_.value(option)).password.isEmpty()) {
            const QString flag = option.names().constFirst();
            lines.append(QStringLiteral("warning: the password in --%1 is visible to every local user (ps, /proc); "
                                        "give it in the environment (%2), the .env file or --%1-file instead")
                             .arg(flag, key));
        }
    }
    return lines;
}

} // namespace adserve
