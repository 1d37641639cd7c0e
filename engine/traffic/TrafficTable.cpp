#include "TrafficTable.h"

#include "TrafficTally.h"
#include "store/StoreSessions.h"

#include <QDateTime>

namespace adserve {

namespace {

// Rows per INSERT: one statement per batch instead of a round trip per row.
constexpr qsizetype kRowsPerStatement = 200;

const QString kRange = QStringLiteral(" FROM adserve_traffic WHERE hour_start >= ? AND hour_start < ?");

} // namespace

TrafficTable::TrafficTable(StoreSessions &sessions)
    : sessions_(sessions)
{
}

StoreResult<qint64> TrafficTable::add(const QList<TrafficRow> &rows, const QString &batchId)
{
    TrafficTally tally; // one row per key: an upsert may not meet its key twice in a statement
    tally.add(rows);
    const QList<TrafficRow> merged = tally.rows();
    // Housekeeping: adserve's own table, outside the change log.
    return sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
        if (!batchId.isEmpty()) {
            QSqlQuery batch = session.exec(QStringLiteral("INSERT INTO adserve_traffic_batches (id, stored_at) VALUES (?, ?) "
                                                          "ON CONFLICT (id) DO NOTHING"),
                                           {batchId, QDateTime::currentSecsSinceEpoch()});
            if (batch.numRowsAffected() == 0)
                return qint64(0); // stored before
        }
        for (qsizetype first = 0; first < merged.size(); first += kRowsPerStatement) {
            const qsizetype count = std::min(kRowsPerStatement, merged.size() - first);
            QStringList tuples;
            QVariantList binds;
            binds.reserve(count * 5);
            for (qsizetype i = first; i < first + count; ++i) {
                const TrafficRow &row = merged[i];
                tuples.append(QStringLiteral("(?, ?, ?, ?, ?)"));
                binds << row.hourStart << row.country << row.os << row.app << row.requests;
            }
            session.exec(QStringLiteral("INSERT INTO adserve_traffic (hour_start, country, os, app, requests) VALUES %1 "
                                        "ON CONFLICT (hour_start, country, os, app) "
                                        "DO UPDATE SET requests = adserve_traffic.requests + excluded.requests")
                             .arg(tuples.join(QLatin1String(", "))),
                         binds);
        }
        return tally.requests();
    });
}

StoreResult<QList<TrafficRow>> TrafficTable::read(qint64 fromHour, qint64 toHour) const
{
    // A snapshot, so the read may take as long as its rows keep coming (a month of a large network).
    return sessions_.run(Access::Snapshot, [&](SqlSession &session) {
        // Whole numbers, written into the statement: a long read takes no binds.
        QSqlQuery query = session.execLong(QStringLiteral("SELECT hour_start, country, os, app, requests FROM adserve_traffic "
                                                          "WHERE hour_start >= %1 AND hour_start < %2 "
                                                          "ORDER BY hour_start, country, os, app")
                                               .arg(fromHour)
                                               .arg(toHour));
        QList<TrafficRow> rows;
        while (session.next(query))
            rows.append(TrafficRow{query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toString(),
                                   query.value(3).toString(), query.value(4).toLongLong()});
        return rows;
    });
}

StoreResult<TrafficTotals> TrafficTable::totals(qint64 fromHour, qint64 toHour, int top) const
{
    return sessions_.run(Access::Snapshot, [&](SqlSession &session) {
        TrafficTotals totals;
        QSqlQuery sums = session.exec(
            QStringLiteral("SELECT COALESCE(SUM(requests), 0), COUNT(*) FROM (SELECT SUM(requests) AS requests")
                + kRange + QStringLiteral(" GROUP BY country, os, app) t"),
            {fromHour, toHour});
        if (session.next(sums)) {
            totals.requests = sums.value(0).toLongLong();
            totals.triples = sums.value(1).toLongLong();
        }
        QSqlQuery days = session.exec(QStringLiteral("SELECT hour_start - hour_start % 86400, SUM(requests)") + kRange
                                          + QStringLiteral(" GROUP BY 1 ORDER BY 1"),
                                      {fromHour, toHour});
        while (session.next(days))
            totals.perDay.append({days.value(0).toLongLong(), days.value(1).toLongLong()});
        // Ties in byte order on both databases (PostgreSQL would otherwise use its locale's).
        const QString collate = session.dialect().isPostgres() ? QStringLiteral(" COLLATE \"C\"") : QString();
        const std::array<QString, 3> columns{QStringLiteral("country"), QStringLiteral("os"), QStringLiteral("app")};
        for (size_t d = 0; d < columns.size(); ++d) {
            QSqlQuery values = session.exec(QStringLiteral("SELECT %1, SUM(requests)").arg(columns[d]) + kRange
                                                + QStringLiteral(" GROUP BY %1 ORDER BY 2 DESC, %1%2 LIMIT ?")
                                                      .arg(columns[d], collate),
                                            {fromHour, toHour, top});
            while (session.next(values))
                totals.top[d].append({values.value(0).toString(), values.value(1).toLongLong()});
        }
        return totals;
    });
}

StoreResult<qint64> TrafficTable::deleteBefore(qint64 hour)
{
    return sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
        QSqlQuery query = session.exec(QStringLiteral("DELETE FROM adserve_traffic WHERE hour_start < ?"), {hour});
        const qint64 removed = query.numRowsAffected();
        session.exec(QStringLiteral("DELETE FROM adserve_traffic_batches WHERE stored_at < ?"), {hour});
        return removed;
    });
}

} // namespace adserve
