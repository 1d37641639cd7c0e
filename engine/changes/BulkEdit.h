#pragma once

#include "model/Campaign.h"
#include "model/TargetingLint.h"
#include "store/CampaignStore.h"

#include <QHash>

#include <functional>
#include <optional>

namespace adserve {

// One change made to many campaigns at once: a status, a deletion, or a targeting value
// added to or removed from a dimension's rules.
struct BulkEdit
{
    enum class Action { Activate, Deactivate, Delete, AddValue, RemoveValue, FixTargeting };
    Action action = Action::Deactivate;
    Dimension dimension = Dimension::Country; // AddValue, RemoveValue; FixTargeting of one value
    RuleType ruleType = RuleType::Include;    // AddValue: the kind of rule the value goes in
    QString value;                            // AddValue, RemoveValue; FixTargeting: empty for all
    // FixTargeting: the linter's findings of this kind get their fix (TargetingLint::fixAll).
    LintFinding::Kind lintKind = LintFinding::Kind::CaseVariant;

    // What the edit makes of a campaign (as CampaignWrites::stateOf gives it); nothing when
    // it leaves it as it is. AddValue puts the value in the dimension's first rule of that
    // type (a new rule if there is none); RemoveValue takes it out of every rule of the
    // dimension, and a rule left without values goes.
    std::optional<CampaignWithRules> applyTo(const CampaignWithRules &campaign) const;
    // "deactivate", "add \"US\" to the country EXCLUDE rules", ...
    QString describe() const;
};

// What a bulk edit would do to a set of campaigns, counted before it is made.
struct BulkEditPreview
{
    qint64 changed = 0;
    qint64 unchanged = 0;
    qint64 startServing = 0; // delivered now to no request with the value (or at all), then to some
    qint64 stopServing = 0;
    qint64 widened = 0;  // RemoveValue took the last INCLUDE value: every value qualifies now
    qint64 narrowed = 0; // AddValue gave a first INCLUDE rule: only that value qualifies now

    // Adds one campaign (as it stands) to the counts.
    void count(const BulkEdit &edit, const CampaignWithRules &campaign);
    // "1,240 campaigns will stop serving in US; 12 are left as they are."
    QString describe(const BulkEdit &edit) const;
};

// What a bulk edit did: enough to undo it.
struct BulkEditRecord
{
    BulkEdit edit;
    QList<CampaignWithRules> before;      // the campaigns it changed, as they were
    QHash<qint64, QDateTime> writtenAt;   // the updated_at it left on each
};

// Makes bulk edits and undoes them, each in one transaction through the store (so the
// change log has them and every instance follows).
class BulkEditor
{
public:
    using Progress = std::function<bool(qint64 done, qint64 total)>; // false: cancel

    explicit BulkEditor(CampaignStore &store) : store_(store) {}

    // Applies `edit` to the campaigns `ids`. Cancelled (value empty, `cancelled` set), invalid
    // or failed: nothing is written.
    StoreResult<BulkEditRecord> apply(const BulkEdit &edit, const QList<qint64> &ids, const Progress &progress = {},
                                      bool *cancelled = nullptr);

    struct Undone
    {
        qint64 restored = 0;
        QList<qint64> changedSince; // left as they are: changed after the edit
    };
    // Puts every campaign of `record` back as it was, except those changed since.
    StoreResult<Undone> undo(const BulkEditRecord &record, const Progress &progress = {}, bool *cancelled = nullptr);

private:
    CampaignStore &store_;
};

} // namespace adserve
