#include "ChangeListener.h"

#include "ConnectionPool.h"
#include "StatementDeadline.h"

#include <QLoggingCategory>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

#include <atomic>

namespace adserve {

namespace {

Q_LOGGING_CATEGORY(lcListener, "adserve.store.listener")

// Long enough to gather a bulk load's notifications into one signal, short enough that
// an edit elsewhere shows up at once.
constexpr int kCoalesceMs = 20;
// How soon a lost listening connection is noticed (the socket alone does not tell Qt).
constexpr int kHealthCheckMs = 2000;

std::atomic<int> nextListenerId{1};

} // namespace

// The listening connection and its timers; every member function runs on the listening thread.
class ChangeListener::Connection : public QObject
{
public:
    Connection(DatabaseTarget target, ChangeListener *owner)
        : target_(std::move(target))
        , owner_(owner)
        , name_(QStringLiteral("adserve-listener-%1").arg(nextListenerId.fetch_add(1)))
        , coalesce_(this)
        , health_(this)
    {
        coalesce_.setSingleShot(true);
        coalesce_.setInterval(kCoalesceMs);
        QObject::connect(&coalesce_, &QTimer::timeout, this, &Connection::flush);
        health_.setInterval(kHealthCheckMs);
        QObject::connect(&health_, &QTimer::timeout, this, &Connection::checkConnection);
    }

    ~Connection() override { ConnectionPool::close(name_); }

    bool start(QString *error)
    {
        health_.start();
        return connectAndListen(error);
    }

private:
    bool connectAndListen(QString *error)
    {
        ConnectionPool::close(name_);
        connected_ = false;
        QSqlDatabase db = ConnectionPool::open(target_, name_, error);
        if (!db.isOpen())
            return false;
        if (!db.driver()->subscribeToNotification(kChannel)) {
            *error = QStringLiteral("LISTEN %1 failed: %2").arg(kChannel, db.driver()->lastError().text());
            return false;
        }
        QObject::connect(db.driver(), &QSqlDriver::notification, this, &Connection::onNotification);
        connected_ = true;
        return true;
    }

    void onNotification(const QString &name, QSqlDriver::NotificationSource, const QVariant &payload)
    {
        if (name != kChannel)
            return;
        // One id per notification; tolerate a comma-separated list; '' means "all".
        const QStringList parts = payload.toString().split(u',', Qt::SkipEmptyParts);
        if (parts.isEmpty())
            pendingAll_ = true;
        for (const QString &part : parts) {
            bool ok = false;
            const qint64 id = part.trimmed().toLongLong(&ok);
            if (ok)
                pending_.insert(id);
            else
                pendingAll_ = true;
        }
        if (!coalesce_.isActive())
            coalesce_.start();
    }

    void flush()
    {
        QList<qint64> ids;
        if (!pendingAll_) {
            ids = pending_.values();
            std::sort(ids.begin(), ids.end());
        }
        pending_.clear();
        pendingAll_ = false;
        Q_EMIT owner_->changed(ids);
    }

    void checkConnection()
    {
        if (connected_) {
            // Bounded, so that a frozen server is noticed and the thread can be stopped.
            QSqlDatabase db = QSqlDatabase::database(name_, false);
            StatementDeadline deadline(db, ConnectionPool::queryTimeout(db));
            deadline.restart();
            QSqlQuery ping(db);
            if (ping.exec(QStringLiteral("SELECT 1")) && !deadline.expired())
                return;
            qCWarning(lcListener) << "lost the connection that hears campaign changes; reconnecting";
        }
        QString why;
        if (!connectAndListen(&why)) {
            if (why != lastProblem_) // once per outage, not every few seconds
                qCWarning(lcListener) << "cannot listen for campaign changes:" << why;
            lastProblem_ = why;
            return;
        }
        lastProblem_.clear();
        // Whatever changed while nobody listened is unknown.
        pendingAll_ = true;
        coalesce_.start();
    }

    const DatabaseTarget target_;
    ChangeListener *const owner_; // outlives this: its destructor joins the thread first
    const QString name_;
    QTimer coalesce_;
    QTimer health_;
    QSet<qint64> pending_;
    bool pendingAll_ = false;
    bool connected_ = false;
    QString lastProblem_;
};

ChangeListener::ChangeListener(DatabaseTarget target, QObject *parent)
    : QObject(parent)
    , connection_(new Connection(std::move(target), this))
{
    thread_.setObjectName(QStringLiteral("adserve-listener"));
    connection_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, connection_, &QObject::deleteLater);
    thread_.start();
}

ChangeListener::~ChangeListener()
{
    thread_.quit();
    thread_.wait();
}

bool ChangeListener::start(QString *error)
{
    bool listening = false;
    QMetaObject::invokeMethod(
        connection_, [&] { listening = connection_->start(error); }, Qt::BlockingQueuedConnection);
    return listening;
}

} // namespace adserve
