#include "Campaign.h"

namespace adserve {

QString dimensionName(Dimension dimension)
{
    switch (dimension) {
    case Dimension::Country: return QStringLiteral("country");
    case Dimension::Os: return QStringLiteral("os");
    case Dimension::App: return QStringLiteral("app");
    }
    return {};
}

std::optional<Dimension> dimensionFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    for (Dimension d : kDimensions) {
        if (dimensionName(d) == n)
            return d;
    }
    return std::nullopt;
}

QString ruleTypeName(RuleType type)
{
    return type == RuleType::Include ? QStringLiteral("INCLUDE") : QStringLiteral("EXCLUDE");
}

std::optional<RuleType> ruleTypeFromName(const QString &name)
{
    const QString n = name.trimmed().toUpper();
    if (n == QLatin1String("INCLUDE"))
        return RuleType::Include;
    if (n == QLatin1String("EXCLUDE"))
        return RuleType::Exclude;
    return std::nullopt;
}

QString describeRule(RuleType type, Dimension dimension, const QStringList &values)
{
    return QStringLiteral("%1 %2: %3").arg(ruleTypeName(type), dimensionName(dimension), values.join(QLatin1String(", ")));
}

QString normalizeValue(const QString &value)
{
    return value.trimmed().toCaseFolded();
}

} // namespace adserve
