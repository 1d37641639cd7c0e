#include "TrafficCounter.h"

#include <QDateTime>
#include <QHash>

#include <ctime>
#include <unordered_map>

namespace adserve {

// A row's identity. The hash is computed once per request and serves both to pick the shard
// and as the row's hash in the shard's table.
struct TrafficCounter::Key
{
    size_t hash;
    qint64 hourStart;
    QString country;
    QString os;
    QString app;
};

// The same, borrowed from the caller's strings: looking a known row up copies nothing.
struct TrafficCounter::KeyView
{
    KeyView(qint64 hour, const QString &c, const QString &o, const QString &a)
        : hash(qHashMulti(0, hour, c, o, a))
        , hourStart(hour)
        , country(c)
        , os(o)
        , app(a)
    {
    }
    size_t hash;
    qint64 hourStart;
    const QString &country;
    const QString &os;
    const QString &app;

    Key toKey() const { return Key{hash, hourStart, country, os, app}; } // shares the strings' data
};

namespace {

struct KeyHash
{
    using is_transparent = void;
    template<typename K>
    size_t operator()(const K &key) const
    {
        return key.hash;
    }
};

struct KeyEqual
{
    using is_transparent = void;
    template<typename A, typename B>
    bool operator()(const A &a, const B &b) const
    {
        return a.hash == b.hash && a.hourStart == b.hourStart && a.app == b.app && a.os == b.os && a.country == b.country;
    }
};

constexpr quint64 kUsedMask = 0xffffffffu;

} // namespace

struct alignas(64) TrafficCounter::Shard
{
    std::mutex mutex;
    std::unordered_map<Key, qint64, KeyHash, KeyEqual> rows;
};

TrafficCounter::TrafficCounter(qint64 maxTriples)
    : maxTriples_(std::clamp<qint64>(maxTriples, 1, kUsedMask))
    , reserve_(foldReserve(maxTriples_))
    , shards_(std::make_unique<Shard[]>(kShards))
{
}

TrafficCounter::~TrafficCounter() = default;

namespace {

// The wall clock to the second, as cheaply as it comes: on every request, and an hour is long.
qint64 nowSecs()
{
#if defined(CLOCK_REALTIME_COARSE)
    timespec now;
    if (clock_gettime(CLOCK_REALTIME_COARSE, &now) == 0)
        return now.tv_sec;
#endif
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

void TrafficCounter::record(const TargetingQuery &query)
{
    record(query, hourOf(nowSecs()));
}

void TrafficCounter::record(const TargetingQuery &query, qint64 hourStart, qint64 requests)
{
    count(hourStart, query.value(Dimension::Country), query.value(Dimension::Os), query.value(Dimension::App), requests);
}

void TrafficCounter::count(qint64 hourStart, const QString &country, const QString &os, const QString &app,
                           qint64 requests)
{
    const QString &other = TrafficRow::kOther;
    if (add(KeyView(hourStart, country, os, app), requests, 0))
        return;
    if (add(KeyView(hourStart, country, os, other), requests, 1))
        return;
    if (add(KeyView(hourStart, country, other, other), requests, 2))
        return;
    add(KeyView(hourStart, other, other, other), requests, -1);
}

bool TrafficCounter::add(const KeyView &key, qint64 requests, int level)
{
    Shard &shard = shards_[(key.hash >> 40) % kShards];
    std::lock_guard lock(shard.mutex);
    if (const auto found = shard.rows.find(key); found != shard.rows.end()) {
        found->second += requests;
        return true;
    }
    if (level >= 0 && !claim(key.hourStart, level))
        return false;
    shard.rows.emplace(key.toKey(), requests);
    return true;
}

bool TrafficCounter::claim(qint64 hourStart, int level)
{
    const quint64 tag = quint64(hourStart / 3600) + 1; // 0: a slot no hour has used yet
    const quint64 limit = quint64(level == 0 ? maxTriples_ : reserve_);
    std::atomic<quint64> &word = budgets_[tag % kBudgetSlots].levels[size_t(level)];
    quint64 current = word.load(std::memory_order_relaxed);
    for (;;) {
        const quint64 slotTag = current >> 32;
        quint64 next;
        if (slotTag == tag) {
            if ((current & kUsedMask) >= limit)
                return false;
            next = current + 1;
        } else if (slotTag < tag) {
            next = (tag << 32) | 1; // the slot's hour is over: this hour starts afresh
        } else {
            return false; // a late request of an hour whose slot a newer hour took: fold further
        }
        if (word.compare_exchange_weak(current, next, std::memory_order_relaxed))
            return true;
    }
}

QList<TrafficRow> TrafficCounter::takeCounts()
{
    return takeCounts(hourOf(QDateTime::currentSecsSinceEpoch()));
}

QList<TrafficRow> TrafficCounter::takeCounts(qint64 nowHour)
{
    QList<TrafficRow> taken;
    for (int i = 0; i < kShards; ++i) {
        Shard &shard = shards_[i];
        std::lock_guard lock(shard.mutex);
        for (auto it = shard.rows.begin(); it != shard.rows.end();) {
            const Key &key = it->first;
            if (it->second > 0)
                taken.append(TrafficRow{key.hourStart, key.country, key.os, key.app, it->second});
            // The current hour's rows stay, at zero: their triples go on counting exactly.
            if (key.hourStart < nowHour) {
                it = shard.rows.erase(it);
            } else {
                it->second = 0;
                ++it;
            }
        }
    }
    return taken;
}

void TrafficCounter::foldHoursBefore(qint64 hourStart)
{
    const QString &other = TrafficRow::kOther;
    QHash<qint64, qint64> folded; // hour -> requests
    for (int i = 0; i < kShards; ++i) {
        Shard &shard = shards_[i];
        std::lock_guard lock(shard.mutex);
        for (auto it = shard.rows.begin(); it != shard.rows.end();) {
            const Key &key = it->first;
            if (key.hourStart < hourStart && !(key.app == other && key.os == other && key.country == other)) {
                folded[key.hourStart] += it->second;
                it = shard.rows.erase(it);
            } else {
                ++it;
            }
        }
    }
    // In transit meanwhile, not lost: a take that runs now finds them in the next.
    for (auto it = folded.cbegin(); it != folded.cend(); ++it)
        add(KeyView(it.key(), other, other, other), it.value(), -1);
}

qint64 TrafficCounter::rowCount() const
{
    qint64 rows = 0;
    for (int i = 0; i < kShards; ++i) {
        Shard &shard = shards_[i];
        std::lock_guard lock(shard.mutex);
        rows += qint64(shard.rows.size());
    }
    return rows;
}

} // namespace adserve
