#include "JsonValues.h"

#include <cmath>

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

std::optional<qint64> wholeNumber(const QJsonValue &value)
{
    constexpr double kMaxExact = 9007199254740992.0; // 2^53
    const double d = value.toDouble(-1);
    if (!value.isDouble() || !(d >= 0 && d <= kMaxExact) || d != std::floor(d))
        return std::nullopt;
    return qint64(d);
}

} // namespace adserve::JsonValues
