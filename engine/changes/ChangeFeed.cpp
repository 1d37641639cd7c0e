#include "ChangeFeed.h"

#include <QStringList>

#include <algorithm>

namespace adserve {

LogSnapshot LogSnapshot::fromText(const QString &text)
{
    LogSnapshot snapshot;
    const QStringList parts = text.split(u':');
    if (parts.size() < 2)
        return snapshot;
    snapshot.xmin = parts.at(0).toLongLong();
    snapshot.xmax = parts.at(1).toLongLong();
    if (parts.size() > 2) {
        for (const QString &txn : parts.at(2).split(u',', Qt::SkipEmptyParts))
            snapshot.inProgress.append(txn.toLongLong());
    }
    return snapshot;
}

ChangeFeed ChangeFeed::startingAt(qint64 newestId, const LogSnapshot &snapshot)
{
    ChangeFeed feed;
    feed.newestSeen_ = newestId;
    feed.watched_ = snapshot.inProgress;
    return feed;
}

ChangeFeed::Query ChangeFeed::query() const
{
    return {newestSeen_, gaps_, watched_};
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
            const Gap upper{id + 1, gap.to, gap.horizon};
            gap.to = id - 1;
            gaps_.insert(i + 1, upper);
        }
        return;
    }
}

void ChangeFeed::advance(const LogPage &page)
{
    for (const LogRow &row : page.rows) {
        if (row.id > newestSeen_) {
            // Everything between was handed out before this row: held by a writer running
            // when it was read, or rolled back.
            if (row.id > newestSeen_ + 1)
                gaps_.append({newestSeen_ + 1, row.id - 1, page.snapshot.xmax});
            newestSeen_ = row.id;
        } else {
            fill(row.id);
        }
    }
    // With a full page, ids above its last row were not read: nothing there is known.
    const qint64 readThrough = page.full && !page.rows.isEmpty() ? page.rows.last().id
                                                                 : std::numeric_limits<qint64>::max();
    gaps_.removeIf([&](const Gap &gap) { return gap.to <= readThrough && gap.horizon <= page.snapshot.xmin; });
    // A watched transaction that has ended had all its rows in this read.
    watched_.removeIf([&](qint64 txn) { return !page.snapshot.isInProgress(txn); });
    mergeGapsOverLimit();
}

void ChangeFeed::mergeGapsOverLimit()
{
    while (gaps_.size() > kMaxGaps) {
        // Merge the two neighbours closest together: the fewest ids read twice.
        qsizetype best = 0;
        for (qsizetype i = 1; i + 1 < gaps_.size(); ++i) {
            if (gaps_[i + 1].from - gaps_[i].to < gaps_[best + 1].from - gaps_[best].to)
                best = i;
        }
        gaps_[best].to = gaps_[best + 1].to;
        gaps_[best].horizon = std::max(gaps_[best].horizon, gaps_[best + 1].horizon);
        gaps_.removeAt(best + 1);
    }
}

} // namespace adserve
