#include "RuleReach.h"

#include <QSet>

#include <algorithm>

namespace adserve {

bool ruleNames(const TargetRule &rule, const QString &normalizedValue)
{
    // Folded as they are compared, not copied folded first: filters and reports run this over
    // every campaign of a store. Case folding keeps the length, and folding a folded value
    // changes nothing, so this is normalizeValue(value) == normalizedValue.
    for (const QString &value : rule.values) {
        const QStringView trimmed = QStringView(value).trimmed();
        if (trimmed.size() == normalizedValue.size() && trimmed.compare(normalizedValue, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool includesOnlyExcluded(bool hasInclude, const std::vector<int> &included, const std::vector<int> &excluded)
{
    const auto isExcluded = [&](int value) { return std::find(excluded.cbegin(), excluded.cend(), value) != excluded.cend(); };
    return hasInclude && std::all_of(included.cbegin(), included.cend(), isExcluded);
}

bool qualifiesIn(const QList<TargetRule> &rules, Dimension dimension, const QString &value)
{
    const QString normalized = normalizeValue(value);
    DimensionVerdict verdict;
    for (const TargetRule &rule : rules) {
        if (!rule.deleted && rule.dimension == dimension && !verdict.add(rule.type, ruleNames(rule, normalized)))
            break;
    }
    return verdict.qualifies();
}

bool neverQualifiesIn(const QList<TargetRule> &rules, Dimension dimension)
{
    QSet<QString> included, excluded;
    bool hasInclude = false;
    for (const TargetRule &rule : rules) {
        if (rule.deleted || rule.dimension != dimension)
            continue;
        hasInclude = hasInclude || rule.type == RuleType::Include;
        QSet<QString> &into = rule.type == RuleType::Include ? included : excluded;
        for (const QString &value : rule.values)
            into.insert(normalizeValue(value));
    }
    return hasInclude && (included - excluded).isEmpty();
}

std::optional<Dimension> dimensionThatNeverQualifies(const QList<TargetRule> &rules)
{
    for (Dimension dimension : kDimensions) {
        if (neverQualifiesIn(rules, dimension))
            return dimension;
    }
    return std::nullopt;
}

} // namespace adserve
