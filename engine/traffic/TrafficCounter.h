#pragma once

#include "TrafficRow.h"
#include "targeting/TargetingQuery.h"

#include <QList>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>

namespace adserve {

// Counts delivery requests per UTC hour and (country, OS, app), in bounded memory, from many
// server threads at once.
//
// Each hour holds at most `maxTriples` exact rows. Once they are taken, a new triple folds
// into (country, os, OTHER); when that row cannot be made either, into (country, OTHER,
// OTHER); then into (OTHER, OTHER, OTHER). The two folded levels have a reserve of
// foldReserve(maxTriples) rows each, the last is one row: an hour holds at most
// rowBound(maxTriples) = maxTriples + 2 * foldReserve(maxTriples) + 1 rows. A triple with a row
// counts exactly for the rest of the hour (takeCounts() zeroes rows of the current hour
// instead of dropping them), so the heavy hitters stay exact; every request lands in exactly
// one row, so the hour's total is always exact.
//
// Memory: a row is a hash node of ~130 bytes plus its three values (QString, at most
// DeliveryParams::kMaxParamLength = 256 characters each): 269 bytes with values of ~10
// characters (measured, bench_traffic), at most ~1.8 KB. Two hours are live around an hour's
// turn, so with the default 100,000 triples the counter holds at most 2 x 106,251 rows:
// ~57 MB typical, ~380 MB were every value 256 characters long. While the store is down
// nothing is taken: the recorder keeps kDetailedHours (6) hours in detail (~29 MB an hour
// typical) and folds older ones (foldHoursBefore) to one row each.
//
// record() locks one of kShards mutexes (chosen by the triple's hash) for a hash lookup and
// an increment; a known triple allocates nothing. A new one claims a slot of its hour's
// budget with a compare-and-swap.
class TrafficCounter
{
public:
    static constexpr qint64 kDefaultMaxTriples = 100'000;
    static constexpr int kShards = 32;
    static constexpr int kDetailedHours = 6;

    explicit TrafficCounter(qint64 maxTriples = kDefaultMaxTriples);
    ~TrafficCounter();
    TrafficCounter(const TrafficCounter &) = delete;
    TrafficCounter &operator=(const TrafficCounter &) = delete;

    static qint64 foldReserve(qint64 maxTriples) { return std::max<qint64>(maxTriples / 32, 4); }
    static qint64 rowBound(qint64 maxTriples) { return maxTriples + 2 * foldReserve(maxTriples) + 1; }
    static qint64 hourOf(qint64 secondsSinceEpoch) { return secondsSinceEpoch - secondsSinceEpoch % 3600; }

    // Counts one request of now's hour; `query` is normalised (TargetingQuery::from).
    void record(const TargetingQuery &query);
    // The same for the hour starting at `hourStart` (a multiple of 3600).
    void record(const TargetingQuery &query, qint64 hourStart, qint64 requests = 1);

    // Everything counted since the last take, one row per hour and triple with requests > 0.
    // Rows of earlier hours than `nowHour` are dropped, those of `nowHour` kept at zero.
    QList<TrafficRow> takeCounts();
    QList<TrafficRow> takeCounts(qint64 nowHour);
    // Counts the rows of hours before `hourStart` in their hour's (OTHER, OTHER, OTHER) row: while
    // the store cannot take them, old hours cost one row each.
    void foldHoursBefore(qint64 hourStart);

    qint64 maxTriples() const { return maxTriples_; }
    // Rows held now (for tests and /metrics).
    qint64 rowCount() const;

private:
    struct Shard;
    struct Key;
    struct KeyView;
    // Rows each fold level of an hour may still make: hour index and rows used in one word, so
    // a new hour resets the budget and a claim is one compare-and-swap.
    struct HourBudget
    {
        std::array<std::atomic<quint64>, 3> levels{}; // exact, (country, os), (country)
    };
    static constexpr int kBudgetSlots = 8;

    // Adds `requests` to the row of `key` if it exists, or makes it when `level` of the hour's
    // budget allows (level < 0: always). Returns whether the requests were counted.
    bool add(const KeyView &key, qint64 requests, int level);
    bool claim(qint64 hourStart, int level);
    void count(qint64 hourStart, const QString &country, const QString &os, const QString &app, qint64 requests);

    const qint64 maxTriples_;
    const qint64 reserve_;
    std::array<HourBudget, kBudgetSlots> budgets_;
    std::unique_ptr<Shard[]> shards_;
};

} // namespace adserve
