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

// The log's newest id and how far pruning went, in the current transaction.
LogPage readHead(SqlSession &session)
{
    QSqlQuery query = session.exec(
        QStringLiteral("SELECT COALESCE((SELECT max(id) FROM adserve_changes), 0), "
                       "COALESCE((SELECT value FROM adserve_meta WHERE key = '%1'), '0')")
            .arg(kPrunedThroughKey));
    LogPage page;
    if (session.next(query)) {
        page.newestId = query.value(0).toLongLong();
        page.prunedThrough = query.value(1).toString().toLongLong();
    }
    return page;
}

// The transactions writing to the log now: those holding its row-exclusive lock (a writer
// takes it before its first id and keeps it to the end), with their 64-bit ids. SQLite
// serialises writers: a reader never sees one at work.
StoreResult<LogWriters> currentWriters(StoreSessions &sessions)
{
    if (!sessions.dialect().isPostgres())
        return StoreResult<LogWriters>::success({});
    return sessions.run(Access::Read, [](SqlSession &session) {
        QSqlQuery query = session.exec(QStringLiteral(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text, x.transactionid::text "
            "FROM pg_locks r JOIN pg_locks x ON x.virtualtransaction = r.virtualtransaction "
            "AND x.locktype = 'transactionid' "
            "WHERE r.locktype = 'relation' AND r.relation = 'adserve_changes'::regclass AND r.mode = 'RowExclusiveLock' "
            "AND r.granted AND r.database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        LogWriters writers;
        while (session.next(query)) {
            // pg_locks has 32-bit ids: widen them next to a current 64-bit one (they are close).
            const qint64 near = query.value(0).toString().toLongLong();
            const quint32 xid = query.value(1).toString().toUInt();
            writers.insert(near + qint32(xid - quint32(near)));
        }
        return writers;
    });
}

} // namespace

StoreResult<LogPage> ChangeLog::head() const
{
    auto head = sessions_.run(Access::Snapshot, [](SqlSession &session) { return readHead(session); });
    if (!head.ok())
        return head;
    const auto writers = currentWriters(sessions_);
    if (!writers.ok())
        return StoreResult<LogPage>::failureFrom(writers);
    head.value.writersAfter = writers.value;
    return head;
}

StoreResult<LogPage> ChangeLog::read(const ChangeFeed &feed, int limit) const
{
    const auto before = currentWriters(sessions_);
    if (!before.ok())
        return StoreResult<LogPage>::failureFrom(before);
    const ChangeFeed::Query wanted = feed.query();
    auto read = sessions_.run(Access::Snapshot, [&](SqlSession &session) {
        const SqlDialect &d = session.dialect();
        LogPage page = readHead(session);
        page.writersBefore = before.value;
        const QString columns = QStringLiteral("c.id, COALESCE(c.txn, 0), COALESCE(c.campaign_id, 0), %1, c.op = 'truncate'")
                                    .arg(d.timestamp(QStringLiteral("c.at")));
        const auto readRows = [&](QSqlQuery query) {
            while (session.next(query))
                page.rows.append({query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toLongLong(),
                                  SqlDialect::decodeTimestamp(query.value(3)), query.value(4).toBool()});
        };
        // Rows after the newest seen and in the gaps, the lowest `limit` of them.
        QString sql = QStringLiteral("SELECT * FROM (SELECT %1 FROM adserve_changes c WHERE c.id > ? ORDER BY c.id LIMIT ?) AS newer")
                          .arg(columns);
        QVariantList binds{wanted.after, limit};
        if (!wanted.gaps.isEmpty()) {
            QList<qint64> from, to;
            for (const ChangeFeed::Gap &gap : wanted.gaps) {
                from.append(gap.from);
                to.append(gap.to);
            }
            sql += d.isPostgres()
                ? QStringLiteral(" UNION ALL SELECT %1 FROM unnest(?::bigint[], ?::bigint[]) AS g(f, t) "
                                 "JOIN adserve_changes c ON c.id BETWEEN g.f AND g.t").arg(columns)
                : QStringLiteral(" UNION ALL SELECT %1 FROM adserve_changes c JOIN (SELECT f.value AS f, t.value AS t "
                                 "FROM json_each(?) f JOIN json_each(?) t ON t.key = f.key) g ON c.id BETWEEN g.f AND g.t")
                      .arg(columns);
            binds << d.encodeIds(from) << d.encodeIds(to);
        }
        sql += QStringLiteral(" ORDER BY 1 LIMIT ?");
        binds << limit;
        readRows(session.exec(sql, binds));
        page.full = page.rows.size() >= limit;
        // The watched writers' rows below the head, whole.
        if (wanted.watch.active()) {
            QSet<qint64> paged;
            for (const LogRow &row : std::as_const(page.rows))
                paged.insert(row.id);
            const qsizetype pagedRows = page.rows.size();
            readRows(session.exec(QStringLiteral("SELECT %1 FROM adserve_changes c WHERE %2 AND c.id <= ?")
                                      .arg(columns, d.inIds(QStringLiteral("c.txn"))),
                                  {d.encodeIds(QList<qint64>(wanted.watch.holders.cbegin(), wanted.watch.holders.cend())),
                                   wanted.watch.ceiling}));
            page.rows.erase(std::remove_if(page.rows.begin() + pagedRows, page.rows.end(),
                                           [&](const LogRow &row) { return paged.contains(row.id); }),
                            page.rows.end());
            std::sort(page.rows.begin(), page.rows.end(), [](const LogRow &a, const LogRow &b) { return a.id < b.id; });
        }
        return page;
    });
    if (read.ok() && feed.opensGaps(read.value)) {
        const auto after = currentWriters(sessions_);
        if (!after.ok())
            return StoreResult<LogPage>::failureFrom(after);
        read.value.writersAfter = after.value;
    }
    return read;
}

StoreResult<QList<ChangeEntry>> ChangeLog::entries(qint64 afterId, int limit, qint64 campaignId, qint64 throughId) const
{
    return sessions_.run(Access::Read, [&](SqlSession &session) {
        QVariantList binds{afterId, throughId};
        QString where = QStringLiteral("id > ? AND id <= ?");
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
        // Whole changes only: a change that began below `beforeId` but ended above it is newer.
        QSqlQuery groups = session.exec(
            QStringLiteral("SELECT COALESCE(txn, -id), min(id), max(id) FROM adserve_changes "
                           "WHERE campaign_id = ? GROUP BY COALESCE(txn, -id) HAVING max(id) < ? ORDER BY 3 DESC LIMIT ?"),
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
    return readEntries(session, session.exec(QStringLiteral("SELECT %1 FROM adserve_changes "
                                                            "WHERE (campaign_id = ? OR op = 'truncate') AND id > ? ORDER BY id")
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
    // Which entries may go, in one pass and outside any write lock: whole changes (a
    // transaction's entries of one campaign) older than the cutoff and not among the newest
    // `keepPerCampaign` of their campaign. Only campaigns with something that old are ranked.
    const auto doomed = sessions_.run(Access::Snapshot, [&](SqlSession &session) {
        const SqlDialect &d = session.dialect();
        const QString group = QStringLiteral("COALESCE(campaign_id, 0), COALESCE(txn, -id)");
        QSqlQuery query = session.execLong(
            QStringLiteral("SELECT id FROM (SELECT id, last_at, dense_rank() OVER (PARTITION BY c ORDER BY last_id DESC) AS newer "
                           "FROM (SELECT id, COALESCE(campaign_id, 0) AS c, max(id) OVER (PARTITION BY %1) AS last_id, "
                           "max(at) OVER (PARTITION BY %1) AS last_at FROM adserve_changes "
                           "WHERE COALESCE(campaign_id, 0) IN (SELECT DISTINCT COALESCE(campaign_id, 0) FROM adserve_changes "
                           "WHERE at < %2)) AS grouped) AS ranked "
                           "WHERE newer > %3 AND last_at < %2 ORDER BY id")
                .arg(group,
                     (d.isPostgres() ? QStringLiteral("'%1'::timestamptz") : QStringLiteral("'%1'"))
                         .arg(d.encodeTimestamp(cutoff).toString()))
                .arg(retention.keepPerCampaign));
        QList<qint64> ids;
        while (session.next(query))
            ids.append(query.value(0).toLongLong());
        return ids;
    });
    if (!doomed.ok())
        return StoreResult<qint64>::failureFrom(doomed);
    qint64 removed = 0;
    for (qsizetype start = 0; start < doomed.value.size(); start += kPruneBatch) {
        if (keepGoing && !keepGoing())
            break;
        const QList<qint64> batch = doomed.value.mid(start, kPruneBatch);
        const auto deleted = sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
            const SqlDialect &d = session.dialect();
            session.exec(QStringLiteral("DELETE FROM adserve_changes WHERE %1").arg(d.inIds(QStringLiteral("id"))),
                         {d.encodeIds(batch)});
            // Readers behind this point must reload everything: what they missed may be gone.
            session.exec(QStringLiteral("INSERT INTO adserve_meta (key, value) VALUES ('%1', ?) "
                                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                                        "WHERE CAST(adserve_meta.value AS BIGINT) < CAST(excluded.value AS BIGINT)")
                             .arg(kPrunedThroughKey),
                         {QString::number(batch.last())});
            return qint64(batch.size());
        });
        if (!deleted.ok())
            return StoreResult<qint64>::failureFrom(deleted);
        removed += deleted.value;
    }
    return StoreResult<qint64>::success(removed);
}

} // namespace adserve
