#include "Decision.h"

#include "DecisionWording.h"

#include <QJsonArray>

namespace adserve {

QString outcomeName(DimensionCheck::Outcome outcome)
{
    switch (outcome) {
    case DimensionCheck::Outcome::NoRules: return QStringLiteral("no-rules");
    case DimensionCheck::Outcome::Included: return QStringLiteral("included");
    case DimensionCheck::Outcome::NotIncluded: return QStringLiteral("not-included");
    case DimensionCheck::Outcome::Excluded: return QStringLiteral("excluded");
    case DimensionCheck::Outcome::NotExcluded: return QStringLiteral("not-excluded");
    }
    return {};
}

QString verdictName(Decision::Verdict verdict)
{
    switch (verdict) {
    case Decision::Verdict::Matched: return QStringLiteral("matched");
    case Decision::Verdict::Inactive: return QStringLiteral("inactive");
    case Decision::Verdict::Deleted: return QStringLiteral("deleted");
    case Decision::Verdict::Rejected: return QStringLiteral("rejected");
    case Decision::Verdict::FlightNotStarted: return QStringLiteral("flight-not-started");
    case Decision::Verdict::FlightEnded: return QStringLiteral("flight-ended");
    case Decision::Verdict::OutsideHours: return QStringLiteral("outside-hours");
    case Decision::Verdict::RankedOut: return QStringLiteral("ranked-out");
    }
    return {};
}

namespace {

QJsonObject hintJson(const FormHint &hint)
{
    return {{QStringLiteral("code"), hint.code},
            {QStringLiteral("value"), hint.value},
            {QStringLiteral("usual"), hint.usual},
            {QStringLiteral("text"), hint.text}};
}

} // namespace

const DimensionCheck *Decision::decidingCheck() const
{
    for (const DimensionCheck &check : checks) {
        if (!check.passes())
            return &check;
    }
    return nullptr;
}

QString Decision::summary() const
{
    return DecisionWording::reason(*this);
}

QJsonObject Decision::toJson() const
{
    QJsonArray checkArray;
    for (const DimensionCheck &check : checks) {
        // "outcome" keeps the values it always had ("no-rules" for an EXCLUDE that did not
        // fire); "code" tells every outcome apart.
        const bool legacyNoRules = check.outcome == DimensionCheck::Outcome::NotExcluded;
        QJsonObject c{{QStringLiteral("dimension"), dimensionName(check.dimension)},
                      {QStringLiteral("outcome"), outcomeName(legacyNoRules ? DimensionCheck::Outcome::NoRules : check.outcome)},
                      {QStringLiteral("code"), outcomeName(check.outcome)},
                      {QStringLiteral("reason"), DecisionWording::check(check)},
                      {QStringLiteral("include"), QJsonArray::fromStringList(check.included)},
                      {QStringLiteral("exclude"), QJsonArray::fromStringList(check.excluded)},
                      {QStringLiteral("value"), check.value}};
        if (check.ruleId != 0 && !legacyNoRules) {
            c.insert(QStringLiteral("ruleId"), check.ruleId);
            c.insert(QStringLiteral("ruleCode"), check.ruleCode);
        }
        if (const auto hint = DecisionWording::hint(check))
            c.insert(QStringLiteral("hint"), hintJson(*hint));
        checkArray.append(c);
    }
    QJsonObject json{{QStringLiteral("id"), campaignId},
                     {QStringLiteral("cid"), campaignCode},
                     {QStringLiteral("matched"), matched()},
                     {QStringLiteral("verdict"), verdictName(verdict)},
                     {QStringLiteral("reason"), summary()},
                     {QStringLiteral("code"), DecisionWording::code(*this)},
                     {QStringLiteral("checks"), checkArray},
                     {QStringLiteral("priority"), priority}};
    if (flightStart.isValid())
        json.insert(QStringLiteral("flightStart"), flightStart.toUTC().toString(Qt::ISODate));
    if (flightEnd.isValid())
        json.insert(QStringLiteral("flightEnd"), flightEnd.toUTC().toString(Qt::ISODate));
    if (!hours.isEmpty())
        json.insert(QStringLiteral("hours"), hours);
    if (verdict == Verdict::RankedOut) {
        json.insert(QStringLiteral("rank"), rank);
        json.insert(QStringLiteral("limit"), limit);
    }
    if (const auto hint = DecisionWording::hint(*this))
        json.insert(QStringLiteral("hint"), hintJson(*hint));
    if (const DimensionCheck *deciding = decidingCheck(); deciding && verdict == Verdict::Rejected) {
        json.insert(QStringLiteral("dimension"), dimensionName(deciding->dimension));
        json.insert(QStringLiteral("rule"), DecisionWording::decidingRules(*deciding));
        json.insert(QStringLiteral("ruleId"), deciding->ruleId);
        json.insert(QStringLiteral("ruleCode"), deciding->ruleCode);
        json.insert(QStringLiteral("value"), deciding->value);
    }
    return json;
}

} // namespace adserve
