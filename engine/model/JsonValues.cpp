#include "JsonValues.h"

namespace adserve::JsonValues {

QString string(const QJsonValue &value)
{
    QString text = value.toString();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i; // a pair: one character
        else if (c.isSurrogate())
            text[i] = QChar::ReplacementCharacter;
    }
    return text;
}

std::optional<qint64> nonNegativeInteger(const QJsonValue &value)
{
    // Qt keeps an integer literal that fits as a qint64, and converts a double only when exact.
    const qint64 number = value.toInteger(-1);
    return number >= 0 ? std::optional(number) : std::nullopt;
}

std::optional<qint64> integer(const QJsonValue &value)
{
    // toInteger() gives its default for anything that is not a whole qint64: two defaults
    // that differ tell that case from a number equal to one of them.
    const qint64 a = value.toInteger(0);
    return a == value.toInteger(1) ? std::optional(a) : std::nullopt;
}

} // namespace adserve::JsonValues
