#pragma once

#include "ConnectionPool.h"
#include "DatabaseTarget.h"
#include "SqlDialect.h"
#include "SqlSession.h"
#include "StoreResult.h"

#include <QString>

#include <functional>
#include <mutex>
#include <type_traits>

namespace adserve {

// How a store call uses its connection.
enum class Access {
    Read,     // one statement, no transaction
    Snapshot, // several reads that must see one state of the database
    Write,    // a write transaction, stamped for the change log (see WriteContext)
    SnapshotWrite, // the same, its reads all of one snapshot: a concurrent change to what it read makes it fail
    Housekeeping, // a write to adserve's own tables (schema, log retention, instances): not stamped
};

// A reason a store call fails that is not the database's: thrown inside a call, it becomes
// the call's StoreResult.
struct StoreFailure
{
    StoreFailure(StoreError e, QString why, QList<FieldError> f = {})
        : error(e), message(std::move(why)), fields(std::move(f))
    {
    }
    StoreError error;
    QString message;
    QList<FieldError> fields;
};

// Who makes a write and why: recorded with every row the write adds to the change log.
struct WriteContext
{
    QString actor; // empty: the store's default actor (see StoreSessions::setDefaultActor)
    QString note;  // shown in the history, e.g. "restore of change 41"
};

// What a committed write left in the change log.
struct WriteReceipt
{
    qint64 changeId = 0; // the newest change-log id the write produced (0: it logged nothing)
    qint64 txn = 0;      // the transaction that wrote it, as the log records it
};

// Runs store calls on the calling thread's own connection (ConnectionPool): inside a
// transaction unless a call only reads once, with failures (thrown StoreFailure or
// SqlFailure) turned into the call's StoreResult. A PostgreSQL connection found broken
// (the server restarted) is replaced and the call runs once more.
//
// Writes are stamped for the change log: the triggers that record every change read the
// actor and note from the transaction (PostgreSQL: transaction-local settings; SQLite: the
// adserve_writer row, removed again before the commit), and the write reports the change id
// it produced.
class StoreSessions
{
public:
    explicit StoreSessions(const DatabaseTarget &target);

    const DatabaseTarget &target() const { return target_; }
    const SqlDialect &dialect() const { return dialect_; }
    // The actor of writes that name none: the login name of whoever runs adserve.
    void setDefaultActor(const QString &actor) { defaultActor_ = actor; }
    // Called on the writer's thread with each write's transaction just before it commits:
    // this process knows its own writes before anyone can read them from the change log.
    void setCommitObserver(std::function<void(qint64 txn)> observer);

    template<typename Op>
    auto run(Access access, Op &&op) -> StoreResult<std::invoke_result_t<Op, SqlSession &>>
    {
        return write(access, {}, std::forward<Op>(op), nullptr);
    }

    // Like run(), with the write stamped with `context`; `receipt` (if given) receives what
    // the committed write left in the change log.
    template<typename Op>
    auto write(Access access, const WriteContext &context, Op &&op, WriteReceipt *receipt)
        -> StoreResult<std::invoke_result_t<Op, SqlSession &>>
    {
        for (int attemptNo = 1;; ++attemptNo) {
            bool broken = false;
            auto result = attempt(access, context, op, broken, receipt);
            if (broken)
                pool_.discard();
            if (!broken || attemptNo > 1)
                return result;
        }
    }

private:
    template<typename Op>
    auto attempt(Access access, const WriteContext &context, Op &op, bool &broken, WriteReceipt *receipt)
        -> StoreResult<std::invoke_result_t<Op, SqlSession &>>
    {
        using Result = StoreResult<std::invoke_result_t<Op, SqlSession &>>;
        QString why;
        QSqlDatabase db = pool_.connection(&why);
        if (!db.isOpen())
            return Result::failure(StoreError::Unavailable,
                                   QStringLiteral("cannot connect to %1: %2").arg(target_.describe(), why));
        SqlSession session(db, dialect_);
        try {
            const bool stamped = access == Access::Write || access == Access::SnapshotWrite;
            switch (access) {
            case Access::Read: break;
            case Access::Snapshot: session.begin(dialect_.beginSnapshot()); break;
            case Access::Write:
            case Access::Housekeeping: session.begin(dialect_.beginWrite()); break;
            case Access::SnapshotWrite: session.begin(dialect_.beginSnapshotWrite()); break;
            }
            const WriteStamp stamp = stamped ? stampWrite(session, context) : WriteStamp{};
            auto value = op(session);
            const WriteReceipt written = stamped ? finishWrite(session, stamp) : WriteReceipt{};
            if (written.txn)
                noteCommitting(written.txn);
            if (access != Access::Read)
                session.commit();
            if (receipt)
                *receipt = written;
            return Result::success(std::move(value));
        } catch (const StoreFailure &f) {
            return Result::failure(f.error, f.message, f.fields);
        } catch (const SqlFailure &f) {
            session.rollback();
            if (dialect_.isUniqueViolation(f.error))
                return Result::failure(StoreError::Conflict,
                                       QStringLiteral("already exists: another campaign or rule has the same code"));
            broken = target_.isPostgres() && !session.alive();
            return Result::failure(StoreError::Unavailable,
                                   QStringLiteral("database error: %1").arg(f.error.text().trimmed()));
        }
    }

    // What stampWrite() learnt that finishWrite() needs.
    struct WriteStamp
    {
        qint64 txn = 0;
        qint64 logSequenceBefore = 0; // SQLite: the log's last id before the write
    };
    WriteStamp stampWrite(SqlSession &session, const WriteContext &context) const;
    WriteReceipt finishWrite(SqlSession &session, const WriteStamp &stamp) const;
    void noteCommitting(qint64 txn) const;

    const DatabaseTarget target_;
    const SqlDialect dialect_;
    ConnectionPool pool_;
    QString defaultActor_;
    mutable std::mutex observerMutex_;
    std::function<void(qint64)> commitObserver_;
};

} // namespace adserve
