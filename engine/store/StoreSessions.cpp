#include "StoreSessions.h"

#include <QRandomGenerator>

namespace adserve {

StoreSessions::StoreSessions(const DatabaseTarget &target)
    : target_(target)
    , dialect_(target.isPostgres())
    , pool_(target)
{
}

StoreSessions::WriteStamp StoreSessions::stampWrite(SqlSession &session, const WriteContext &context) const
{
    const QString actor = context.actor.isEmpty() ? defaultActor_ : context.actor;
    WriteStamp stamp;
    if (dialect_.isPostgres()) {
        // Transaction-local: gone at COMMIT or ROLLBACK, whatever the connection does next.
        if (!actor.isEmpty() || !context.note.isEmpty())
            session.exec(QStringLiteral("SELECT set_config('adserve.actor', ?, true), set_config('adserve.note', ?, true)"),
                         {actor, context.note});
        return stamp;
    }
    // SQLite has no session settings: the triggers read this row, which no other connection
    // ever sees (writes are serialised, and finishWrite() removes it before the commit).
    QSqlQuery sequence = session.exec(QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'adserve_changes'"));
    if (session.next(sequence))
        stamp.logSequenceBefore = sequence.value(0).toLongLong();
    stamp.txn = qint64(QRandomGenerator::global()->generate64() >> 2) + 1;
    session.exec(QStringLiteral("INSERT OR REPLACE INTO adserve_writer (id, actor, note, txn) VALUES (1, ?, ?, ?)"),
                 {actor.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(actor),
                  context.note.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(context.note),
                  stamp.txn});
    return stamp;
}

WriteReceipt StoreSessions::finishWrite(SqlSession &session, const WriteStamp &stamp) const
{
    WriteReceipt receipt;
    if (dialect_.isPostgres()) {
        QSqlQuery query = session.exec(
            QStringLiteral("SELECT current_setting('adserve.change_id', true), pg_current_xact_id_if_assigned()::text"));
        if (session.next(query)) {
            receipt.changeId = query.value(0).toString().toLongLong();
            receipt.txn = query.value(1).toString().toLongLong();
        }
        return receipt;
    }
    QSqlQuery sequence = session.exec(QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'adserve_changes'"));
    const qint64 after = session.next(sequence) ? sequence.value(0).toLongLong() : 0;
    session.exec(QStringLiteral("DELETE FROM adserve_writer"));
    receipt.changeId = after > stamp.logSequenceBefore ? after : 0;
    receipt.txn = stamp.txn;
    return receipt;
}

void StoreSessions::setCommitObserver(std::function<void(qint64)> observer)
{
    std::lock_guard lock(observerMutex_);
    commitObserver_ = std::move(observer);
}

void StoreSessions::noteCommitting(qint64 txn) const
{
    std::lock_guard lock(observerMutex_);
    if (commitObserver_)
        commitObserver_(txn);
}

} // namespace adserve
