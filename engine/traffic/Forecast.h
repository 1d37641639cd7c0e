#pragma once

#include "model/Campaign.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <array>

namespace adserve {

// What a campaign's targeting would have reached over a window of recorded traffic
// (ReachForecast computes it). Every count is requests. recorded = matching + lost +
// unattributed: matching requests qualify in every dimension, lost ones are blocked in at
// least one, unattributed ones carry a value folded to OTHER where the campaign has rules
// and are blocked nowhere else, so nobody can say. Status, flight and day-parting are
// reported beside the counts, not applied: a paused or future campaign gets its forecast.
struct Forecast
{
    // The campaign as it stands (id 0: a draft).
    qint64 campaignId = 0;
    QString code;
    QString name;
    QString status;
    bool deleted = false;
    QDateTime flightStart, flightEnd; // invalid: none
    QString hours;                    // day-parting, "Mon–Fri 09–18 Europe/Berlin"; empty: none
    // "serving", "inactive", "deleted", "not-started", "ended", "outside-hours" (at `asOf`)
    QString servingState;
    QDateTime asOf;
    bool servesNow() const { return servingState == QLatin1String("serving"); }

    QList<QDate> days; // the window: every UTC day recorded
    qint64 recorded = 0;
    qint64 matching = 0;
    qint64 lost = 0;
    qint64 unattributed = 0;
    double share() const { return recorded ? double(matching) / double(recorded) : 0.0; }

    struct Day
    {
        QDate day;
        qint64 recorded = 0;
        qint64 matching = 0;
    };
    QList<Day> byDay;

    // The matching requests by one dimension's values: the largest first, then the rest.
    struct Slice
    {
        QString value;
        qint64 requests = 0;
    };
    struct Breakdown
    {
        QList<Slice> top;
        qint64 restRequests = 0;
        qsizetype restValues = 0;
    };
    std::array<Breakdown, kDimensionCount> breakdown; // by Dimension

    // Campaigns serving now that also match this one's matching requests, as delivery would
    // pick them: their requests in common, most first. Where a request carries OTHER (in a
    // dimension this campaign has no rule in), only campaigns without rules there count.
    struct Overlap
    {
        qint64 campaignId = 0;
        QString code;
        qint64 requests = 0;
    };
    QList<Overlap> overlap;
    bool overlapKnown = false;  // false: no index was given
    // The matching requests the overlap was counted over, and their triples: all of them,
    // or the heaviest when ReachForecast::Options limit it (shares are of this basis).
    qint64 overlapBasis = 0;
    qsizetype overlapTriples = 0;

    // Per blocking rule, the requests it blocks. A request blocked in two dimensions counts
    // under both blockers (and once in `lost`); `blockedAlone` are those it alone blocks
    // while every other dimension certainly qualifies: what removing it would gain.
    struct Loss
    {
        QString rule; // "INCLUDE country: US, CA" (a dimension's INCLUDE rules together)
        Dimension dimension = Dimension::Country;
        RuleType type = RuleType::Include;
        QList<qint64> ruleIds;
        qint64 blocked = 0;
        qint64 blockedAlone = 0;
    };
    QList<Loss> lostBy; // most blocked first

    // For an API as is: campaign, window, "recorded", "matching", "share", "lost",
    // "unattributed", "byDay", "byCountry", "byOs", "byApp", "overlap", "lostBy".
    QJsonObject toJson() const;
};

} // namespace adserve
