#include "UrlPassword.h"

#include <QRegularExpression>
#include <QUrl>

namespace adserve {

namespace {

bool isRedis(const QString &scheme)
{
    return scheme.compare(QLatin1String("redis"), Qt::CaseInsensitive) == 0;
}

// Where the user info of `rest` (the URL after "scheme://") ends at its '@', or -1. As the
// engine reads them: in a redis:// URL the last '@' anywhere, so a password may hold '/'
// and '?'; in a postgres:// URL the last '@' before the path or the query.
qsizetype userInfoEnd(const QString &scheme, const QString &rest)
{
    if (isRedis(scheme))
        return rest.lastIndexOf(u'@');
    static const QRegularExpression pathOrQuery(QStringLiteral("[/?]"));
    const qsizetype authorityEnd = rest.indexOf(pathOrQuery);
    return (authorityEnd < 0 ? rest : rest.left(authorityEnd)).lastIndexOf(u'@');
}

// Takes "password=" options out of a postgres:// URL's query; the last one counts, as for libpq.
QString takeQueryPassword(QString &rest)
{
    const qsizetype queryAt = rest.indexOf(u'?');
    if (queryAt < 0)
        return {};
    QString password;
    QStringList kept;
    for (const QString &item : rest.mid(queryAt + 1).split(u'&', Qt::SkipEmptyParts)) {
        const QString key = QUrl::fromPercentEncoding(item.section(u'=', 0, 0).toUtf8()).trimmed();
        if (key.compare(QLatin1String("password"), Qt::CaseInsensitive) == 0)
            password = QUrl::fromPercentEncoding(item.section(u'=', 1).toUtf8());
        else
            kept.append(item);
    }
    rest = rest.left(queryAt) + (kept.isEmpty() ? QString() : u'?' + kept.join(u'&'));
    return password;
}

UrlPassword splitUrl(const QString &scheme, QString rest)
{
    UrlPassword split;
    if (!isRedis(scheme))
        split.password = takeQueryPassword(rest);
    const qsizetype at = userInfoEnd(scheme, rest);
    if (at < 0) {
        split.url = scheme + QLatin1String("://") + rest;
        return split;
    }
    const QString userInfo = rest.left(at);
    const QString hostAndAfter = rest.mid(at + 1);
    const qsizetype colon = userInfo.indexOf(u':');
    // go-redis reads "redis://secret@host" as a password for the default user.
    const bool onlyPassword = colon < 0 && isRedis(scheme);
    const QString user = onlyPassword ? QString() : userInfo.left(colon);
    if (colon >= 0 || onlyPassword) {
        const QString inUserInfo = QUrl::fromPercentEncoding(userInfo.mid(colon + 1).toUtf8());
        if (split.password.isEmpty()) // a ?password= option wins, as libpq reads it last
            split.password = inUserInfo;
    }
    // A redis:// user without a password keeps its ':', or it would be read as the password.
    const QString userPart = user.isEmpty() ? QString() : user + (isRedis(scheme) ? QLatin1String(":@") : QLatin1String("@"));
    split.url = scheme + QLatin1String("://") + userPart + hostAndAfter;
    return split;
}

// libpq "key=value" form: password=secret or password='a \'b\'', in any letter case.
UrlPassword splitKeyValue(const QString &text)
{
    static const QRegularExpression option(QStringLiteral("(?:^|\\s+)password\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|(?:[^\\s\\\\]|\\\\.)*)"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression escaped(QStringLiteral("\\\\(.)"));
    UrlPassword split;
    split.url = text;
    QRegularExpressionMatch match;
    while ((match = option.match(split.url)).hasMatch()) {
        QString value = match.captured(1);
        if (value.startsWith(u'\''))
            value = value.mid(1, value.size() - 2);
        split.password = value.replace(escaped, QStringLiteral("\\1"));
        split.url.remove(match.capturedStart(), match.capturedLength());
    }
    split.url = split.url.trimmed();
    return split;
}

} // namespace

UrlPassword UrlPassword::split(const QString &url)
{
    const QString text = url.trimmed();
    const qsizetype schemeEnd = text.indexOf(QLatin1String("://"));
    if (schemeEnd < 0)
        return splitKeyValue(text);
    return splitUrl(text.left(schemeEnd), text.mid(schemeEnd + 3));
}

QString UrlPassword::join(const QString &url, const QString &password)
{
    const QString text = url.trimmed();
    if (password.isEmpty())
        return text;
    const qsizetype schemeEnd = text.indexOf(QLatin1String("://"));
    if (schemeEnd < 0) {
        // Always quoted: a password may hold spaces and quotes.
        QString quoted = password;
        quoted.replace(u'\\', QLatin1String("\\\\")).replace(u'\'', QLatin1String("\\'"));
        const QString option = QLatin1String("password='") + quoted + u'\'';
        return text.isEmpty() ? option : text + u' ' + option;
    }
    const QString scheme = text.left(schemeEnd);
    const QString rest = text.mid(schemeEnd + 3);
    const qsizetype at = userInfoEnd(scheme, rest);
    const QString user = at < 0 ? QString() : rest.left(at).section(u':', 0, 0);
    return scheme + QLatin1String("://") + user + u':' + QString::fromLatin1(QUrl::toPercentEncoding(password)) + u'@'
           + rest.mid(at + 1);
}

} // namespace adserve
