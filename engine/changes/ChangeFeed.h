#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <limits>

namespace adserve {

// What a reader of the change log learns about the writers when it reads: PostgreSQL's
// snapshot (every transaction below xmin has ended; `inProgress` were still running; ids from
// xmax on had not started). SQLite serialises its writers, so there a read sees every
// committed change and nothing is in progress: all zero.
struct LogSnapshot
{
    qint64 xmin = 0;
    qint64 xmax = 0;
    QList<qint64> inProgress;

    bool isInProgress(qint64 txn) const { return txn >= xmax || inProgress.contains(txn); }
    // Parses PostgreSQL's text form "xmin:xmax:xip,xip,...".
    static LogSnapshot fromText(const QString &text);
};

// One row of the change log, as the feed needs it.
struct LogRow
{
    qint64 id = 0;
    qint64 txn = 0;
    qint64 campaignId = 0; // 0: the whole table (TRUNCATE)
    QDateTime at;
};

// What one read of the log returned: the rows ChangeFeed::query() asked for, ascending, with
// the snapshot they were read in. Rows above `after` and in gaps come at most `limit` at a
// time; rows of watched transactions come all at once (a finished transaction's rows are
// all visible at once, and are then read exactly once).
struct LogPage
{
    LogSnapshot snapshot;
    QList<LogRow> rows;
    bool full = false;      // `limit` rows above `after` or in gaps came back: more may be waiting
    qint64 newestId = 0;    // the newest id in the log (the head)
    qint64 prunedThrough = 0; // retention removed every id up to this one
};

// Where an instance stands in the change log, and what it must read next, so that no
// committed change is ever skipped.
//
// Ids come from a sequence when a row is written, not when it commits: a writer can take
// id 10, another id 11 and commit first. A reader that only asks for "id > the last one seen"
// would skip 10 for good. So the feed remembers the holes below the newest id it has seen
// and reads them again until they can no longer fill: a hole's id was handed out before the
// newer row around it, so whoever holds it was running when that row was read (its
// transaction is below that read's xmax). Once every such transaction has ended (a later
// read's xmin has passed that xmax), a hole still empty in that read is final: rolled back.
//
// Started at the log's head, the feed also watches the transactions that were running then
// (they may hold ids below the head) until they have ended.
class ChangeFeed
{
public:
    struct Gap
    {
        qint64 from = 0;    // inclusive
        qint64 to = 0;      // inclusive
        qint64 horizon = 0; // final once a read's xmin reaches this
        bool operator==(const Gap &) const = default;
    };

    ChangeFeed() = default;
    // A feed that takes everything up to `newestId` as applied (the caller reads the whole
    // store after this), watching the transactions `snapshot` says were running.
    static ChangeFeed startingAt(qint64 newestId, const LogSnapshot &snapshot);

    // Every change up to this id is applied or will never exist.
    qint64 appliedThrough() const { return gaps_.isEmpty() ? newestSeen_ : gaps_.first().from - 1; }
    // appliedThrough() is exact: no transaction from before the start is still being watched.
    bool settled() const { return watched_.isEmpty(); }
    qint64 newestSeen() const { return newestSeen_; }
    const QList<Gap> &gaps() const { return gaps_; }
    const QList<qint64> &watchedTxns() const { return watched_; }

    // What the next read asks for: rows above newestSeen() or in a gap (paged), and every
    // row of a watched transaction.
    struct Query
    {
        qint64 after = 0;
        QList<Gap> gaps;
        QList<qint64> txns;
    };
    Query query() const;
    // The feed after `page`, read as query() asked, has been applied.
    void advance(const LogPage &page);

    // More holes than this are merged (their ids read again: applying twice is harmless).
    static constexpr qsizetype kMaxGaps = 64;

private:
    void fill(qint64 id);
    void mergeGapsOverLimit();

    qint64 newestSeen_ = 0;
    QList<Gap> gaps_;       // ascending, disjoint, all above appliedThrough()
    QList<qint64> watched_; // transactions running at the start
};

} // namespace adserve
