#include "ConnectionPool.h"

#include "PostgresProbe.h"
#include "StatementDeadline.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <mutex>
#include <vector>

namespace adserve {

namespace {

// A dead PostgreSQL must never hang a caller: libpq waits forever without this.
constexpr int kDefaultConnectTimeoutSeconds = 5;
// How long SQLite waits for another writer before reporting "database is locked".
constexpr int kSqliteBusyTimeoutMs = 5000;

// Kept on the connection's driver, so whoever runs statements on a connection finds them.
constexpr char kQueryTimeoutProperty[] = "adserveQueryTimeoutMs";
constexpr char kUnansweredProperty[] = "adserveUnanswered";

std::atomic<quint64> nextPoolId{1};
std::atomic<quint64> nextThreadSerial{1};

// Threads whose connections are still open. A thread closes them in its thread-local
// destructor, which runs after QThread::wait() has already returned to whoever joined it:
// the application waits for this to reach zero before Qt goes away (see
// ConnectionPool::awaitThreadCleanup).
std::atomic<int> threadsHoldingConnections{0};

// Threads end on their own schedule, possibly while the application is shutting down and
// QtSql is deleting every driver: it does so in a post routine of ~QCoreApplication (or, with
// no application, when its registry is destroyed at exit). Every thread closes its
// connections under this lock, and the exit guard, run before QtSql's cleanup, takes the
// lock and closes the door: a thread that ends later leaves its connections to the
// operating system.
std::mutex &exitLock()
{
    static auto *lock = new std::mutex; // never destroyed: threads may use it to the very end
    return *lock;
}
bool processExiting = false; // guarded by exitLock()

void closeTheDoor()
{
    std::lock_guard lock(exitLock());
    processExiting = true;
}

struct ExitGuard
{
    ~ExitGuard() { closeTheDoor(); }
};

// Called right after QtSql registered its cleanup, so ours runs first: post routines run in
// the reverse order of their addition, static destructors in the reverse order of their
// construction.
void armExitGuard()
{
    static ExitGuard guard;
    static const bool postRoutineAdded = (qAddPostRoutine(closeTheDoor), true);
    Q_UNUSED(postRoutineAdded);
}

// The connections the current thread opened, one per pool; removed when the thread ends.
class ThreadConnections
{
public:
    struct Entry
    {
        quint64 poolId;
        std::shared_ptr<std::atomic_bool> poolAlive;
        QString name;
        QSqlDatabase db;
    };

    ~ThreadConnections()
    {
        {
            std::lock_guard lock(exitLock());
            if (processExiting)
                new std::vector<Entry>(std::move(entries_)); // deliberately leaked, see exitLock()
            for (Entry &e : entries_)
                release(e);
        }
        if (counted_)
            --threadsHoldingConnections;
    }

    Entry *find(quint64 poolId)
    {
        pruneDeadPools();
        for (Entry &e : entries_) {
            if (e.poolId == poolId)
                return &e;
        }
        return nullptr;
    }

    void add(Entry entry)
    {
        if (!counted_) {
            counted_ = true;
            ++threadsHoldingConnections;
        }
        entries_.push_back(std::move(entry));
    }

    void remove(quint64 poolId)
    {
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->poolId == poolId) {
                release(*it);
                entries_.erase(it);
                return;
            }
        }
    }

    quint64 serial() const { return serial_; }
    bool holdsAny() const { return counted_; }

private:
    void pruneDeadPools()
    {
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (it->poolAlive->load()) {
                ++it;
            } else {
                release(*it);
                it = entries_.erase(it);
            }
        }
    }

    static void release(Entry &e)
    {
        e.db = QSqlDatabase(); // the registry must hold the last reference before removal
        ConnectionPool::close(e.name);
    }

    std::vector<Entry> entries_;
    bool counted_ = false;
    const quint64 serial_ = nextThreadSerial.fetch_add(1);
};

thread_local ThreadConnections threadConnections;

QString withDefaultConnectTimeout(const QString &options)
{
    if (options.contains(QLatin1String("connect_timeout=")))
        return options;
    const QString timeout = QStringLiteral("connect_timeout=%1").arg(kDefaultConnectTimeoutSeconds);
    return options.isEmpty() ? timeout : options + u';' + timeout;
}

QString unansweredReason(const QSqlDatabase &db)
{
    return db.driver() ? db.driver()->property(kUnansweredProperty).toString() : QString();
}

bool setUp(QSqlDatabase &db, const DatabaseTarget &target, QString *error)
{
    const QStringList statements = target.isPostgres()
        ? QStringList{QStringLiteral("SET TIME ZONE 'UTC'"),
                      QStringLiteral("SET statement_timeout = %1")
                          .arg(StatementDeadline::serverTimeout(target.queryTimeout).count())}
        : QStringList{QStringLiteral("PRAGMA journal_mode=WAL"),
                      QStringLiteral("PRAGMA busy_timeout=%1").arg(kSqliteBusyTimeoutMs),
                      QStringLiteral("PRAGMA foreign_keys=ON"),
                      // Safe with WAL (a power cut can lose the last commits, never corrupt).
                      QStringLiteral("PRAGMA synchronous=NORMAL")};
    if (target.isPostgres())
        db.driver()->setProperty(kQueryTimeoutProperty, qint64(target.queryTimeout.count()));
    StatementDeadline deadline(db, ConnectionPool::queryTimeout(db));
    QSqlQuery query(db);
    for (const QString &sql : statements) {
        deadline.restart();
        if (!query.exec(sql)) {
            *error = deadline.expired()
                ? QStringLiteral("%1: PostgreSQL did not answer within %2 ms").arg(sql).arg(target.queryTimeout.count())
                : QStringLiteral("%1 failed: %2").arg(sql, query.lastError().text());
            return false;
        }
    }
    return true;
}

} // namespace

ConnectionPool::ConnectionPool(DatabaseTarget target)
    : target_(std::move(target))
    , id_(nextPoolId.fetch_add(1))
    , alive_(std::make_shared<std::atomic_bool>(true))
{
}

bool ConnectionPool::awaitThreadCleanup(int timeoutMs)
{
    // The calling thread's own connections are not waited for: it is the one waiting.
    const int own = threadConnections.holdsAny() ? 1 : 0;
    QDeadlineTimer deadline(timeoutMs);
    while (threadsHoldingConnections.load() > own) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(1);
    }
    return true;
}

ConnectionPool::~ConnectionPool()
{
    alive_->store(false);
    threadConnections.remove(id_);
}

QSqlDatabase ConnectionPool::connection(QString *error)
{
    if (ThreadConnections::Entry *entry = threadConnections.find(id_)) {
        const QString unanswered = unansweredReason(entry->db);
        if (unanswered.isEmpty() && entry->db.isOpen())
            return entry->db;
        threadConnections.remove(id_);
        if (!unanswered.isEmpty()) {
            if (error)
                *error = unanswered;
            return {};
        }
    }
    const QString name = QStringLiteral("adserve-store-%1-thread-%2").arg(id_).arg(threadConnections.serial());
    QString why;
    QSqlDatabase db = open(target_, name, &why);
    if (!db.isOpen()) {
        if (error)
            *error = why;
        return {};
    }
    threadConnections.add({id_, alive_, name, db});
    return db;
}

void ConnectionPool::discard()
{
    // A connection dropped as unanswered stays until connection() has reported it.
    const ThreadConnections::Entry *entry = threadConnections.find(id_);
    if (entry && unansweredReason(entry->db).isEmpty())
        threadConnections.remove(id_);
}

std::chrono::milliseconds ConnectionPool::queryTimeout(const QSqlDatabase &db)
{
    return std::chrono::milliseconds(db.driver() ? db.driver()->property(kQueryTimeoutProperty).toLongLong() : 0);
}

void ConnectionPool::dropUnanswered(const QSqlDatabase &db, const QString &why)
{
    if (db.driver())
        db.driver()->setProperty(kUnansweredProperty, why);
}

QSqlDatabase ConnectionPool::open(const DatabaseTarget &target, const QString &name, QString *error)
{
    const QString driver = target.isPostgres() ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        *error = QStringLiteral("Qt's %1 SQL driver is not installed (Debian: libqt6sql6-%2)")
                     .arg(driver, target.isPostgres() ? QStringLiteral("psql") : QStringLiteral("sqlite"));
        return {};
    }
    // libpq would wait up to connect_timeout (whole seconds) for a server that never answers.
    if (target.isPostgres() && !PostgresProbe::answers(target.host, target.port, target.queryTimeout, error))
        return {};
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
        armExitGuard();
        if (target.isPostgres()) {
            db.setHostName(target.host);
            db.setPort(target.port);
            db.setDatabaseName(target.database);
            db.setUserName(target.user);
            db.setPassword(target.password);
            db.setConnectOptions(withDefaultConnectTimeout(target.connectOptions));
        } else {
            const QFileInfo file(target.sqlitePath);
            if (!file.absoluteDir().exists() && !QDir().mkpath(file.absolutePath())) {
                *error = QStringLiteral("cannot create folder %1").arg(file.absolutePath());
                db = QSqlDatabase();
                close(name);
                return {};
            }
            db.setDatabaseName(target.sqlitePath);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kSqliteBusyTimeoutMs));
        }
        if (db.open() && setUp(db, target, error))
            return db;
        if (!db.isOpen())
            *error = db.lastError().text().trimmed();
    }
    close(name);
    return {};
}

void ConnectionPool::close(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace adserve
