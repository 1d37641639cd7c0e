#include "RedisOptions.h"

#include <QByteArray>
#include <QUrl>
#include <QUrlQuery>

namespace adserve {

namespace {

using namespace std::chrono_literals;

// Parses a whole non-negative decimal number; no sign, no spaces, no junk.
std::optional<qint64> parseCount(QStringView text, qint64 max)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
        value = value * 10 + (c.unicode() - '0');
    }
    if (value > max)
        return std::nullopt;
    return value;
}

// A timeout in the URL: `connect_timeout_ms=150`, or the go-redis style `dial_timeout=150ms`
// / `read_timeout=1s` / `read_timeout=2` (whole seconds), so a Go service's REDIS_URL works.
std::optional<std::chrono::milliseconds> parseTimeout(const QString &name, const QString &value)
{
    constexpr qint64 kMaxMs = 24 * 3600 * 1000;
    if (name.endsWith(QLatin1String("_ms"))) {
        const auto ms = parseCount(value, kMaxMs);
        return ms && *ms > 0 ? std::optional(std::chrono::milliseconds(*ms)) : std::nullopt;
    }
    qint64 scale = 1000;
    QStringView number(value);
    if (value.endsWith(QLatin1String("ms"))) {
        scale = 1;
        number.chop(2);
    } else if (value.endsWith(QLatin1Char('s'))) {
        number.chop(1);
    }
    const auto count = parseCount(number, kMaxMs);
    if (!count || *count <= 0 || *count * scale > kMaxMs)
        return std::nullopt;
    return std::chrono::milliseconds(*count * scale);
}

QString percentDecoded(QStringView text)
{
    return QUrl::fromPercentEncoding(text.toUtf8());
}

} // namespace

QString RedisNodeAddress::toString() const
{
    if (host.contains(QLatin1Char(':')))
        return QLatin1Char('[') + host + QStringLiteral("]:") + QString::number(port);
    return host + QLatin1Char(':') + QString::number(port);
}

QString RedisOptions::describe() const
{
    QString text = QStringLiteral("redis://");
    if (!user.isEmpty())
        text += QString::fromUtf8(QUrl::toPercentEncoding(user)) + QLatin1Char('@');
    text += address.toString();
    if (db != 0)
        text += QLatin1Char('/') + QString::number(db);
    return text;
}

RedisResult<RedisOptions> RedisOptions::fromUrl(const QString &url, const RedisOptions &defaults)
{
    using Result = RedisResult<RedisOptions>;
    RedisOptions options = defaults;

    const qsizetype schemeEnd = url.indexOf(QLatin1String("://"));
    if (schemeEnd < 0)
        return Result::failure(QStringLiteral("invalid Redis URL: expected redis://[[user]:password@]host[:port][/db]"));
    const QString scheme = url.left(schemeEnd).toLower();
    if (scheme == QLatin1String("rediss"))
        return Result::failure(QStringLiteral("rediss:// (Redis over TLS) is not supported: this build's hiredis 0.14 has no TLS; "
                                              "use redis:// or a TLS tunnel such as stunnel"));
    if (scheme != QLatin1String("redis"))
        return Result::failure(QStringLiteral("unsupported Redis URL scheme \"%1\": expected redis://").arg(scheme));

    QStringView rest = QStringView(url).mid(schemeEnd + 3);

    // user:password@ — the last '@' ends it, so a password may hold '@', '/', '?' unencoded.
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        const QStringView userInfo = rest.left(at);
        rest = rest.mid(at + 1);
        const qsizetype colon = userInfo.indexOf(QLatin1Char(':'));
        if (colon < 0) {
            // go-redis reads "redis://secret@host" as a password with the default user.
            options.user.clear();
            options.password = percentDecoded(userInfo);
        } else {
            options.user = percentDecoded(userInfo.left(colon));
            options.password = percentDecoded(userInfo.mid(colon + 1));
        }
        if (!options.user.isEmpty() && options.password.isEmpty())
            return Result::failure(QStringLiteral("invalid Redis URL: user \"%1\" has no password").arg(options.user));
    }

    QStringView query;
    if (const qsizetype q = rest.indexOf(QLatin1Char('?')); q >= 0) {
        query = rest.mid(q + 1);
        rest = rest.left(q);
    }
    QStringView path;
    if (const qsizetype slash = rest.indexOf(QLatin1Char('/')); slash >= 0) {
        path = rest.mid(slash + 1);
        rest = rest.left(slash);
    }

    // host[:port], [v6]:port
    QStringView host = rest;
    QStringView port;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return Result::failure(QStringLiteral("invalid Redis URL: unclosed '[' in the host"));
        host = rest.mid(1, close - 1);
        const QStringView after = rest.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return Result::failure(QStringLiteral("invalid Redis URL: junk after the IPv6 host"));
            port = after.mid(1);
            if (port.isEmpty())
                return Result::failure(QStringLiteral("invalid Redis URL: empty port"));
        }
    } else if (const qsizetype colon = rest.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        host = rest.left(colon);
        port = rest.mid(colon + 1);
        if (port.isEmpty())
            return Result::failure(QStringLiteral("invalid Redis URL: empty port"));
    }
    options.address.host = host.isEmpty() ? QStringLiteral("localhost") : percentDecoded(host);
    options.address.port = 6379;
    if (!port.isEmpty()) {
        const auto number = parseCount(port, 65535);
        if (!number || *number == 0)
            return Result::failure(QStringLiteral("invalid Redis URL: port \"%1\" is not a number from 1 to 65535").arg(port));
        options.address.port = quint16(*number);
    }

    options.db = 0;
    if (!path.isEmpty()) {
        const auto db = parseCount(path, std::numeric_limits<int>::max());
        if (!db)
            return Result::failure(QStringLiteral("invalid Redis URL: database \"%1\" is not a number (0, 1, ...)").arg(path));
        options.db = int(*db);
    }

    const QUrlQuery params{query.toString()};
    for (const auto &[name, value] : params.queryItems(QUrl::FullyDecoded)) {
        std::chrono::milliseconds *target = nullptr;
        if (name == QLatin1String("connect_timeout_ms") || name == QLatin1String("dial_timeout"))
            target = &options.connectTimeout;
        else if (name == QLatin1String("command_timeout_ms") || name == QLatin1String("read_timeout"))
            target = &options.commandTimeout;
        else
            return Result::failure(QStringLiteral("invalid Redis URL: unknown option \"%1\" (known: connect_timeout_ms, "
                                                  "command_timeout_ms, dial_timeout, read_timeout)").arg(name));
        const auto timeout = parseTimeout(name, value);
        if (!timeout)
            return Result::failure(QStringLiteral("invalid Redis URL: %1=\"%2\" is not a positive duration "
                                                  "(e.g. 150, or 150ms / 1s for dial_timeout and read_timeout)").arg(name, value));
        *target = *timeout;
    }

    if (options.cluster && options.db != 0)
        return Result::failure(QStringLiteral("invalid Redis URL: Redis Cluster has only database 0, not %1").arg(options.db));
    return Result{options, {}};
}

} // namespace adserve
