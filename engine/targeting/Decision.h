#pragma once

#include "model/Campaign.h"

#include <QJsonObject>
#include <QList>

namespace adserve {

// How one dimension of one campaign judged a request.
struct DimensionCheck
{
    enum class Outcome {
        NoRules,     // no rules in this dimension: any value qualifies
        Included,    // the value is in an INCLUDE rule
        NotIncluded, // there are INCLUDE rules and the value is in none of them
        Excluded,    // the value is in an EXCLUDE rule (exclude wins over include)
        NotExcluded, // only EXCLUDE rules here, and the value is in none of them
    };
    Dimension dimension = Dimension::Country;
    Outcome outcome = Outcome::NoRules;
    qint64 ruleId = 0;       // the deciding rule (for NotIncluded: the first INCLUDE rule)
    QString ruleCode;
    QString value;           // the request's normalised value
    // The values the campaign's INCLUDE and EXCLUDE rules name here, each once, as written.
    QStringList included, excluded;

    bool passes() const { return outcome != Outcome::NotIncluded && outcome != Outcome::Excluded; }
};

// Why a campaign was, or was not, delivered for a request.
struct Decision
{
    // In the order they are checked: status, flight, hours, targeting, then the limit.
    enum class Verdict { Matched, Inactive, Deleted, FlightNotStarted, FlightEnded, OutsideHours, Rejected, RankedOut };
    qint64 campaignId = 0;
    QString campaignCode;
    Verdict verdict = Verdict::Matched;
    QList<DimensionCheck> checks; // every dimension, in Dimension order
    int priority = 0;
    QDateTime flightStart; // the campaign's flight, when it has one (UTC)
    QDateTime flightEnd;
    QString hours;         // its day-parting, "Mon–Fri 09–18 Europe/Berlin"; empty: none
    qsizetype rank = 0;    // RankedOut: its place in the answer order (1-based) ...
    qsizetype limit = 0;   // ... and the limit it fell below

    bool matched() const { return verdict == Verdict::Matched; }
    // The check that rejected the campaign (first failing dimension), or nullptr.
    const DimensionCheck *decidingCheck() const;
    // One sentence a campaign manager can read (DecisionWording::reason).
    QString summary() const;
    QJsonObject toJson() const;
};

// "no-rules", "included", "not-included", "excluded", "not-excluded".
QString outcomeName(DimensionCheck::Outcome outcome);
QString verdictName(Decision::Verdict verdict);

} // namespace adserve
