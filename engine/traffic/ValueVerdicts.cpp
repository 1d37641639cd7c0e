#include "ValueVerdicts.h"

#include <QSet>

namespace adserve {

namespace {

// A rule's values normalised once, so each traffic value costs one lookup per rule.
struct NamedValues
{
    const TargetRule *rule = nullptr;
    QSet<QString> values;
    int blocker = -1; // for an EXCLUDE rule
};

void appendOnce(QStringList &written, QSet<QString> &seen, const QString &value)
{
    const QString normalized = normalizeValue(value);
    if (!seen.contains(normalized)) {
        seen.insert(normalized);
        written.append(value.trimmed());
    }
}

} // namespace

ValueVerdicts::ValueVerdicts(const QList<TargetRule> &rules, const RecordedTraffic &traffic)
{
    for (Dimension d : kDimensions)
        judge(d, rules, traffic);
}

void ValueVerdicts::judge(Dimension dimension, const QList<TargetRule> &rules, const RecordedTraffic &traffic)
{
    const qsizetype valueCount = traffic.values(dimension).size();
    std::vector<Verdict> &verdicts = verdicts_[size_t(dimension)];
    std::vector<quint32> &starts = blockerStarts_[size_t(dimension)];
    std::vector<int> &ids = blockerIds_[size_t(dimension)];
    verdicts.assign(size_t(valueCount), Verdict::Qualifies);
    starts.assign(size_t(valueCount) + 1, 0);

    std::vector<NamedValues> includes, excludes;
    Blocker includeBlocker{dimension, RuleType::Include, {}, {}};
    QSet<QString> includeSeen;
    for (const TargetRule &rule : rules) {
        if (rule.deleted || rule.dimension != dimension)
            continue;
        NamedValues named{&rule, {}, -1};
        for (const QString &value : rule.values)
            named.values.insert(normalizeValue(value));
        if (rule.type == RuleType::Include) {
            includeBlocker.ruleIds.append(rule.id);
            for (const QString &value : rule.values)
                appendOnce(includeBlocker.values, includeSeen, value);
            includes.push_back(std::move(named));
        } else {
            Blocker blocker{dimension, RuleType::Exclude, {rule.id}, {}};
            QSet<QString> seen;
            for (const QString &value : rule.values)
                appendOnce(blocker.values, seen, value);
            named.blocker = int(blockers_.size());
            blockers_.append(blocker);
            excludes.push_back(std::move(named));
        }
    }
    if (includes.empty() && excludes.empty())
        return; // any value qualifies, OTHER included
    int includeBlockerId = -1;
    if (!includes.empty()) {
        includeBlockerId = int(blockers_.size());
        blockers_.append(includeBlocker);
    }

    const QStringList &values = traffic.values(dimension);
    const int other = traffic.otherValue(dimension);
    for (qsizetype v = 0; v < valueCount; ++v) {
        starts[size_t(v)] = quint32(ids.size());
        if (int(v) == other) {
            verdicts[size_t(v)] = Verdict::Unattributed;
            continue;
        }
        const QString &value = values[v];
        const bool included = std::any_of(includes.begin(), includes.end(),
                                          [&value](const NamedValues &n) { return n.values.contains(value); });
        if (!includes.empty() && !included)
            ids.push_back(includeBlockerId);
        for (const NamedValues &exclude : excludes) {
            if (exclude.values.contains(value))
                ids.push_back(exclude.blocker);
        }
        if (ids.size() > starts[size_t(v)])
            verdicts[size_t(v)] = Verdict::Blocked;
    }
    starts[size_t(valueCount)] = quint32(ids.size());
}

} // namespace adserve
