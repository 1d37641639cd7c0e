#pragma once

#include "Campaign.h"

#include <optional>

namespace adserve {

// A campaign's rules read one dimension at a time, with the semantics delivery uses (DESIGN:
// targeting semantics), for tools that ask about campaigns rather than about one request:
// the studio's filters, the linter, reach.

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
