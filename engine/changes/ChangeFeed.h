#pragma once

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

namespace adserve {

// One row of the change log, as the feed needs it.
struct LogRow
{
    qint64 id = 0;
    qint64 txn = 0;
    qint64 campaignId = 0; // 0: none (a TRUNCATE, or a rule without a campaign)
    QDateTime at;
    bool truncate = false; // the whole table was emptied
};

// The transactions writing to the change log at one moment (PostgreSQL: those holding its
// row-exclusive lock; SQLite serialises writers, so none is ever seen).
using LogWriters = QSet<qint64>;

// What one read of the log returned: the rows ChangeFeed::query() asked for, ascending. Rows
// above `after` and in gaps come at most `limit` at a time (`full` when the limit was
// reached); a watch's rows come all at once.
struct LogPage
{
    QList<LogRow> rows;
    bool full = false;
    qint64 newestId = 0;      // the newest id in the log (the head)
    qint64 prunedThrough = 0; // retention removed every id up to this one
    LogWriters writersBefore; // writing to the log just before the rows were read
    LogWriters writersAfter;  // writing just after: read when the rows open gaps (and at the head)
};

// Where an instance stands in the change log, and what it must read next, so that no
// committed change is ever skipped, and none delivered twice.
//
// Ids come from a sequence when a row is written, not when it commits: a writer can take
// id 10, another id 11 and commit first. A reader that only asks for "id > the last one seen"
// would skip 10 for good. So the feed remembers the holes below the newest id it has seen
// and reads them again until they can no longer fill. A writer takes the log's lock before
// its id, and keeps it until it ends; so whoever holds a hole's id was still writing when the
// read that found the hole had ended, and is among the writers seen just after it (the
// hole's holders). A holder that had ended before a later read began had all its rows in
// that read: once every holder has, a hole still empty was rolled back. An unrelated long
// transaction holds nothing up.
//
// Started at the log's head, the feed also watches the writers that were writing then: their
// rows may take ids below the head. It reads them until each has ended.
class ChangeFeed
{
public:
    struct Gap
    {
        qint64 from = 0; // inclusive
        qint64 to = 0;   // inclusive
        LogWriters holders;
        bool operator==(const Gap &) const = default;
    };
    // Rows up to `ceiling` of the writers `holders`.
    struct Watch
    {
        qint64 ceiling = 0;
        LogWriters holders;
        bool active() const { return !holders.isEmpty(); }
    };

    ChangeFeed() = default;
    // A feed that takes everything up to the head as applied (the caller reads the whole store
    // after this), watching the writers of then (`head.writersAfter`).
    static ChangeFeed startingAt(const LogPage &head);

    // Every change up to this id is applied or will never exist.
    qint64 appliedThrough() const { return gaps_.isEmpty() ? newestSeen_ : gaps_.first().from - 1; }
    // appliedThrough() is exact: no writer from before the start is still being watched.
    bool settled() const { return !watch_.active(); }
    qint64 newestSeen() const { return newestSeen_; }
    const QList<Gap> &gaps() const { return gaps_; }

    // What the next read asks for: rows above newestSeen() or in a gap (paged), and the
    // watch's rows.
    struct Query
    {
        qint64 after = 0;
        QList<Gap> gaps;
        Watch watch;
    };
    Query query() const { return {newestSeen_, gaps_, watch_}; }
    // Whether `page` shows holes not known yet: then it needs writersAfter before advance().
    bool opensGaps(const LogPage &page) const;
    // The rows of `page` not delivered before (a watched writer's rows can come twice).
    QList<LogRow> unseen(const LogPage &page) const;
    // The feed after `page`, read as query() asked, has been applied.
    void advance(const LogPage &page);

private:
    void fill(qint64 id);

    qint64 newestSeen_ = 0;
    QList<Gap> gaps_; // ascending, disjoint, all above appliedThrough()
    Watch watch_;
    QSet<qint64> watchSeen_; // the watched writers' rows delivered so far
};

} // namespace adserve
