#pragma once

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <limits>

namespace adserve {

// What a reader of the change log learns about the writers when it reads: PostgreSQL's
// snapshot. Every transaction below xmin has ended; those in `inProgress` had not, nor had
// any from xmax on (xmax is one past the newest transaction that had *ended*: a transaction
// with a higher id may well be running). SQLite serialises its writers, so there a read sees
// every committed change and nothing is in progress: all zero.
struct LogSnapshot
{
    qint64 xmin = 0;
    qint64 xmax = 0;
    QList<qint64> inProgress;

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
// time (`full` when the limit was reached); a watch's rows come all at once.
struct LogPage
{
    LogSnapshot snapshot;
    QList<LogRow> rows;
    bool full = false;
    qint64 newestId = 0;      // the newest id in the log (the head)
    qint64 prunedThrough = 0; // retention removed every id up to this one
    // A transaction id handed out after the snapshot was taken: every writer that was running
    // then has a lower one. Read only when the page opens new gaps (PostgreSQL; 0 on SQLite).
    qint64 horizon = 0;
};

// Where an instance stands in the change log, and what it must read next, so that no
// committed change is ever skipped.
//
// Ids come from a sequence when a row is written, not when it commits: a writer can take
// id 10, another id 11 and commit first. A reader that only asks for "id > the last one seen"
// would skip 10 for good. So the feed remembers the holes below the newest id it has seen
// and reads them again until they can no longer fill. A hole's id was taken before the row
// above it, so whoever holds it was running when that row was read, and has a lower
// transaction id than one handed out right after that read (the hole's horizon). Once a later
// read's xmin has reached the horizon, every such writer has ended: a hole still empty in that
// read was rolled back.
//
// Started at the log's head, the feed also watches, up to the head, the rows of transactions
// that may have been running then (from the snapshot's xmin up to a horizon), until they have
// all ended.
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
    // Rows up to `ceiling` of transactions from `fromTxn` up to (not including) `horizon`.
    struct Watch
    {
        qint64 fromTxn = 0;
        qint64 horizon = 0;
        qint64 ceiling = 0;
        bool active() const { return horizon > fromTxn; }
    };

    ChangeFeed() = default;
    // A feed that takes everything up to the head as applied (the caller reads the whole store
    // after this), watching the writers that may have been running at the head's snapshot
    // (from its xmin to its horizon). `head.rows`: the watched rows already visible then, which
    // it does not deliver again (ChangeLog::head).
    static ChangeFeed startingAt(const LogPage &head);

    // Every change up to this id is applied or will never exist.
    qint64 appliedThrough() const { return gaps_.isEmpty() ? newestSeen_ : gaps_.first().from - 1; }
    // appliedThrough() is exact: no writer from before the start is still being watched.
    bool settled() const { return !watch_.active(); }
    qint64 newestSeen() const { return newestSeen_; }
    const QList<Gap> &gaps() const { return gaps_; }

    // What the next read asks for: rows above newestSeen() or in one of the first kGapsPerRead
    // gaps (paged), and the watch's rows.
    struct Query
    {
        qint64 after = 0;
        QList<Gap> gaps;
        Watch watch;
    };
    Query query() const { return {newestSeen_, gaps_.mid(0, kGapsPerRead), watch_}; }
    // Whether `page` shows holes not known yet: then it needs a horizon before advance().
    bool opensGaps(const LogPage &page) const;
    // The rows of `page` not delivered before (a watch's rows come again until it ends).
    QList<LogRow> unseen(const LogPage &page) const;
    // The feed after `page`, read as query() asked, has been applied.
    void advance(const LogPage &page);

    // Gaps asked for in one read: more wait for the next ones (rarely: each is a writer that
    // was running, or rolled back, while the log was read).
    static constexpr qsizetype kGapsPerRead = 64;

private:
    void fill(qint64 id);

    qint64 newestSeen_ = 0;
    QList<Gap> gaps_; // ascending, disjoint, all above appliedThrough()
    Watch watch_;
    QSet<qint64> watchSeen_; // the watch's rows delivered so far
};

} // namespace adserve
