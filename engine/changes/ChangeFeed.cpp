#include "ChangeFeed.h"

#include <algorithm>
#include <limits>

namespace adserve {

namespace {

// Drops the writers that had ended before the read began.
void forgetEnded(LogWriters &holders, const LogWriters &writing)
{
    holders.removeIf([&](qint64 txn) { return !writing.contains(txn); });
}

} // namespace

ChangeFeed ChangeFeed::startingAt(const LogPage &head)
{
    ChangeFeed feed;
    feed.newestSeen_ = head.newestId;
    feed.watch_ = {head.newestId, head.writersAfter};
    return feed;
}

bool ChangeFeed::opensGaps(const LogPage &page) const
{
    qint64 newest = newestSeen_;
    for (const LogRow &row : page.rows) {
        if (row.id > newest + 1)
            return true;
        newest = std::max(newest, row.id);
    }
    return false;
}

QList<LogRow> ChangeFeed::unseen(const LogPage &page) const
{
    QList<LogRow> rows = page.rows;
    rows.removeIf([&](const LogRow &row) { return watchSeen_.contains(row.id); });
    return rows;
}

void ChangeFeed::fill(qint64 id)
{
    for (qsizetype i = 0; i < gaps_.size(); ++i) {
        Gap &gap = gaps_[i];
        if (id < gap.from || id > gap.to)
            continue;
        if (gap.from == gap.to) {
            gaps_.removeAt(i);
        } else if (id == gap.from) {
            ++gap.from;
        } else if (id == gap.to) {
            --gap.to;
        } else {
            const Gap upper{id + 1, gap.to, gap.holders};
            gap.to = id - 1;
            gaps_.insert(i + 1, upper);
        }
        return;
    }
}

void ChangeFeed::advance(const LogPage &page)
{
    QList<Gap> opened; // kept apart until the gaps this read asked for are settled
    for (const LogRow &row : page.rows) {
        if (watch_.active() && row.id <= watch_.ceiling)
            watchSeen_.insert(row.id);
        if (row.id > newestSeen_) {
            // Everything between was handed out before this row: held by a writer still
            // writing when the read ended, or rolled back.
            if (row.id > newestSeen_ + 1)
                opened.append({newestSeen_ + 1, row.id - 1, page.writersAfter});
            newestSeen_ = row.id;
        } else {
            fill(row.id);
        }
    }
    // A gap the read asked for, below where a full page stopped, had every row of its ended
    // holders in it; one without holders left can no longer fill. Gaps opened by this read
    // wait for the next.
    const qint64 readThrough = page.full && !page.rows.isEmpty() ? page.rows.last().id
                                                                 : std::numeric_limits<qint64>::max();
    for (Gap &gap : gaps_) {
        if (gap.to <= readThrough)
            forgetEnded(gap.holders, page.writersBefore);
    }
    gaps_.removeIf([&](const Gap &gap) { return gap.holders.isEmpty() && gap.to <= readThrough; });
    gaps_ += opened;
    // A watched writer that had ended before the read had all its rows in it (they come whole).
    forgetEnded(watch_.holders, page.writersBefore);
    if (!watch_.active())
        watchSeen_.clear();
}

} // namespace adserve
