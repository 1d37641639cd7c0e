#include "ChangeListener.h"

#include "ConnectionPool.h"
#include "StatementDeadline.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

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

ChangeListener::ChangeListener(DatabaseTarget target, QObject *parent)
    : QObject(parent)
    , target_(std::move(target))
    , connectionName_(QStringLiteral("adserve-listener-%1").arg(nextListenerId.fetch_add(1)))
{
    coalesce_.setSingleShot(true);
    coalesce_.setInterval(kCoalesceMs);
    connect(&coalesce_, &QTimer::timeout, this, &ChangeListener::flush);
    health_.setInterval(kHealthCheckMs);
    connect(&health_, &QTimer::timeout, this, &ChangeListener::checkConnection);
}

ChangeListener::~ChangeListener()
{
    ConnectionPool::close(connectionName_);
}

bool ChangeListener::start(QString *error)
{
    health_.start();
    return connectAndListen(error);
}

bool ChangeListener::connectAndListen(QString *error)
{
    ConnectionPool::close(connectionName_);
    connected_ = false;
    QSqlDatabase db = ConnectionPool::open(target_, connectionName_, error);
    if (!db.isOpen())
        return false;
    if (!db.driver()->subscribeToNotification(kChannel)) {
        *error = QStringLiteral("LISTEN %1 failed: %2").arg(kChannel, db.driver()->lastError().text());
        return false;
    }
    connect(db.driver(), &QSqlDriver::notification, this, &ChangeListener::onNotification);
    connected_ = true;
    return true;
}

void ChangeListener::onNotification(const QString &name, QSqlDriver::NotificationSource, const QVariant &payload)
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

void ChangeListener::flush()
{
    QList<qint64> ids;
    if (!pendingAll_) {
        ids = pending_.values();
        std::sort(ids.begin(), ids.end());
    }
    pending_.clear();
    pendingAll_ = false;
    Q_EMIT changed(ids);
}

void ChangeListener::checkConnection()
{
    if (connected_) {
        // Bounded: this runs on the thread of the event loop, and a frozen server would hold it.
        QSqlDatabase db = QSqlDatabase::database(connectionName_, false);
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

} // namespace adserve
