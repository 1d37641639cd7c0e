#include "TargetingLint.h"

#include "RuleReach.h"
#include "ValueHints.h"

#include <QSet>

#include <numeric>

namespace adserve {

namespace {

using Kind = LintFinding::Kind;

QString quoted(const QString &value)
{
    return QLatin1Char('"') + value + QLatin1Char('"');
}

QStringList valuesOf(const QList<TargetRule> &rules, Dimension dimension, RuleType type)
{
    return TargetingLint::valuesOf(rules, dimension, type);
}

QSet<QString> normalizedSet(const QStringList &values)
{
    QSet<QString> set;
    for (const QString &value : values)
        set.insert(normalizeValue(value));
    return set;
}

// What the rules deliver for, per dimension: with INCLUDE rules, the values they let
// through; without, the values the EXCLUDE rules keep out.
using Reach = std::array<std::pair<bool, QSet<QString>>, kDimensionCount>;
Reach reachOf(const QList<TargetRule> &rules)
{
    Reach reach;
    for (Dimension d : kDimensions) {
        const bool hasInclude = std::any_of(rules.cbegin(), rules.cend(), [d](const TargetRule &r) {
            return !r.deleted && r.dimension == d && r.type == RuleType::Include;
        });
        const QSet<QString> excluded = normalizedSet(valuesOf(rules, d, RuleType::Exclude));
        reach[size_t(d)] = {hasInclude, hasInclude ? normalizedSet(valuesOf(rules, d, RuleType::Include)) - excluded : excluded};
    }
    return reach;
}

// Form findings (name instead of code, other name, case, unknown) of one value.
std::optional<LintFinding> formFinding(Dimension d, RuleType t, const QString &value)
{
    const ValueHints::Hint hint = ValueHints::shipped().hint(d, value);
    const QString dim = dimensionName(d);
    switch (hint.form) {
    case ValueHints::Form::Usual: return std::nullopt;
    case ValueHints::Form::CountryName:
        return LintFinding{Kind::CountryName, d, t, value, hint.usual, true,
                           QStringLiteral("%1 is a country name; requests carry ISO codes: use %2").arg(quoted(value), quoted(hint.usual))};
    case ValueHints::Form::OsAlias:
        return LintFinding{Kind::OsAlias, d, t, value, hint.usual, true,
                           QStringLiteral("%1 is another name of %2, which requests carry: use %2").arg(quoted(value), quoted(hint.usual))};
    case ValueHints::Form::CaseVariant:
        return LintFinding{Kind::CaseVariant, d, t, value, hint.usual, true,
                           QStringLiteral("%1 is written %2 elsewhere (it matches either way): write %2").arg(quoted(value), quoted(hint.usual))};
    case ValueHints::Form::Unknown:
        return LintFinding{Kind::UnknownValue, d, t, value, {}, false,
                           d == Dimension::Country ? QStringLiteral("%1 is not an ISO country code").arg(quoted(value))
                                                   : QStringLiteral("%1 is not a known %2 name").arg(quoted(value), dim)};
    }
    return std::nullopt;
}

// The rules with the first `value` (exactly as written) of the dimension's rules of one
// type replaced by `replacement`, or removed when that is empty or already listed there
// (`last`: the last occurrence instead of the first). Rules left empty go.
std::optional<QList<TargetRule>> edited(QList<TargetRule> rules, Dimension d, RuleType t, const QString &value,
                                        const QString &replacement, bool last = false)
{
    const bool sameValue = normalizeValue(replacement) == normalizeValue(value); // a case fix
    const bool remove = replacement.isEmpty()
                        || (!sameValue && normalizedSet(valuesOf(rules, d, t)).contains(normalizeValue(replacement)));
    for (qsizetype r = last ? rules.size() - 1 : 0; r >= 0 && r < rules.size(); r += last ? -1 : 1) {
        TargetRule &rule = rules[r];
        if (rule.deleted || rule.dimension != d || rule.type != t)
            continue;
        const qsizetype at = last ? rule.values.lastIndexOf(value) : rule.values.indexOf(value);
        if (at < 0)
            continue;
        if (remove)
            rule.values.removeAt(at);
        else
            rule.values[at] = replacement;
        if (rule.values.isEmpty())
            rules.removeAt(r);
        return rules;
    }
    return std::nullopt;
}

} // namespace

QList<LintFinding> TargetingLint::check(const QList<TargetRule> &rules)
{
    QList<LintFinding> findings;
    for (Dimension d : kDimensions) {
        const QString dim = dimensionName(d);
        std::array<QSet<QString>, 2> seen; // normalised values of the INCLUDE, EXCLUDE rules
        for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
            QSet<QString> &mine = seen[t == RuleType::Include ? 0 : 1];
            for (const QString &value : valuesOf(rules, d, t)) {
                const QString normalized = normalizeValue(value);
                if (mine.contains(normalized)) {
                    findings.append({Kind::Duplicate, d, t, value, {}, true,
                                     QStringLiteral("%1 is listed twice in the %2 %3 rules").arg(quoted(value), dim, ruleTypeName(t))});
                    continue;
                }
                mine.insert(normalized);
                if (auto form = formFinding(d, t, value))
                    findings.append(*form);
                if (t == RuleType::Exclude && seen[0].contains(normalized))
                    findings.append({Kind::IncludedAndExcluded, d, RuleType::Include, value, {}, true,
                                     QStringLiteral("%1 is both included and excluded in %2: EXCLUDE wins, the INCLUDE "
                                                    "entry does nothing").arg(quoted(value), dim)});
            }
        }
        if (neverQualifiesIn(rules, d))
            findings.append({Kind::NeverServes, d, RuleType::Include, {}, {}, false,
                             QStringLiteral("can never serve: the %1 EXCLUDE rules take out every value the INCLUDE rules name")
                                 .arg(dim)});
    }
    // A fix is offered only where one can be made as promised.
    for (LintFinding &finding : findings)
        finding.fixable = finding.fixable && fix(rules, finding).has_value();
    return findings;
}

std::optional<QList<TargetRule>> TargetingLint::fix(const QList<TargetRule> &rules, const LintFinding &finding)
{
    std::optional<QList<TargetRule>> fixed;
    switch (finding.kind) {
    case Kind::CountryName:
    case Kind::OsAlias:
    case Kind::CaseVariant:
        return edited(rules, finding.dimension, finding.type, finding.value, finding.suggestion);
    case Kind::Duplicate:
        fixed = edited(rules, finding.dimension, finding.type, finding.value, {}, true);
        break;
    case Kind::IncludedAndExcluded: {
        // Every spelling of it leaves the INCLUDE rules.
        const QString normalized = normalizeValue(finding.value);
        for (const QString &value : valuesOf(rules, finding.dimension, RuleType::Include)) {
            if (normalizeValue(value) == normalized)
                fixed = edited(fixed.value_or(rules), finding.dimension, RuleType::Include, value, {});
        }
        break;
    }
    case Kind::UnknownValue:
    case Kind::NeverServes: return std::nullopt;
    }
    // Tidying must leave delivery as it was.
    if (fixed && reachOf(*fixed) != reachOf(rules))
        return std::nullopt;
    return fixed;
}

std::optional<QList<TargetRule>> TargetingLint::fixAll(const QList<TargetRule> &rules, LintFinding::Kind kind,
                                                       std::optional<std::pair<Dimension, QString>> only)
{
    std::optional<QList<TargetRule>> fixed;
    // One fix at a time, checking again after each: a fix can settle another finding.
    for (qsizetype round = 0; round <= rules.size() * 2 + 16; ++round) {
        const QList<TargetRule> &current = fixed ? *fixed : rules;
        std::optional<QList<TargetRule>> next;
        for (const LintFinding &finding : check(current)) {
            if (finding.kind != kind || !finding.fixable)
                continue;
            if (only && (finding.dimension != only->first || finding.value != only->second))
                continue;
            next = fix(current, finding);
            if (next)
                break;
        }
        if (!next)
            break;
        fixed = std::move(next);
    }
    return fixed;
}

QStringList TargetingLint::valuesOf(const QList<TargetRule> &rules, Dimension dimension, RuleType type)
{
    QStringList values;
    for (const TargetRule &rule : rules) {
        if (!rule.deleted && rule.dimension == dimension && rule.type == type)
            values.append(rule.values);
    }
    return values;
}

void LintReport::add(const CampaignWithRules &campaign)
{
    ++campaigns;
    std::array<bool, TargetingLint::kKindCount> fixable{};
    for (const LintFinding &finding : TargetingLint::check(campaign.rules)) {
        ++counts[size_t(finding.kind)];
        fixable[size_t(finding.kind)] = fixable[size_t(finding.kind)] || finding.fixable;
        if (rows.size() < kMaxRows)
            rows.append({campaign.campaign.id, campaign.campaign.code, finding});
    }
    for (int k = 0; k < TargetingLint::kKindCount; ++k) {
        if (fixable[size_t(k)])
            fixableCampaigns[size_t(k)].append(campaign.campaign.id);
    }
}

qint64 LintReport::total() const
{
    return std::accumulate(counts.cbegin(), counts.cend(), qint64(0));
}

QString TargetingLint::kindCode(LintFinding::Kind kind)
{
    switch (kind) {
    case Kind::CountryName: return QStringLiteral("country-name");
    case Kind::OsAlias: return QStringLiteral("os-alias");
    case Kind::CaseVariant: return QStringLiteral("case-variant");
    case Kind::UnknownValue: return QStringLiteral("unknown-value");
    case Kind::IncludedAndExcluded: return QStringLiteral("included-and-excluded");
    case Kind::NeverServes: return QStringLiteral("never-serves");
    case Kind::Duplicate: return QStringLiteral("duplicate");
    }
    return {};
}

std::optional<LintFinding::Kind> TargetingLint::kindFromCode(const QString &code)
{
    for (int k = 0; k < kKindCount; ++k) {
        if (kindCode(Kind(k)) == code)
            return Kind(k);
    }
    return std::nullopt;
}

QString TargetingLint::kindTitle(LintFinding::Kind kind)
{
    switch (kind) {
    case Kind::CountryName: return QStringLiteral("Country names instead of ISO codes");
    case Kind::OsAlias: return QStringLiteral("Other names of an OS");
    case Kind::CaseVariant: return QStringLiteral("Known values in another case");
    case Kind::UnknownValue: return QStringLiteral("Unknown countries or OSes");
    case Kind::IncludedAndExcluded: return QStringLiteral("Values both included and excluded");
    case Kind::NeverServes: return QStringLiteral("Campaigns that can never serve");
    case Kind::Duplicate: return QStringLiteral("Duplicate values");
    }
    return {};
}

} // namespace adserve
