#include "ChangeLog.h"

#include "store/StoreSessions.h"

#include <QJsonDocument>
#include <QSet>

namespace adserve {

namespace {

const QString kPrunedThroughKey = QStringLiteral("changes_pruned_through");
// Entries removed per pruning transaction: keeps the write lock short on SQLite.
constexpr int kPruneBatch = 20000;
// Taken by the instance that prunes ("adserve2").
constexpr qint64 kPruneLockKey = 0x6164736572766532;

QString entryColumns(const SqlDialect &d)
{
    const QString json = d.isPostgres() ? QStringLiteral("%1::text") : QStringLiteral("%1");
    return QStringList{QStringLiteral("id"), QStringLiteral("COALESCE(txn, 0)"), d.timestamp(QStringLiteral("at")),
                       QStringLiteral("actor"), QStringLiteral("COALESCE(note, '')"),
                       QStringLiteral("COALESCE(campaign_id, 0)"), QStringLiteral("entity"), QStringLiteral("op"),
                       QStringLiteral("COALESCE(row_id, 0)"), json.arg(QStringLiteral("before")),
                       json.arg(QStringLiteral("after"))}
        .join(QLatin1String(", "));
}

QJsonObject jsonObject(const QVariant &value)
{
    return value.isNull() ? QJsonObject() : QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

QList<ChangeEntry> readEntries(SqlSession &session, QSqlQuery query)
{
    QList<ChangeEntry> entries;
    while (session.next(query)) {
        ChangeEntry e;
        e.id = query.value(0).toLongLong();
        e.txn = query.value(1).toLongLong();
        e.at = SqlDialect::decodeTimestamp(query.value(2));
        e.actor = query.value(3).toString();
        e.note = query.value(4).toString();
        e.campaignId = query.value(5).toLongLong();
        e.entity = query.value(6).toString();
        e.op = query.value(7).toString();
        e.rowId = query.value(8).toLongLong();
        e.before = jsonObject(query.value(9));
        e.after = jsonObject(query.value(10));
        entries.append(std::move(e));
    }
    return entries;
}

// The snapshot of the current transaction, the log's newest id and how far pruning went.
LogPage readHead(SqlSession &session)
{
    const bool postgres = session.dialect().isPostgres();
    QSqlQuery query = session.exec(
        QStringLiteral("SELECT %1, COALESCE((SELECT max(id) FROM adserve_changes), 0), "
                       "COALESCE((SELECT value FROM adserve_meta WHERE key = '%2'), '0')")
            .arg(postgres ? QStringLiteral("pg_current_snapshot()::text") : QStringLiteral("'0:0:'"),
                 kPrunedThroughKey));
    LogPage page;
    if (session.next(query)) {
        page.snapshot = LogSnapshot::fromText(query.value(0).toString());
        page.newestId = query.value(1).toLongLong();
        page.prunedThrough = query.value(2).toString().toLongLong();
    }
    return page;
}

} // namespace

// A transaction id handed out now: higher than that of every writer running before. Costs
// PostgreSQL one transaction id; SQLite serialises writers and needs none.
StoreResult<qint64> freshHorizon(StoreSessions &sessions)
{
    if (!sessions.dialect().isPostgres())
        return StoreResult<qint64>::success(0);
    return sessions.run(Access::Read, [](SqlSession &session) {
        QSqlQuery query = session.exec(QStringLiteral("SELECT pg_current_xact_id()::text"));
        return session.next(query) ? query.value(0).toString().toLongLong() : qint64(0);
    });
}

StoreResult<LogPage> ChangeLog::head() const
{
    auto head = sessions_.run(Access::Snapshot, [](SqlSession &session) {
        LogPage page = readHead(session);
        // The rows a start at this head must not deliver again: those of writers that may still
        // have been running by the snapshot's measure, but had committed.
        QSqlQuery visible = session.exec(QStringLiteral("SELECT id FROM adserve_changes WHERE txn >= ? AND id <= ?"),
                                         {page.snapshot.xmin, page.newestId});
        while (session.next(visible))
            page.rows.append({visible.value(0).toLongLong(), 0, 0, {}});
        return page;
    });
    if (!head.ok())
        return head;
    const auto horizon = freshHorizon(sessions_);
    if (!horizon.ok())
        return StoreResult<LogPage>::failureFrom(horizon);
    head.value.horizon = horizon.value;
    return head;
}

StoreResult<LogPage> ChangeLog::read(const ChangeFeed &feed, int limit) const
{
    const ChangeFeed::Query wanted = feed.query();
    auto read = sessions_.run(Access::Snapshot, [&](SqlSession &session) {
        LogPage page = readHead(session);
        const QString select = QStringLiteral("SELECT id, COALESCE(txn, 0), COALESCE(campaign_id, 0), %1 FROM adserve_changes ")
                                   .arg(session.dialect().timestamp(QStringLiteral("at")));
        const auto readRows = [&](QSqlQuery query) {
            while (session.next(query))
                page.rows.append({query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toLongLong(),
                                  SqlDialect::decodeTimestamp(query.value(3))});
        };
        QString where = QStringLiteral("id > ?");
        QVariantList binds{wanted.after};
        for (const ChangeFeed::Gap &gap : wanted.gaps) {
            where += QStringLiteral(" OR id BETWEEN ? AND ?");
            binds << gap.from << gap.to;
        }
        binds << limit;
        readRows(session.exec(select + QStringLiteral("WHERE %1 ORDER BY id LIMIT ?").arg(where), binds));
        page.full = page.rows.size() >= limit;
        if (wanted.watch.active()) {
            QSet<qint64> paged;
            for (const LogRow &row : std::as_const(page.rows))
                paged.insert(row.id);
            const qsizetype pagedRows = page.rows.size();
            readRows(session.exec(select + QStringLiteral("WHERE txn >= ? AND txn < ? AND id <= ?"),
                                  {wanted.watch.fromTxn, wanted.watch.horizon, wanted.watch.ceiling}));
            page.rows.erase(std::remove_if(page.rows.begin() + pagedRows, page.rows.end(),
                                           [&](const LogRow &row) { return paged.contains(row.id); }),
                            page.rows.end());
            std::sort(page.rows.begin(), page.rows.end(), [](const LogRow &a, const LogRow &b) { return a.id < b.id; });
        }
        return page;
    });
    if (read.ok() && feed.opensGaps(read.value)) {
        const auto horizon = freshHorizon(sessions_);
        if (!horizon.ok())
            return StoreResult<LogPage>::failureFrom(horizon);
        read.value.horizon = horizon.value;
    }
    return read;
}

StoreResult<QList<ChangeEntry>> ChangeLog::entries(qint64 afterId, int limit, qint64 campaignId) const
{
    return sessions_.run(Access::Read, [&](SqlSession &session) {
        QVariantList binds{afterId};
        QString where = QStringLiteral("id > ?");
        if (campaignId > 0) {
            where += QStringLiteral(" AND campaign_id = ?");
            binds << campaignId;
        }
        binds << limit;
        return readEntries(session, session.exec(QStringLiteral("SELECT %1 FROM adserve_changes WHERE %2 ORDER BY id LIMIT ?")
                                                     .arg(entryColumns(session.dialect()), where),
                                                 binds));
    });
}

StoreResult<QList<ChangeEntry>> ChangeLog::campaignChanges(qint64 campaignId, qint64 beforeId, int limit) const
{
    return sessions_.run(Access::Snapshot, [&](SqlSession &session) {
        const qint64 below = beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max();
        // The newest `limit` changes, then their entries (which other changes' may interleave).
        QSqlQuery groups = session.exec(
            QStringLiteral("SELECT COALESCE(txn, -id), min(id), max(id) FROM adserve_changes "
                           "WHERE campaign_id = ? AND id < ? GROUP BY COALESCE(txn, -id) ORDER BY 3 DESC LIMIT ?"),
            {campaignId, below, limit});
        QSet<qint64> keys;
        qint64 lowest = std::numeric_limits<qint64>::max(), highest = 0;
        while (session.next(groups)) {
            keys.insert(groups.value(0).toLongLong());
            lowest = std::min(lowest, groups.value(1).toLongLong());
            highest = std::max(highest, groups.value(2).toLongLong());
        }
        if (keys.isEmpty())
            return QList<ChangeEntry>{};
        QList<ChangeEntry> entries = readEntries(
            session, session.exec(QStringLiteral("SELECT %1 FROM adserve_changes WHERE campaign_id = ? "
                                                 "AND id BETWEEN ? AND ? ORDER BY id DESC")
                                      .arg(entryColumns(session.dialect())),
                                  {campaignId, lowest, highest}));
        entries.removeIf([&](const ChangeEntry &e) { return !keys.contains(e.groupKey()); });
        return entries;
    });
}

QList<ChangeEntry> ChangeLog::entriesAfter(SqlSession &session, qint64 campaignId, qint64 afterId)
{
    return readEntries(session, session.exec(QStringLiteral("SELECT %1 FROM adserve_changes WHERE campaign_id = ? AND id > ? "
                                                            "ORDER BY id")
                                                 .arg(entryColumns(session.dialect())),
                                             {campaignId, afterId}));
}

bool ChangeLog::hasEntry(SqlSession &session, qint64 campaignId, qint64 changeId)
{
    QSqlQuery query = session.exec(QStringLiteral("SELECT 1 FROM adserve_changes WHERE id = ? AND campaign_id = ?"),
                                   {changeId, campaignId});
    return session.next(query);
}

StoreResult<qint64> ChangeLog::newestId() const
{
    return sessions_.run(Access::Read, [](SqlSession &session) {
        QSqlQuery query = session.exec(QStringLiteral("SELECT COALESCE(max(id), 0) FROM adserve_changes"));
        return session.next(query) ? query.value(0).toLongLong() : qint64(0);
    });
}

StoreResult<qint64> ChangeLog::prune(const ChangeRetention &retention, const std::function<bool()> &keepGoing) const
{
    // One instance at a time: the others find the lock taken and leave it to that one.
    // Session-level, on this thread's own connection; released at the end, or by the server
    // if the connection breaks.
    if (sessions_.dialect().isPostgres()) {
        const auto locked = sessions_.run(Access::Read, [](SqlSession &session) {
            QSqlQuery query = session.exec(QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(kPruneLockKey));
            return session.next(query) && query.value(0).toBool();
        });
        if (!locked.ok())
            return StoreResult<qint64>::failureFrom(locked);
        if (!locked.value)
            return StoreResult<qint64>::success(0);
    }
    const auto pruned = pruneLocked(retention, keepGoing);
    if (sessions_.dialect().isPostgres())
        sessions_.run(Access::Read, [](SqlSession &session) {
            session.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kPruneLockKey));
            return true;
        });
    return pruned;
}

StoreResult<qint64> ChangeLog::pruneLocked(const ChangeRetention &retention, const std::function<bool()> &keepGoing) const
{
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-std::chrono::seconds(retention.maxAge).count());
    qint64 removed = 0;
    while (true) {
        // Which entries may go: a read, outside the write lock.
        const auto doomed = sessions_.run(Access::Snapshot, [&](SqlSession &session) {
            const SqlDialect &d = session.dialect();
            QSqlQuery query = session.execLong(
                QStringLiteral("WITH changes AS (SELECT campaign_id, COALESCE(txn, -id) AS g, max(id) AS last_id, "
                               "max(at) AS last_at FROM adserve_changes GROUP BY campaign_id, COALESCE(txn, -id)), "
                               "ranked AS (SELECT campaign_id, g, last_at, row_number() OVER "
                               "(PARTITION BY campaign_id ORDER BY last_id DESC) AS newer FROM changes) "
                               "SELECT c.id FROM adserve_changes c JOIN ranked r "
                               "ON r.campaign_id IS NOT DISTINCT FROM c.campaign_id AND r.g = COALESCE(c.txn, -c.id) "
                               "WHERE r.newer > %1 AND r.last_at < %2 ORDER BY c.id LIMIT %3")
                    .arg(retention.keepPerCampaign)
                    .arg(d.isPostgres() ? QStringLiteral("'%1'::timestamptz") : QStringLiteral("'%1'"),
                         QString::number(kPruneBatch))
                    .arg(d.encodeTimestamp(cutoff).toString()));
            QList<qint64> ids;
            while (session.next(query))
                ids.append(query.value(0).toLongLong());
            return ids;
        });
        if (!doomed.ok())
            return StoreResult<qint64>::failureFrom(doomed);
        if (doomed.value.isEmpty())
            return StoreResult<qint64>::success(removed);
        const auto deleted = sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
            const SqlDialect &d = session.dialect();
            session.exec(QStringLiteral("DELETE FROM adserve_changes WHERE %1").arg(d.inIds(QStringLiteral("id"))),
                         {d.encodeIds(doomed.value)});
            // Readers behind this point must reload everything: what they missed may be gone.
            session.exec(QStringLiteral("INSERT INTO adserve_meta (key, value) VALUES ('%1', ?) "
                                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                                        "WHERE CAST(adserve_meta.value AS BIGINT) < CAST(excluded.value AS BIGINT)")
                             .arg(kPrunedThroughKey),
                         {QString::number(doomed.value.last())});
            return qint64(doomed.value.size());
        });
        if (!deleted.ok())
            return StoreResult<qint64>::failureFrom(deleted);
        removed += deleted.value;
        if (doomed.value.size() < kPruneBatch || (keepGoing && !keepGoing()))
            return StoreResult<qint64>::success(removed);
    }
}

} // namespace adserve
