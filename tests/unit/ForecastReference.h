#pragma once

// The targeting contract written out again for the forecast tests, row by row and value by
// value, as straightforward loops (DESIGN: targeting semantics), never by calling the code
// under test; and the rows and campaigns the tests run on.
#include "model/Campaign.h"
#include "traffic/TrafficRow.h"

#include <QDate>
#include <QList>
#include <QStringList>

#include <array>
#include <map>

namespace adserve::test {

inline const QString kOther = QStringLiteral("OTHER");

// Shorthands for the rules the tests write.
constexpr auto Country = Dimension::Country;
constexpr auto Os = Dimension::Os;
constexpr auto App = Dimension::App;
constexpr auto In = RuleType::Include;
constexpr auto Ex = RuleType::Exclude;

// A row of `requests` at `hour` of day `day` after 2024-03-01 (UTC).
TrafficRow row(int day, int hour, const QString &country, const QString &os, const QString &app, qint64 requests);

// A value as compared: trimmed and case-folded, OTHER kept as it is.
QString folded(const QString &value);

// One dimension of one campaign judging one row's value.
enum class Judged { Passes, Blocked, Unknown };
struct Judgement
{
    Judged judged = Judged::Passes;
    QStringList blockers; // "INCLUDE <dimension>" or "EXCLUDE #<rule id>"
};
// With `otherIsUnknown`, OTHER where the dimension has rules is Unknown.
Judgement judge(const QList<TargetRule> &rules, Dimension dimension, const QString &rowValue, bool otherIsUnknown);

// Matches for certain: every dimension passes (OTHER only where there are no rules).
bool targetingMatches(const QList<TargetRule> &rules, const TrafficRow &r);
// Status and flight (no day-parting) at `now`.
bool servesAt(const Campaign &c, const QDateTime &now);

// What a forecast of `rules` over `rows` must say.
struct Expected
{
    qint64 recorded = 0, matching = 0, lost = 0, unattributed = 0;
    std::map<QDate, qint64> byDay;
    std::array<std::map<QString, qint64>, kDimensionCount> byValue;
    std::map<QString, qint64> blocked, alone;
    QList<const TrafficRow *> matchingRows; // into `rows`
};
Expected expectedFor(const QList<TargetRule> &rules, const QList<TrafficRow> &rows);

// Rows over the values generated campaigns name, spelled anyhow, some OTHER, some unnamed.
QList<TrafficRow> generatedRows(const QList<CampaignWithRules> &campaigns, int count, unsigned seed);
// Generated campaigns (deleted, inactive, priorities, flights) with ids 3, 6, 9, ...
QList<CampaignWithRules> generatedCampaigns(int count, quint64 seed);

} // namespace adserve::test
