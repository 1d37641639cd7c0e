#pragma once

#include "TrafficRow.h"
#include "store/StoreResult.h"

#include <QList>
#include <QPair>

#include <array>

namespace adserve {

class StoreSessions;

// What the stored traffic of a time range adds up to.
struct TrafficTotals
{
    qint64 requests = 0;
    qint64 triples = 0; // distinct (country, os, app) with requests in the range
    QList<QPair<qint64, qint64>> perDay; // UTC day start (seconds since the epoch), requests; oldest first
    // Per dimension (Dimension's order): the values with the most requests, most first.
    std::array<QList<QPair<QString, qint64>>, 3> top;
};

// The store's traffic table (adserve_traffic): requests per UTC hour and normalised
// (country, os, app), merged by adding, so every instance adds what it counted and the table
// holds the sum. Not in the change log: it is not targeting. Thread-safe (each calling
// thread uses its own connection).
class TrafficTable
{
public:
    static constexpr int kDefaultTop = 20;

    explicit TrafficTable(StoreSessions &sessions);

    // Adds `rows` in one transaction: a row already stored gets the requests added. Returns
    // the requests added. All or nothing. With a `batchId`, a batch already stored is not
    // added again (0): a flush retried after a commit whose answer was lost counts once.
    StoreResult<qint64> add(const QList<TrafficRow> &rows, const QString &batchId = {});
    // The rows of the hours [fromHour, toHour), by hour, country, os, app.
    StoreResult<QList<TrafficRow>> read(qint64 fromHour, qint64 toHour) const;
    // Totals of [fromHour, toHour), computed by the database, with the `top` largest values of
    // each dimension.
    StoreResult<TrafficTotals> totals(qint64 fromHour, qint64 toHour, int top = kDefaultTop) const;
    // Removes the hours before `hour` (retention), and the batch ids stored before it; returns
    // the rows removed.
    StoreResult<qint64> deleteBefore(qint64 hour);

private:
    StoreSessions &sessions_;
};

} // namespace adserve
