#pragma once

#include "ChangeFeed.h"
#include "ChangeSettings.h"
#include "store/StoreResult.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <chrono>
#include <functional>
#include <limits>

namespace adserve {

class SqlSession;
class StoreSessions;

// One row of the change log: a row of campaigns or target_rules written by someone.
struct ChangeEntry
{
    qint64 id = 0;
    qint64 txn = 0;        // the writing transaction (0: unknown, a writer other than adserve on SQLite)
    QDateTime at;
    QString actor;
    QString note;
    qint64 campaignId = 0; // 0: the whole table (TRUNCATE)
    QString entity;        // "campaign" or "rule"
    QString op;            // "insert", "update", "delete", "truncate"
    qint64 rowId = 0;
    QJsonObject before;    // the row before (empty when it did not exist)
    QJsonObject after;     // and after (empty when it no longer exists)

    // Entries of one change (one transaction, one campaign) share this.
    qint64 groupKey() const { return txn != 0 ? txn : -id; }
};

// Reads the change log the schema's triggers write (adserve_changes), and prunes it.
// Thread-safe, like the store whose connections it uses.
class ChangeLog
{
public:
    explicit ChangeLog(StoreSessions &sessions) : sessions_(sessions) {}

    // The log's head: its newest id, and the transactions writing to the log right after it
    // was read (no rows): where a ChangeFeed starts.
    StoreResult<LogPage> head() const;
    // What `feed` asks for next, ascending, at most `limit` rows (a watch's all), in one
    // snapshot, with the transactions writing to the log before it (and after it, when the
    // rows open gaps in the feed).
    StoreResult<LogPage> read(const ChangeFeed &feed, int limit) const;

    // Entries after `afterId` and up to `throughId`, ascending, at most `limit`; of one
    // campaign when given.
    StoreResult<QList<ChangeEntry>> entries(qint64 afterId, int limit, qint64 campaignId = 0,
                                            qint64 throughId = std::numeric_limits<qint64>::max()) const;
    // One campaign's newest `limit` changes (whole transactions) below change id `beforeId`
    // (0: from the newest), entries newest first.
    StoreResult<QList<ChangeEntry>> campaignChanges(qint64 campaignId, qint64 beforeId, int limit) const;
    StoreResult<qint64> newestId() const;

    // Within a transaction of the caller's: the campaign's entries after `afterId`, and any
    // TRUNCATE since, ascending.
    static QList<ChangeEntry> entriesAfter(SqlSession &session, qint64 campaignId, qint64 afterId);
    // Whether entry `changeId` is in the log as a change of the campaign.
    static bool hasEntry(SqlSession &session, qint64 campaignId, qint64 changeId);

    // Removes changes older than the retention's age that are not among the newest
    // keepPerCampaign of their campaign, in short transactions while `keepGoing` says so;
    // returns how many entries went. On PostgreSQL one instance at a time: another that
    // finds it pruning returns 0 at once.
    StoreResult<qint64> prune(const ChangeRetention &retention, const std::function<bool()> &keepGoing = {}) const;

private:
    StoreResult<qint64> pruneLocked(const ChangeRetention &retention, const std::function<bool()> &keepGoing) const;

    StoreSessions &sessions_;
};

} // namespace adserve
