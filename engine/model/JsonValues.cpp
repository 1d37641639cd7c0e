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

} // namespace adserve::JsonValues
