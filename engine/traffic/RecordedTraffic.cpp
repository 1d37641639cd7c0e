#include "RecordedTraffic.h"

#include <QHash>
#include <QTimeZone>

#include <algorithm>
#include <numeric>

namespace adserve {

namespace {

constexpr qint64 kSecondsPerDay = 86400;

qint64 dayOf(qint64 hourStart)
{
    // Floor division: an hour before the epoch belongs to the day before it.
    return hourStart >= 0 ? hourStart / kSecondsPerDay : -((-hourStart + kSecondsPerDay - 1) / kSecondsPerDay);
}

// Numbers the distinct values of one dimension. Rows repeat one value many times in a row
// (a store reads them ordered), so the last one is checked before the hash.
class ValueNumbers
{
public:
    int numberOf(const QString &raw)
    {
        if (last_ >= 0 && raw == lastRaw_)
            return last_;
        auto it = byRaw_.constFind(raw);
        if (it == byRaw_.cend()) {
            const QString value = raw == TrafficRow::kOther ? raw : normalizeValue(raw);
            auto known = byValue_.constFind(value);
            if (known == byValue_.cend()) {
                known = byValue_.insert(value, int(values_.size()));
                values_.append(value);
            }
            it = byRaw_.insert(raw, known.value());
        }
        lastRaw_ = raw;
        last_ = it.value();
        return last_;
    }
    const QStringList &values() const { return values_; }

private:
    QHash<QString, int> byRaw_, byValue_;
    QStringList values_;
    QString lastRaw_;
    int last_ = -1;
};

struct TripleKey
{
    std::array<int, kDimensionCount> values;
    bool operator==(const TripleKey &) const = default;
};

size_t qHash(const TripleKey &key, size_t seed = 0)
{
    return qHashMulti(seed, key.values[0], key.values[1], key.values[2]);
}

} // namespace

RecordedTraffic RecordedTraffic::from(const QList<TrafficRow> &rows)
{
    RecordedTraffic traffic;
    const auto counted = [](const TrafficRow &row) {
        return row.requests > 0 && row.hourStart >= 0 && row.hourStart <= kLatestHour;
    };
    qint64 firstDay = std::numeric_limits<qint64>::max(), lastDay = std::numeric_limits<qint64>::min();
    qint64 total = 0;
    for (const TrafficRow &row : rows) {
        if (!counted(row))
            continue;
        firstDay = std::min(firstDay, dayOf(row.hourStart));
        lastDay = std::max(lastDay, dayOf(row.hourStart));
        if (row.requests > std::numeric_limits<qint64>::max() - total) {
            traffic.error_ = QStringLiteral("The recorded requests add up to more than can be counted.");
            return traffic;
        }
        total += row.requests;
    }
    if (firstDay > lastDay) {
        traffic.skipped_ = rows.size();
        return traffic;
    }
    if (lastDay - firstDay + 1 > kMaxDays) {
        traffic.error_ = QStringLiteral("The recorded hours span %1 days; forecast a window of at most %2 days.")
                             .arg(lastDay - firstDay + 1)
                             .arg(kMaxDays);
        return traffic;
    }
    const QDate first = QDateTime::fromSecsSinceEpoch(firstDay * kSecondsPerDay, QTimeZone::utc()).date();
    for (qint64 day = firstDay; day <= lastDay; ++day)
        traffic.days_.append(first.addDays(day - firstDay));
    traffic.requestsByDay_.assign(size_t(traffic.days_.size()), 0);

    // Each row's triple and day, numbered as met; then sorted into triple order at once.
    struct Entry
    {
        int triple = 0;
        int day = 0;
        qint64 requests = 0;
    };
    std::array<ValueNumbers, kDimensionCount> numbers;
    QHash<TripleKey, int> tripleNumbers;
    std::vector<TripleKey> keys;
    std::vector<Entry> entries;
    entries.reserve(size_t(rows.size()));
    TripleKey lastKey{{-1, -1, -1}};
    int lastTriple = -1;
    for (const TrafficRow &row : rows) {
        if (!counted(row)) {
            ++traffic.skipped_;
            continue;
        }
        const TripleKey key{{numbers[0].numberOf(row.country), numbers[1].numberOf(row.os), numbers[2].numberOf(row.app)}};
        if (!(key == lastKey)) {
            auto it = tripleNumbers.constFind(key);
            if (it == tripleNumbers.cend()) {
                it = tripleNumbers.insert(key, int(keys.size()));
                keys.push_back(key);
            }
            lastKey = key;
            lastTriple = it.value();
        }
        const int day = int(dayOf(row.hourStart) - firstDay);
        entries.push_back({lastTriple, day, row.requests});
        traffic.requestsByDay_[size_t(day)] += row.requests;
        traffic.total_ += row.requests;
    }

    for (int d = 0; d < kDimensionCount; ++d) {
        traffic.values_[size_t(d)] = numbers[size_t(d)].values();
        traffic.other_[size_t(d)] = int(traffic.values_[size_t(d)].indexOf(TrafficRow::kOther));
    }
    // Triples in value order; each one's entries gathered after it (a counting sort).
    std::vector<int> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&keys](int a, int b) { return keys[size_t(a)].values < keys[size_t(b)].values; });
    std::vector<int> place(keys.size());
    for (size_t i = 0; i < order.size(); ++i)
        place[size_t(order[i])] = int(i);
    std::vector<size_t> starts(keys.size() + 1, 0);
    for (const Entry &entry : entries)
        ++starts[size_t(place[size_t(entry.triple)]) + 1];
    std::partial_sum(starts.begin(), starts.end(), starts.begin());
    std::vector<Entry> sorted(entries.size());
    {
        std::vector<size_t> next(starts.begin(), starts.end() - 1);
        for (const Entry &entry : entries)
            sorted[next[size_t(place[size_t(entry.triple)])]++] = entry;
    }
    std::vector<Entry>().swap(entries);

    traffic.triples_.reserve(keys.size());
    traffic.dayRequests_.reserve(sorted.size());
    for (size_t i = 0; i < order.size(); ++i) {
        const auto begin = sorted.begin() + qsizetype(starts[i]), end = sorted.begin() + qsizetype(starts[i + 1]);
        std::sort(begin, end, [](const Entry &a, const Entry &b) { return a.day < b.day; });
        Triple triple{keys[size_t(order[i])].values, 0, quint32(traffic.dayRequests_.size()), 0};
        for (auto it = begin; it != end; ++it) {
            if (traffic.dayRequests_.size() > triple.firstDay && traffic.dayRequests_.back().day == it->day)
                traffic.dayRequests_.back().requests += it->requests;
            else
                traffic.dayRequests_.push_back({it->day, it->requests});
            triple.requests += it->requests;
        }
        triple.dayCount = quint32(traffic.dayRequests_.size() - triple.firstDay);
        traffic.triples_.push_back(triple);
    }
    return traffic;
}

std::vector<RecordedTraffic::Group> RecordedTraffic::groups() const
{
    std::vector<Group> groups;
    for (size_t first = 0; first < triples_.size();) {
        size_t end = first + 1;
        while (end < triples_.size() && triples_[end].sameGroup(triples_[first]))
            ++end;
        groups.push_back({first, end});
        first = end;
    }
    return groups;
}

} // namespace adserve
