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
    qint64 firstDay = std::numeric_limits<qint64>::max(), lastDay = std::numeric_limits<qint64>::min();
    for (const TrafficRow &row : rows) {
        if (row.requests > 0) {
            firstDay = std::min(firstDay, dayOf(row.hourStart));
            lastDay = std::max(lastDay, dayOf(row.hourStart));
        }
    }
    if (firstDay > lastDay) {
        traffic.skipped_ = rows.size();
        return traffic;
    }
    const QDate first = QDateTime::fromSecsSinceEpoch(firstDay * kSecondsPerDay, QTimeZone::utc()).date();
    for (qint64 day = firstDay; day <= lastDay; ++day)
        traffic.days_.append(first.addDays(day - firstDay));
    traffic.requestsByDay_.assign(size_t(traffic.days_.size()), 0);

    // Per triple its requests per day, in the order rows bring them (mostly day by day).
    std::array<ValueNumbers, kDimensionCount> numbers;
    QHash<TripleKey, int> tripleNumbers;
    std::vector<TripleKey> keys;
    std::vector<std::vector<DayRequests>> perDay;
    for (const TrafficRow &row : rows) {
        if (row.requests <= 0) {
            ++traffic.skipped_;
            continue;
        }
        const TripleKey key{{numbers[0].numberOf(row.country), numbers[1].numberOf(row.os), numbers[2].numberOf(row.app)}};
        auto it = tripleNumbers.constFind(key);
        if (it == tripleNumbers.cend()) {
            it = tripleNumbers.insert(key, int(keys.size()));
            keys.push_back(key);
            perDay.emplace_back();
        }
        const int day = int(dayOf(row.hourStart) - firstDay);
        std::vector<DayRequests> &days = perDay[size_t(it.value())];
        auto slot = std::find_if(days.rbegin(), days.rend(), [day](const DayRequests &d) { return d.day == day; });
        if (slot == days.rend())
            days.push_back({day, row.requests});
        else
            slot->requests += row.requests;
        traffic.requestsByDay_[size_t(day)] += row.requests;
        traffic.total_ += row.requests;
    }

    for (int d = 0; d < kDimensionCount; ++d) {
        traffic.values_[size_t(d)] = numbers[size_t(d)].values();
        traffic.other_[size_t(d)] = int(traffic.values_[size_t(d)].indexOf(TrafficRow::kOther));
    }
    std::vector<int> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&keys](int a, int b) { return keys[size_t(a)].values < keys[size_t(b)].values; });
    traffic.triples_.reserve(keys.size());
    for (int number : order) {
        std::vector<DayRequests> &days = perDay[size_t(number)];
        std::sort(days.begin(), days.end(), [](const DayRequests &a, const DayRequests &b) { return a.day < b.day; });
        Triple triple{keys[size_t(number)].values, 0, quint32(traffic.dayRequests_.size()), quint32(days.size())};
        for (const DayRequests &day : days)
            triple.requests += day.requests;
        traffic.dayRequests_.insert(traffic.dayRequests_.end(), days.begin(), days.end());
        traffic.triples_.push_back(triple);
        std::vector<DayRequests>().swap(days);
    }
    return traffic;
}

} // namespace adserve
