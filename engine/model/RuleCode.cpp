#include "RuleCode.h"

#include <algorithm>
#include <array>

namespace adserve {

namespace {

QStringView dimensionPiece(Dimension dimension)
{
    static const std::array<QString, kDimensionCount> names = [] {
        std::array<QString, kDimensionCount> all;
        for (int d = 0; d < kDimensionCount; ++d)
            all[size_t(d)] = dimensionName(Dimension(d));
        return all;
    }();
    return names[size_t(dimension)];
}

QStringView typePiece(RuleType type)
{
    static const QString include = ruleTypeName(RuleType::Include).toLower();
    static const QString exclude = ruleTypeName(RuleType::Exclude).toLower();
    return type == RuleType::Include ? include : exclude;
}

} // namespace

quint16 defaultRuleCodeNumber(QStringView campaignCode, Dimension dimension, RuleType type, QStringView ruleCode)
{
    QStringView rest = ruleCode;
    for (const QStringView piece : {campaignCode, dimensionPiece(dimension), typePiece(type)}) {
        if (!rest.startsWith(piece) || rest.size() <= piece.size() || rest[piece.size()] != QLatin1Char('-'))
            return 0;
        rest = rest.sliced(piece.size() + 1);
    }
    if (rest.isEmpty() || rest.startsWith(QLatin1Char('0'))
        || !std::all_of(rest.begin(), rest.end(), [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); }))
        return 0;
    bool ok = false;
    const uint n = rest.toUInt(&ok);
    return ok && n <= 65535 ? quint16(n) : 0;
}

QString defaultRuleCode(QStringView campaignCode, Dimension dimension, RuleType type, quint16 n)
{
    return campaignCode + QLatin1Char('-') + dimensionPiece(dimension) + QLatin1Char('-') + typePiece(type)
           + QLatin1Char('-') + QString::number(n);
}

} // namespace adserve
