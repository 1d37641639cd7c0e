#pragma once

#include <QList>

#include <limits>

namespace adserve {

// Campaign ids from `first` to `last`, both included: a part of a store to read on its own.
struct IdRange
{
    qint64 first = std::numeric_limits<qint64>::min();
    qint64 last = std::numeric_limits<qint64>::max();

    bool isAll() const { return *this == IdRange{}; }
    // At most `parts` ranges of about equal width (never empty) that cover this one, in order.
    QList<IdRange> split(int parts) const
    {
        const quint64 span = quint64(last) - quint64(first); // unsigned: no overflow at qint64's ends
        const quint64 count = qMax<quint64>(1, qMin<quint64>(quint64(qMax(parts, 1)), span));
        const quint64 step = span / count;
        QList<IdRange> ranges;
        for (quint64 i = 0; i < count; ++i) {
            const qint64 begin = qint64(quint64(first) + i * step);
            ranges.append({begin, i + 1 == count ? last : qint64(quint64(begin) + step - 1)});
        }
        return ranges;
    }
    friend bool operator==(const IdRange &, const IdRange &) = default;
};

} // namespace adserve
