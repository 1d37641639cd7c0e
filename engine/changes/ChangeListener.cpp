#include "ChangeListener.h"

#include "store/ConnectionPool.h"
#include "store/StatementDeadline.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

#include <atomic>

namespace adserve {

namespace {

Q_LOGGING_CATEGORY(lcListener, "adserve.changes.listener")

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
        , health_(this)
    {
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

    void onNotification(const QString &name)
    {
        if (name == kChannel)
            Q_EMIT owner_->wakeUp();
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
        // Whatever was announced while nobody listened was missed.
        Q_EMIT owner_->wakeUp();
    }

    const DatabaseTarget target_;
    ChangeListener *const owner_; // outlives this: its destructor joins the thread first
    const QString name_;
    QTimer health_;
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
