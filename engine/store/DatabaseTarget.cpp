#include "DatabaseTarget.h"

#include <QHash>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace adserve {

namespace {

const QStringList kSslModes{QStringLiteral("disable"),   QStringLiteral("allow"),
                            QStringLiteral("prefer"),    QStringLiteral("require"),
                            QStringLiteral("verify-ca"), QStringLiteral("verify-full")};

// libpq parameters that go into QPSQL's connect options as they are.
const QStringList kOptionKeys{QStringLiteral("sslmode"),          QStringLiteral("connect_timeout"),
                              QStringLiteral("application_name"), QStringLiteral("sslrootcert"),
                              QStringLiteral("sslcert"),          QStringLiteral("sslkey")};

bool fail(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return false;
}

// Quotes a libpq option value when it needs it ('a b', with \' and \\ escaped).
QString quoteOptionValue(const QString &value)
{
    const bool plain = !value.isEmpty()
                       && std::none_of(value.begin(), value.end(), [](QChar c) {
                              return c.isSpace() || c == u'\'' || c == u'\\';
                          });
    if (plain)
        return value;
    QString quoted = value;
    quoted.replace(u'\\', QLatin1String("\\\\")).replace(u'\'', QLatin1String("\\'"));
    return u'\'' + quoted + u'\'';
}

// Collects parameters from either syntax, then checks and applies them in one place.
class ParameterSet
{
public:
    bool set(const QString &key, const QString &value, QString *error)
    {
        const QString k = key.trimmed().toLower();
        if (k == QLatin1String("host") || k == QLatin1String("port") || k == QLatin1String("dbname")
            || k == QLatin1String("user") || k == QLatin1String("password") || kOptionKeys.contains(k)) {
            values_.insert(k, value);
            if (!order_.contains(k))
                order_.append(k);
            return true;
        }
        return fail(error, QStringLiteral("unknown connection parameter '%1'").arg(key.trimmed()));
    }

    std::optional<DatabaseTarget> toTarget(QString *error) const
    {
        DatabaseTarget target;
        target.kind = DatabaseTarget::Kind::Postgres;
        target.host = values_.value(QStringLiteral("host"));
        target.database = values_.value(QStringLiteral("dbname"));
        target.user = values_.value(QStringLiteral("user"));
        target.password = values_.value(QStringLiteral("password"));
        if (values_.contains(QStringLiteral("port"))) {
            const QString portText = values_.value(QStringLiteral("port"));
            bool ok = false;
            const int port = portText.toInt(&ok);
            if (!ok || port < 1 || port > 65535) {
                fail(error, QStringLiteral("bad port '%1' (expected 1-65535)").arg(portText));
                return std::nullopt;
            }
            target.port = port;
        }
        if (target.database.isEmpty()) {
            fail(error, QStringLiteral("missing database name (dbname)"));
            return std::nullopt;
        }
        QStringList options;
        for (const QString &key : order_) {
            if (!kOptionKeys.contains(key))
                continue;
            const QString value = values_.value(key);
            if (key == QLatin1String("sslmode") && !kSslModes.contains(value)) {
                fail(error, QStringLiteral("bad sslmode '%1' (expected one of %2)")
                                .arg(value, kSslModes.join(QLatin1String(", "))));
                return std::nullopt;
            }
            if (key == QLatin1String("connect_timeout")) {
                bool ok = false;
                if (value.toInt(&ok) < 0 || !ok) {
                    fail(error, QStringLiteral("bad connect_timeout '%1' (expected seconds)").arg(value));
                    return std::nullopt;
                }
            }
            options.append(key + u'=' + quoteOptionValue(value));
        }
        target.connectOptions = options.join(u';');
        return target;
    }

private:
    QHash<QString, QString> values_;
    QStringList order_;
};

// key = value pairs separated by spaces; values may be 'single quoted' with \' and \\ escapes.
bool parseKeyValueString(const QString &text, ParameterSet &params, QString *error)
{
    qsizetype i = 0;
    const qsizetype n = text.size();
    auto skipSpaces = [&] {
        while (i < n && text.at(i).isSpace())
            ++i;
    };
    while (true) {
        skipSpaces();
        if (i >= n)
            return true;
        const qsizetype keyStart = i;
        while (i < n && text.at(i) != u'=' && !text.at(i).isSpace())
            ++i;
        const QString key = text.mid(keyStart, i - keyStart);
        skipSpaces();
        if (i >= n || text.at(i) != u'=')
            return fail(error, QStringLiteral("expected '=' after '%1'").arg(key));
        ++i;
        skipSpaces();
        QString value;
        if (i < n && text.at(i) == u'\'') {
            ++i;
            bool closed = false;
            while (i < n) {
                const QChar c = text.at(i++);
                if (c == u'\\' && i < n) {
                    value.append(text.at(i++));
                } else if (c == u'\'') {
                    closed = true;
                    break;
                } else {
                    value.append(c);
                }
            }
            if (!closed)
                return fail(error, QStringLiteral("unterminated quoted value for '%1'").arg(key));
        } else {
            while (i < n && !text.at(i).isSpace()) {
                const QChar c = text.at(i++);
                if (c == u'\\' && i < n)
                    value.append(text.at(i++));
                else
                    value.append(c);
            }
        }
        if (!params.set(key, value, error))
            return false;
    }
}

QString percentDecoded(QStringView text)
{
    return QUrl::fromPercentEncoding(text.toUtf8());
}

// postgres://[user[:password]@][host][:port][/dbname][?key=value&...]
bool parsePostgresUrl(const QString &rest, ParameterSet &params, QString *error)
{
    const qsizetype queryAt = rest.indexOf(u'?');
    const QString beforeQuery = queryAt < 0 ? rest : rest.left(queryAt);
    const QString query = queryAt < 0 ? QString() : rest.mid(queryAt + 1);
    const qsizetype pathAt = beforeQuery.indexOf(u'/');
    const QString authority = pathAt < 0 ? beforeQuery : beforeQuery.left(pathAt);
    const QString path = pathAt < 0 ? QString() : beforeQuery.mid(pathAt + 1);

    QString hostPort = authority;
    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0) {
        const QString userInfo = authority.left(at);
        hostPort = authority.mid(at + 1);
        const qsizetype colon = userInfo.indexOf(u':');
        params.set(QStringLiteral("user"), percentDecoded(colon < 0 ? userInfo : userInfo.left(colon)), error);
        if (colon >= 0)
            params.set(QStringLiteral("password"), percentDecoded(QStringView(userInfo).mid(colon + 1)), error);
    }

    QString host = hostPort;
    QString port;
    if (hostPort.startsWith(u'[')) {
        const qsizetype close = hostPort.indexOf(u']');
        if (close < 0)
            return fail(error, QStringLiteral("unterminated '[' in host"));
        host = hostPort.mid(1, close - 1);
        const QString after = hostPort.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(u':'))
                return fail(error, QStringLiteral("unexpected text after host"));
            port = after.mid(1);
        }
    } else {
        const qsizetype colon = hostPort.lastIndexOf(u':');
        if (colon >= 0) {
            host = hostPort.left(colon);
            port = hostPort.mid(colon + 1);
        }
    }
    if (!host.isEmpty())
        params.set(QStringLiteral("host"), percentDecoded(host), error);
    if (!port.isEmpty() || hostPort.endsWith(u':'))
        params.set(QStringLiteral("port"), port, error);
    if (!path.isEmpty())
        params.set(QStringLiteral("dbname"), percentDecoded(path), error);

    if (query.isEmpty())
        return true;
    for (const QString &pair : query.split(u'&', Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(u'=');
        if (eq < 0)
            return fail(error, QStringLiteral("expected key=value in query, got '%1'").arg(percentDecoded(pair)));
        if (!params.set(percentDecoded(QStringView(pair).left(eq)), percentDecoded(QStringView(pair).mid(eq + 1)),
                        error))
            return false;
    }
    return true;
}

} // namespace

std::optional<DatabaseTarget> DatabaseTarget::fromDatabaseUrl(const QString &url, QString *error)
{
    const QString text = url.trimmed();
    if (text.isEmpty()) {
        fail(error, QStringLiteral("empty database URL"));
        return std::nullopt;
    }
    ParameterSet params;
    const qsizetype schemeEnd = text.indexOf(QLatin1String("://"));
    if (schemeEnd >= 0) {
        const QString scheme = text.left(schemeEnd).toLower();
        const QString rest = text.mid(schemeEnd + 3);
        if (scheme == QLatin1String("sqlite")) {
            if (rest.isEmpty()) {
                fail(error, QStringLiteral("missing file path in sqlite:// URL"));
                return std::nullopt;
            }
            return sqlite(percentDecoded(rest));
        }
        if (scheme != QLatin1String("postgres") && scheme != QLatin1String("postgresql")) {
            fail(error, QStringLiteral("unknown scheme '%1' (expected postgres:// or postgresql://)").arg(scheme));
            return std::nullopt;
        }
        if (!parsePostgresUrl(rest, params, error))
            return std::nullopt;
    } else if (text.contains(u'=')) {
        if (!parseKeyValueString(text, params, error))
            return std::nullopt;
    } else {
        fail(error, QStringLiteral("not a postgres:// URL nor a key=value connection string"));
        return std::nullopt;
    }
    return params.toTarget(error);
}

DatabaseTarget DatabaseTarget::sqlite(const QString &path)
{
    DatabaseTarget target;
    target.kind = Kind::Sqlite;
    target.sqlitePath = path;
    return target;
}

QString DatabaseTarget::describe() const
{
    if (!isPostgres())
        return QStringLiteral("SQLite %1").arg(sqlitePath);
    QString text = QStringLiteral("PostgreSQL ");
    if (!user.isEmpty())
        text += user + u'@';
    text += host.isEmpty() ? QStringLiteral("(local socket)") : host;
    text += u':' + QString::number(port) + u'/' + database;
    // Options never carry the password (it has its own field), so they can be shown.
    if (!connectOptions.isEmpty())
        text += QStringLiteral(" (") + QString(connectOptions).replace(u';', u' ') + u')';
    return text;
}

} // namespace adserve
