#include "Forecast.h"

#include "ReachJson.h"

#include <QJsonArray>

namespace adserve {

namespace {

using ReachJson::shareOf;

QJsonValue instant(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonObject breakdownJson(const Forecast::Breakdown &breakdown, qint64 matching)
{
    QJsonArray top;
    for (const Forecast::Slice &slice : breakdown.top) {
        top.append(QJsonObject{
            {"value", slice.value}, {"requests", slice.requests}, {"share", shareOf(slice.requests, matching)}});
    }
    return {{"top", top},
            {"rest", QJsonObject{{"requests", breakdown.restRequests},
                                 {"values", breakdown.restValues},
                                 {"share", shareOf(breakdown.restRequests, matching)}}}};
}

} // namespace

QJsonObject Forecast::toJson() const
{
    const QJsonObject campaign{{"id", campaignId},
                               {"code", code},
                               {"name", name},
                               {"status", status},
                               {"deleted", deleted},
                               {"flightStart", instant(flightStart)},
                               {"flightEnd", instant(flightEnd)},
                               {"hours", hours},
                               {"serving", servingState},
                               {"servesNow", servesNow()},
                               {"asOf", instant(asOf)}};
    QJsonArray dayList;
    for (const Day &day : byDay) {
        dayList.append(QJsonObject{{"day", day.day.toString(Qt::ISODate)},
                                   {"recorded", day.recorded},
                                   {"matching", day.matching},
                                   {"share", shareOf(day.matching, day.recorded)}});
    }
    QJsonArray overlapping;
    for (const Overlap &other : overlap) {
        overlapping.append(QJsonObject{{"id", other.campaignId},
                                       {"code", other.code},
                                       {"requests", other.requests},
                                       {"share", shareOf(other.requests, overlapBasis)}});
    }
    QJsonArray losses;
    for (const Loss &loss : lostBy) {
        QJsonArray ids;
        for (qint64 id : loss.ruleIds)
            ids.append(id);
        losses.append(QJsonObject{{"rule", loss.rule},
                                  {"dimension", dimensionName(loss.dimension)},
                                  {"type", ruleTypeName(loss.type)},
                                  {"ruleIds", ids},
                                  {"blocked", loss.blocked},
                                  {"share", shareOf(loss.blocked, recorded)},
                                  {"blockedAlone", loss.blockedAlone},
                                  {"shareAlone", shareOf(loss.blockedAlone, recorded)}});
    }
    return {{"campaign", campaign},
            {"window", ReachJson::daysJson(days)},
            {"recorded", recorded},
            {"matching", matching},
            {"share", share()},
            {"lost", lost},
            {"unattributed", unattributed},
            {"byDay", dayList},
            {"byCountry", breakdownJson(breakdown[size_t(Dimension::Country)], matching)},
            {"byOs", breakdownJson(breakdown[size_t(Dimension::Os)], matching)},
            {"byApp", breakdownJson(breakdown[size_t(Dimension::App)], matching)},
            {"overlap", QJsonObject{{"known", overlapKnown},
                                    {"campaigns", overlapping},
                                    {"basis", overlapBasis},
                                    {"coverage", shareOf(overlapBasis, matching)},
                                    {"triples", overlapTriples}}},
            {"lostBy", losses}};
}

} // namespace adserve
