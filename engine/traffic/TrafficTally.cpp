#include "TrafficTally.h"

#include <algorithm>
#include <tuple>

namespace adserve {

void TrafficTally::add(const TrafficRow &row)
{
    rows_[Key{row.hourStart, row.country, row.os, row.app}] += row.requests;
    requests_ += row.requests;
}

void TrafficTally::add(const QList<TrafficRow> &rows)
{
    for (const TrafficRow &row : rows)
        add(row);
}

QList<TrafficRow> TrafficTally::rows() const
{
    QList<TrafficRow> list;
    list.reserve(rows_.size());
    for (auto it = rows_.cbegin(); it != rows_.cend(); ++it)
        list.append(TrafficRow{it.key().hourStart, it.key().country, it.key().os, it.key().app, it.value()});
    std::sort(list.begin(), list.end(), [](const TrafficRow &a, const TrafficRow &b) {
        return std::tie(a.hourStart, a.country, a.os, a.app) < std::tie(b.hourStart, b.country, b.os, b.app);
    });
    return list;
}

} // namespace adserve
