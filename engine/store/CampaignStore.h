#pragma once

#include "DatabaseTarget.h"
#include "IdRange.h"
#include "StoreResult.h"
#include "StoreSessions.h"
#include "model/Campaign.h"

#include <QDateTime>
#include <QObject>
#include <QRegularExpression>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace adserve {

class CampaignWrites;

// Campaigns picked by their code: those whose code starts with `prefix` (which narrows what
// is read) and that `whole` matches from start to end.
struct CodePattern
{
    QString prefix;
    QRegularExpression whole;
};

// How many campaigns a CodePattern picks: live ones and ones marked deleted.
struct CodeCount
{
    qint64 live = 0;
    qint64 deleted = 0;
    qint64 total() const { return live + deleted; }
};

// A source of campaigns in batches: up to `max` at a time, an empty list when there are no more.
using CampaignBatches = std::function<QList<CampaignWithRules>(qsizetype max)>;

// A committed write, as the store announces it.
struct StoreChange
{
    QList<qint64> campaignIds; // the campaigns written; empty: too many to name, assume all
    qint64 changeId = 0;       // the newest change-log id it produced
    QList<qint64> txns;        // the transactions that wrote it, as the change log records them
};

// The source of truth for campaigns and their targeting rules, on QSql: the embedded
// SQLite file or PostgreSQL, same code, same behaviour. The schema is the Go
// ad-campaign-service's (campaigns, target_rules), created or migrated idempotently on open.
//
// Thread-safe: every call uses the calling thread's own connection (a QSqlDatabase may
// only be used by the thread that opened it). Every write is one transaction.
class CampaignStore : public QObject
{
    Q_OBJECT
public:
    // Opens the database, creates or migrates the schema, and fills a new embedded
    // (SQLite) database with the three sample campaigns.
    static std::unique_ptr<CampaignStore> open(const DatabaseTarget &target, QString *error);
    ~CampaignStore() override;

    const DatabaseTarget &target() const;
    QString describe() const;
    StoreResult<bool> ping() const;
    // The database software's version, as it reports it ("3.40.1", "15.5 (Debian 15.5-0+deb12u1)").
    StoreResult<QString> serverVersion() const;
    // The connections and transactions of this store, for readers of its other tables
    // (the change log, the instance registry).
    StoreSessions &sessions();
    // Who writes when a write names nobody (see WriteContext).
    void setDefaultActor(const QString &actor);

    // --- reads -------------------------------------------------------------------------
    // Campaigns ordered by id; deleted ones only when asked.
    StoreResult<QList<Campaign>> campaigns(bool includeDeleted = false) const;
    // One campaign with its live rules (rules ordered by id). NotFound when absent or deleted.
    StoreResult<CampaignWithRules> campaign(qint64 id) const;
    // The given campaigns (deleted ones included, so callers can tell), in one query,
    // ordered by id. Ids that do not exist are simply absent from the result.
    StoreResult<QList<Campaign>> campaignsByIds(const QList<qint64> &ids) const;
    // Every non-deleted campaign with its live rules, ordered by id: what the match index compiles.
    StoreResult<QList<CampaignWithRules>> targeting() const;
    // Every live campaign with its live rules, one campaign at a time in id order, as the
    // rules' rows arrive: a large store is never held whole. By default only what the match
    // index needs (id, code, status, priority, serving times; rules without their times);
    // Fields::All reads everything targeting() does. `begin(campaigns)` comes first, and
    // again if the read had to start over (a dropped connection); `visit` returns false to
    // stop reading. Returns how many campaigns were visited. `range`: only the campaigns
    // with ids in it (parts of a store read side by side, each on its own thread).
    enum class Fields { Targeting, All };
    StoreResult<qint64> forEachTargeting(const std::function<void(qint64 campaigns)> &begin,
                                         const std::function<bool(CampaignWithRules &&)> &visit,
                                         Fields fields = Fields::Targeting, const IdRange &range = {}) const;
    // The ids of the first and last live campaign; none when there is none.
    StoreResult<std::optional<IdRange>> liveIdRange() const;
    // The same for just these campaigns (what the index needs after they changed); a deleted
    // or missing id is simply absent.
    StoreResult<QList<CampaignWithRules>> targeting(const QList<qint64> &campaignIds) const;
    // Distinct values seen in rules per dimension, for completion in the studio.
    StoreResult<QStringList> knownValues(Dimension dimension) const;
    StoreResult<CodeCount> countByCode(const CodePattern &pattern) const;
    // The ids of the campaigns `pattern` picks, deleted ones included, ascending.
    StoreResult<QList<qint64>> idsByCode(const CodePattern &pattern) const;

    // --- writes (each one transaction; emits campaignsChanged on success) ---------------
    // Validates (see CampaignValidator), assigns ids and missing codes, sets timestamps.
    StoreResult<CampaignWithRules> create(const CampaignWithRules &campaign, const WriteContext &context = {});
    // Replaces the campaign's fields and its whole rule set. When `expectedUpdatedAt` is
    // valid and the row's updated_at differs, nothing is written: StoreError::Conflict.
    StoreResult<CampaignWithRules> update(const CampaignWithRules &campaign, const QDateTime &expectedUpdatedAt = {},
                                          const WriteContext &context = {});
    StoreResult<Campaign> setStatus(qint64 id, const QString &status, const WriteContext &context = {});
    // Soft delete (deleted = true, deleted_at = now) of the campaign and its rules.
    StoreResult<bool> remove(qint64 id, const WriteContext &context = {});
    StoreResult<TargetRule> addRule(qint64 campaignId, const TargetRule &rule, const WriteContext &context = {});
    StoreResult<TargetRule> updateRule(qint64 campaignId, const TargetRule &rule, const WriteContext &context = {});
    StoreResult<bool> removeRule(qint64 campaignId, qint64 ruleId, const WriteContext &context = {});

    // A write the store has no method for (a restore from the change log): `op` runs in one
    // write transaction stamped with `context`, its reads all of one snapshot (a concurrent
    // change to what it read makes it fail: Unavailable), and returns the campaign as
    // written; the campaign is then announced changed like any other write.
    StoreResult<CampaignWithRules> writeCampaign(qint64 campaignId, const WriteContext &context,
                                                 const std::function<CampaignWithRules(CampaignWrites &)> &op);
    // The same for many campaigns at once (bulk edits, their undo): `op` returns the ids it
    // wrote, which are announced. An exception other than a StoreFailure rolls back and
    // goes on to the caller (how a cancel leaves nothing written).
    StoreResult<QList<qint64>> writeCampaigns(const WriteContext &context,
                                              const std::function<QList<qint64>(CampaignWrites &)> &op);

    // Bulk insert for imports: validated, batched, one transaction per batch.
    // `progress(done, total)` returning false cancels (already written batches stay).
    StoreResult<qint64> insertMany(const QList<CampaignWithRules> &campaigns,
                                   const std::function<bool(qint64, qint64)> &progress = {},
                                   const WriteContext &context = {});
    // The same for more campaigns than should sit in memory at once: `nextBatch(max)` returns
    // up to `max` campaigns, an empty list when there are no more; each batch is validated
    // and written in its own transaction. `expectedTotal` is only passed on to `progress`.
    // Emits campaignsChanged once, at the end.
    StoreResult<qint64> insertBatches(const CampaignBatches &nextBatch,
                                      qint64 expectedTotal,
                                      const std::function<bool(qint64, qint64)> &progress = {},
                                      const WriteContext &context = {});

    // Many campaigns in one transaction, batch by batch so memory stays bounded whatever the
    // count: a failure, or `progress(done, total)` returning false, leaves nothing written
    // (the value is then 0), and the change log shows the campaigns only once all are in.
    // `openBatches` is called at the start, and again when a dropped connection makes the
    // transaction start over. Emits campaignsChanged once, after the commit.
    StoreResult<qint64> insertAtomically(const std::function<CampaignBatches()> &openBatches, qint64 expectedTotal,
                                         const std::function<bool(qint64, qint64)> &progress = {},
                                         const WriteContext &context = {});
    // Removes the campaigns `pattern` picks, deleted ones included, with all their rules, in
    // one transaction; returns how many. Unlike remove() the rows go (the change log keeps
    // each as it was, and other instances follow it): for synthetic bulk data, which a soft
    // delete would leave in the table for good, its codes taken (the same run could not be
    // written again) and those already marked deleted not taken back at all.
    // `progress` returning false leaves nothing removed (the value is then 0).
    StoreResult<qint64> purgeByCode(const CodePattern &pattern, const std::function<bool(qint64, qint64)> &progress = {},
                                    const WriteContext &context = {});

Q_SIGNALS:
    // This store's own writes, emitted on the writing thread right after the commit. Changes
    // made by anyone else (another instance, psql) are read from the change log instead (see
    // ChangeFollower).
    void campaignsChanged(const adserve::StoreChange &change);

private:
    explicit CampaignStore(const DatabaseTarget &target);
    void announce(const QList<qint64> &campaignIds, const WriteReceipt &receipt);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace adserve

Q_DECLARE_METATYPE(adserve::StoreChange)
