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

ChangeFeed ChangeFeed::startingAt(const LogPage &head)
{
    ChangeFeed feed;
    feed.newestSeen_ = head.newestId;
    feed.watch_ = {head.snapshot.xmin, head.horizon, head.newestId};
    if (feed.watch_.active()) {
        for (const LogRow &row : head.rows)
            feed.watchSeen_.insert(row.id);
    }
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
            const Gap upper{id + 1, gap.to, gap.horizon};
            gap.to = id - 1;
            gaps_.insert(i + 1, upper);
        }
        return;
    }
}

void ChangeFeed::advance(const LogPage &page)
{
    const QList<Gap> asked = query().gaps;
    for (const LogRow &row : page.rows) {
        if (watch_.active() && row.id <= watch_.ceiling)
            watchSeen_.insert(row.id);
        if (row.id > newestSeen_) {
            // Everything between was handed out before this row: held by a writer running
            // when it was read, or rolled back.
            if (row.id > newestSeen_ + 1)
                gaps_.append({newestSeen_ + 1, row.id - 1, page.horizon});
            newestSeen_ = row.id;
        } else {
            fill(row.id);
        }
    }
    // With a full page, ids above its last row were not read: nothing there is known.
    const qint64 readThrough = page.full && !page.rows.isEmpty() ? page.rows.last().id
                                                                 : std::numeric_limits<qint64>::max();
    // A gap that can no longer fill, and that this read asked for, was rolled back.
    const auto wasAsked = [&](const Gap &gap) {
        return std::any_of(asked.cbegin(), asked.cend(), [&](const Gap &a) { return gap.from >= a.from && gap.to <= a.to; });
    };
    gaps_.removeIf([&](const Gap &gap) {
        return gap.to <= readThrough && gap.horizon <= page.snapshot.xmin && wasAsked(gap);
    });
    // The watched writers have all ended, and this read had their rows.
    if (watch_.active() && watch_.horizon <= page.snapshot.xmin) {
        watch_ = {};
        watchSeen_.clear();
    }
}

} // namespace adserve
