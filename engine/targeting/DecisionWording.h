#pragma once

#include "Decision.h"

#include <optional>

namespace adserve {

// A value that differs from what requests carry only in form, and what to do about it:
// the campaign targets "Canada", requests carry "CA".
struct FormHint
{
    QString code;  // "country-name", "os-alias": the form of `value` (ValueHints::formCode)
    QString value; // the value in that form, as written (the rule's or the request's)
    QString usual; // what requests carry for it
    QString text;  // one sentence for people
};

// How decisions are put in words, for the studio and the explain API alike: per dimension
// the request's value, the rule's values and the outcome, a hint when values differ only in
// form, and one reason per decision with a machine-readable code.
namespace DecisionWording {

// A value as shown: the known spelling of a case variant ("CA" for "ca"), else as given.
QString shownValue(Dimension dimension, const QString &value);
// "no rules", "included", "not included", "excluded", "not excluded".
QString outcomeWords(DimensionCheck::Outcome outcome);
// The rules that decided the check as they read: "INCLUDE country: US, Canada"; empty for no rules.
QString decidingRules(const DimensionCheck &check);
// One dimension, e.g. `not included: "CA" is not in INCLUDE country: US, Canada`.
QString check(const DimensionCheck &check);
// When the request's value and a value of the rules that decided differ only in form.
std::optional<FormHint> hint(const DimensionCheck &check);
// The hint of the check that decided (or, when delivered, of the first check with one).
std::optional<FormHint> hint(const Decision &decision);
// The decision in one sentence, its hint included.
QString reason(const Decision &decision);
// "matched", "inactive", "deleted", "flight-not-started", "flight-ended", "outside-hours",
// "ranked-out", "not-included", "excluded".
QString code(const Decision &decision);

} // namespace DecisionWording

} // namespace adserve
