#include "Decision.h"

#include <QJsonArray>

namespace adserve {

QString outcomeName(DimensionCheck::Outcome outcome)
{
    switch (outcome) {
    case DimensionCheck::Outcome::NoRules: return QStringLiteral("no-rules");
    case DimensionCheck::Outcome::Included: return QStringLiteral("included");
    case DimensionCheck::Outcome::NotIncluded: return QStringLiteral("not-included");
    case DimensionCheck::Outcome::Excluded: return QStringLiteral("excluded");
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

QString shownTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC");
}

// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ...
QString ordinal(qsizetype n)
{
    const qsizetype tens = n % 100;
    const char *suffix = (tens >= 11 && tens <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return QString::number(n) + QLatin1String(suffix);
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
    switch (verdict) {
    case Verdict::Matched: return QStringLiteral("matched: qualifies in every dimension");
    case Verdict::Inactive: return QStringLiteral("not delivered: the campaign is not ACTIVE");
    case Verdict::Deleted: return QStringLiteral("not delivered: the campaign is deleted");
    case Verdict::FlightNotStarted:
        return QStringLiteral("not delivered: flight not started (starts %1)").arg(shownTime(flightStart));
    case Verdict::FlightEnded: return QStringLiteral("not delivered: flight ended (%1)").arg(shownTime(flightEnd));
    case Verdict::OutsideHours: return QStringLiteral("not delivered: outside its hours (%1)").arg(hours);
    case Verdict::RankedOut:
        return QStringLiteral("not delivered: ranked below the limit (priority %1, %2; limit %3)")
            .arg(priority)
            .arg(ordinal(rank))
            .arg(limit);
    case Verdict::Rejected: break;
    }
    const DimensionCheck *check = decidingCheck();
    if (!check)
        return QStringLiteral("rejected");
    const QString dim = dimensionName(check->dimension);
    if (check->outcome == DimensionCheck::Outcome::Excluded)
        return QStringLiteral("excluded: %1 \"%2\" is in EXCLUDE rule %3").arg(dim, check->value, check->ruleCode);
    return QStringLiteral("not included: %1 \"%2\" is in no INCLUDE rule of this campaign (e.g. %3)")
        .arg(dim, check->value, check->ruleCode);
}

QJsonObject Decision::toJson() const
{
    QJsonArray checkArray;
    for (const DimensionCheck &check : checks) {
        QJsonObject c{{QStringLiteral("dimension"), dimensionName(check.dimension)},
                      {QStringLiteral("outcome"), outcomeName(check.outcome)},
                      {QStringLiteral("value"), check.value}};
        if (check.ruleId != 0) {
            c.insert(QStringLiteral("ruleId"), check.ruleId);
            c.insert(QStringLiteral("ruleCode"), check.ruleCode);
        }
        checkArray.append(c);
    }
    QJsonObject json{{QStringLiteral("id"), campaignId},
                     {QStringLiteral("cid"), campaignCode},
                     {QStringLiteral("matched"), matched()},
                     {QStringLiteral("verdict"), verdictName(verdict)},
                     {QStringLiteral("reason"), summary()},
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
    if (const DimensionCheck *deciding = decidingCheck(); deciding && verdict == Verdict::Rejected) {
        json.insert(QStringLiteral("dimension"), dimensionName(deciding->dimension));
        json.insert(QStringLiteral("ruleId"), deciding->ruleId);
        json.insert(QStringLiteral("ruleCode"), deciding->ruleCode);
        json.insert(QStringLiteral("value"), deciding->value);
    }
    return json;
}

} // namespace adserve
