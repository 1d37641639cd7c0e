#include "TextPattern.h"

namespace adserve {

namespace {

bool isGlob(const QString &text)
{
    return text.contains(QLatin1Char('*')) || text.contains(QLatin1Char('?')) || text.contains(QLatin1Char('['));
}

// A glob as an anchored regular expression: * any run of characters ('/' too, unlike Qt 6.4's
// wildcardToRegularExpression), ? one character, [...] one of a set.
QString globToRegularExpression(const QString &glob)
{
    QString re = QStringLiteral("\\A(?:");
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob[i];
        if (c == QLatin1Char('*')) {
            re += QStringLiteral(".*");
        } else if (c == QLatin1Char('?')) {
            re += QLatin1Char('.');
        } else if (c == QLatin1Char('[')) {
            const qsizetype close = glob.indexOf(QLatin1Char(']'), i + 2);
            if (close < 0) {
                re += QStringLiteral("\\[");
                continue;
            }
            QString set = glob.mid(i + 1, close - i - 1);
            if (set.startsWith(QLatin1Char('!')))
                set[0] = QLatin1Char('^');
            re += QLatin1Char('[') + set.replace(QLatin1Char('\\'), QStringLiteral("\\\\")) + QLatin1Char(']');
            i = close;
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return re + QStringLiteral(")\\z");
}

} // namespace

std::optional<TextPattern> TextPattern::parse(const QString &text, Qt::CaseSensitivity cs, QString *error)
{
    if (text.size() > 512) {
        *error = QStringLiteral("at most 512 characters");
        return std::nullopt;
    }
    TextPattern pattern;
    pattern.text_ = text;
    pattern.cs_ = cs;
    if (isGlob(text)) {
        QRegularExpression re(globToRegularExpression(text),
                              cs == Qt::CaseInsensitive ? QRegularExpression::CaseInsensitiveOption
                                                        : QRegularExpression::NoPatternOption);
        if (!re.isValid()) {
            *error = QStringLiteral("\"%1\" is not a valid glob").arg(text);
            return std::nullopt;
        }
        re.optimize();
        pattern.glob_ = re;
    }
    return pattern;
}

bool TextPattern::matches(const QString &value) const
{
    return glob_ ? glob_->match(value).hasMatch() : value.compare(text_, cs_) == 0;
}

} // namespace adserve
