#pragma once

#include "ChangeLog.h"
#include "model/Campaign.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace adserve {

// A campaign's field before and after a change.
struct FieldChange
{
    QString field; // "code", "name", "image", "cta", "status", "deleted", "priority", "flightStart", …
    QJsonValue before;
    QJsonValue after;
};

// What targeting a rule had (the parts that decide delivery).
struct RuleTargeting
{
    Dimension dimension = Dimension::Country;
    RuleType type = RuleType::Include;
    QStringList values;
    bool operator==(const RuleTargeting &) const = default;
    // "INCLUDE country: US, Canada"
    QString describe() const;
};

struct RuleChange
{
    enum class Kind { Added, Removed, Changed };
    Kind kind = Kind::Changed;
    qint64 ruleId = 0;
    std::optional<RuleTargeting> before;
    std::optional<RuleTargeting> after;
    QString describe() const;
};

// One change of a campaign as a person reads it: who, when, and what changed, with the
// entries (rows written in one transaction) it was made of folded together.
struct CampaignChange
{
    qint64 changeId = 0; // the newest entry of the change: what restore and "is it live" take
    QDateTime at;
    QString actor;
    QString note;
    QString kind; // created, deleted, undeleted, activated, deactivated, edited
    QList<FieldChange> fields;
    QList<RuleChange> rules;
    // One line: "name "Old" → "New"; added INCLUDE country: US"
    QString summary() const;
    bool isEmpty() const { return fields.isEmpty() && rules.isEmpty(); }
};

// Turns change-log entries into a campaign's history, and works out what a campaign was
// right after a change (for restore). Pure functions over entries and rows.
namespace ChangeHistory {

// Entries of one campaign, newest first (ChangeLog::campaignChanges), as changes, newest first.
QList<CampaignChange> changes(const QList<ChangeEntry> &entries);

// The campaign and its live rules as they were right after change `changeId`: the rows as
// they are now (`campaign`, and every rule row that is or was the campaign's, deleted ones
// included), with the entries made after it (`later`, any order) undone. nullopt with
// `why` when the log cannot tell (the campaign did not exist then, a TRUNCATE came between).
std::optional<CampaignWithRules> stateAfter(const Campaign &campaign, const QList<TargetRule> &rules,
                                            const QList<ChangeEntry> &later, qint64 changeId, QString *why);

// What turning `from` into `to` changes, as a change to show before restoring.
CampaignChange difference(const CampaignWithRules &from, const CampaignWithRules &to);

// Rows as the change log records them (column names as keys).
Campaign campaignFromRow(const QJsonObject &row);
std::optional<TargetRule> ruleFromRow(const QJsonObject &row);

} // namespace ChangeHistory

} // namespace adserve
