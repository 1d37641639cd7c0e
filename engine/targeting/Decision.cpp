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
    }
    return {};
}

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
                     {QStringLiteral("checks"), checkArray}};
    if (const DimensionCheck *deciding = decidingCheck(); deciding && verdict == Verdict::Rejected) {
        json.insert(QStringLiteral("dimension"), dimensionName(deciding->dimension));
        json.insert(QStringLiteral("ruleId"), deciding->ruleId);
        json.insert(QStringLiteral("ruleCode"), deciding->ruleCode);
        json.insert(QStringLiteral("value"), deciding->value);
    }
    return json;
}

} // namespace adserve
