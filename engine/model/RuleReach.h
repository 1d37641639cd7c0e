#pragma once

#include "Campaign.h"

#include <optional>
#include <vector>

namespace adserve {

// A campaign's rules read one dimension at a time, with the semantics delivery uses (DESIGN:
// targeting semantics), for tools that ask about campaigns rather than about one request:
// the studio's filters, the linter, reach.

// The contract for one dimension, folded rule by rule, whatever form the rules are kept in
// (TargetRule, the studio's catalog, the index's compiled rules): an EXCLUDE rule that names
// the request's value rules it out; with INCLUDE rules, one of them must name it.
class DimensionVerdict
{
public:
    // False once the request is ruled out: no later rule changes that.
    bool add(RuleType type, bool namesValue)
    {
        if (type == RuleType::Exclude) {
            excluded_ = excluded_ || namesValue;
        } else {
            hasInclude_ = true;
            included_ = included_ || namesValue;
        }
        return !excluded_;
    }
    bool qualifies() const { return !excluded_ && (!hasInclude_ || included_); }

private:
    bool hasInclude_ = false;
    bool included_ = false;
    bool excluded_ = false;
};

// Whether a dimension with these values numbered (INCLUDE rules' and EXCLUDE rules') lets no
// request qualify: it has INCLUDE rules, and every value they name is also excluded.
bool includesOnlyExcluded(bool hasInclude, const std::vector<int> &included, const std::vector<int> &excluded);

// Whether the rule lists `normalizedValue` (normalizeValue) among its values.
bool ruleNames(const TargetRule &rule, const QString &normalizedValue);

// Whether a request carrying `value` qualifies in `dimension`: in the union of the INCLUDE
// rules there (when there are any) and in no EXCLUDE rule. `value` is compared normalised.
bool qualifiesIn(const QList<TargetRule> &rules, Dimension dimension, const QString &value);

// Whether no request can qualify in `dimension`: it has INCLUDE rules and every value they
// name is also excluded there (INCLUDE US + EXCLUDE US).
bool neverQualifiesIn(const QList<TargetRule> &rules, Dimension dimension);

// The first dimension in which no request can qualify: it has INCLUDE rules and every value
// they name is also excluded there (INCLUDE US + EXCLUDE US). None when some request can.
std::optional<Dimension> dimensionThatNeverQualifies(const QList<TargetRule> &rules);

} // namespace adserve
