#pragma once

#include "CampaignRows.h"
#include "StoreSessions.h"

#include <QSet>

namespace adserve {

// The rules of writing campaigns and their rules on one session, shared by the store's
// writes and by restores from the change log: which rows count as live, how codes are
// assigned, how a wanted rule set is reached from the current one, and the time a write
// stamps. Throws StoreFailure for what the caller asked wrongly, SqlFailure for the database.
class CampaignWrites
{
public:
    explicit CampaignWrites(CampaignRows &rows) : rows_(rows) {}
    CampaignRows &rows() { return rows_; }

    // The time a write stamps on a row: milliseconds, and always after the row's previous
    // stamp, so updated_at changes on every write (update() compares it to detect conflicts).
    static QDateTime writeTime(const QDateTime &previous = {});
    static StoreFailure invalid(const QList<FieldError> &errors);
    static void throwIfInvalid(const QList<FieldError> &errors);
    // Gives rules without a code one that says what they are: "<campaign>-<dimension>-<include|exclude>-<n>".
    static void assignRuleCodes(const QString &campaignCode, QList<TargetRule> &rules, QSet<QString> used);
    // Stamps a rule as new for `campaignId`; its code must already be set.
    static TargetRule newRule(TargetRule rule, qint64 campaignId, const QDateTime &now);
    // Pairs campaigns with their rules; both lists are ordered by campaign id.
    static QList<CampaignWithRules> withRules(const QList<Campaign> &campaigns, QList<TargetRule> rules);

    // The campaign unless it is missing or deleted (NotFound); with `lock`, its row stays
    // locked until the transaction ends.
    Campaign liveCampaign(qint64 id, bool lock = false);
    CampaignWithRules loadLive(qint64 id);
    TargetRule liveRule(qint64 campaignId, qint64 ruleId);
    // Conflict when another campaign than `exceptId` uses the code.
    void ensureCodeFree(const QString &code, qint64 exceptId = 0);
    CampaignWithRules insertNew(CampaignWithRules campaign);
    // Makes the campaign's live rules equal `wanted`: rules matched by id, or else by what they
    // target, keep their id (and are rewritten only if changed); the rest are soft-deleted or added.
    void replaceRules(const Campaign &campaign, QList<TargetRule> wanted, const QDateTime &now);
    // Marks the campaign as changed when only its rules were written.
    void touch(Campaign campaign, const QDateTime &now);

    // A campaign as it stands, deleted or not, with its live rules (none once deleted):
    // what writeState() takes and gives back.
    static CampaignWithRules stateOf(const Campaign &campaign, const QList<TargetRule> &allRules);
    // Writes `target` over the campaign's rows as they are (`current`), deleting or
    // undeleting it too: rules keep their ids where their rows still belong to the campaign,
    // and come back as new rows where they are gone. For restores and bulk edits and their undo.
    // Returns the updated_at it wrote.
    QDateTime writeState(const CampaignWithRules &current, const CampaignWithRules &target);

    // What a bulk write reads of each campaign before it writes it: the state, and every
    // rule row writeState() looks at.
    struct Stored
    {
        CampaignWithRules state;
        QList<TargetRule> allRules;
    };
    // Several campaigns in two statements, in the order of `ids`; with `lock`, their rows
    // stay locked until the transaction ends. NotFound names the first id that is missing.
    QList<Stored> storedOf(const QList<qint64> &ids, bool lock = false);
    QDateTime writeState(const Stored &current, const CampaignWithRules &target);

private:
    CampaignRows &rows_;
};

} // namespace adserve
