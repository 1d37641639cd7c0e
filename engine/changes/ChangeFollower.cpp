#include "ChangeFollower.h"

#include "ChangeListener.h"
#include "store/StoreSessions.h"

#include <QLoggingCategory>
#include <QSet>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>

namespace adserve {

namespace {

Q_LOGGING_CATEGORY(lcFollower, "adserve.changes")

using namespace std::chrono_literals;

// Retries of a failed cycle: quick at first, never longer apart than this, so a change
// applies about a second after whatever blocked it (a lock, an outage) has gone.
constexpr auto kFirstRetry = 100ms;
constexpr auto kLongestRetry = 1000ms;
// Own writes remembered so the follower does not apply them twice.
constexpr size_t kLocalTxnsKept = 4096;
// The first pruning after start: not during start-up itself.
constexpr auto kFirstPrune = 60s;

} // namespace

// Reads and applies the log, on the follower's thread.
class ChangeFollower::Worker : public QObject
{
public:
    explicit Worker(ChangeFollower &owner)
        : owner_(owner)
        , next_(this)
        , maintenance_(this)
    {
        next_.setSingleShot(true);
        QObject::connect(&next_, &QTimer::timeout, this, &Worker::cycle);
        maintenance_.setSingleShot(true);
        QObject::connect(&maintenance_, &QTimer::timeout, this, [this] {
            owner_.prune();
            maintenance_.start(owner_.settings_.pruneEvery);
        });
    }

    void begin()
    {
        maintenance_.start(kFirstPrune);
        cycle();
    }

    void wake() { next_.start(0); }

private:
    void cycle()
    {
        const ChangeStatus before = owner_.status();
        const bool ok = owner_.follow();
        failures_ = ok ? 0 : failures_ + 1;
        auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(owner_.settings_.pollInterval);
        if (!ok)
            delay = std::min<std::chrono::milliseconds>(kFirstRetry * (1 << std::min(failures_ - 1, 4)), kLongestRetry);
        if (!next_.isActive()) // a wake-up during the cycle keeps its earlier turn
            next_.start(delay);
        const ChangeStatus after = owner_.status();
        if (after.appliedThrough != before.appliedThrough || after.settled != before.settled
            || after.behindChanges != before.behindChanges || after.problem != before.problem)
            owner_.reportSoon();
    }

    ChangeFollower &owner_;
    QTimer next_;
    QTimer maintenance_;
    int failures_ = 0;
};

// Keeps this instance's row in the registry fresh, on a thread of its own.
class ChangeFollower::Reporter : public QObject
{
public:
    explicit Reporter(ChangeFollower &owner)
        : owner_(owner)
        , heartbeat_(this)
    {
        heartbeat_.setInterval(InstanceRegistry::kHeartbeat);
        QObject::connect(&heartbeat_, &QTimer::timeout, this, &Reporter::report);
    }

    void begin()
    {
        heartbeat_.start();
        report(); // registered from the start, not a heartbeat later
    }

    // Writes the status as it is now (the newest, however many reports were asked for).
    void report()
    {
        const auto written = owner_.registry_.report(owner_.status());
        if (!written.ok() && written.message != lastProblem_)
            qCWarning(lcFollower) << "cannot update this instance's row in the registry:" << written.message;
        lastProblem_ = written.ok() ? QString() : written.message;
    }

private:
    ChangeFollower &owner_;
    QTimer heartbeat_;
    QString lastProblem_;
};

ChangeFollower::ChangeFollower(StoreSessions &sessions, ChangeApplier &applier, FollowerSettings settings,
                               InstanceRecord self)
    : sessions_(sessions)
    , applier_(applier)
    , settings_(std::move(settings))
    , log_(sessions)
    , registry_(sessions, std::move(self))
{
    prunePool_.setMaxThreadCount(1);
    // Known as own before the commit: a cycle woken by that commit leaves it to applyOwn().
    sessions_.setCommitObserver([this](qint64 txn) { rememberOwn({txn}); });
}

ChangeFollower::~ChangeFollower()
{
    sessions_.setCommitObserver({});
    stop();
}

bool ChangeFollower::takeHead(QString *error)
{
    std::lock_guard cycle(cycleMutex_);
    const auto head = log_.head();
    if (!head.ok()) {
        *error = QStringLiteral("cannot read the change log: %1").arg(head.message);
        return false;
    }
    feed_ = ChangeFeed::startingAt(head.value);
    updateStatus([&](ChangeStatus &s) {
        s.appliedThrough = feed_.appliedThrough();
        s.settled = feed_.settled();
        s.newestId = head.value.newestId;
        s.lastRead = QDateTime::currentDateTimeUtc();
    });
    return true;
}

void ChangeFollower::start()
{
    if (started_)
        return;
    started_ = true;
    stopping_ = false;
    {
        std::lock_guard lock(threadsMutex_);
        worker_ = new Worker(*this);
        reporter_ = new Reporter(*this);
    }
    worker_->moveToThread(&thread_);
    reporter_->moveToThread(&reportThread_);
    thread_.setObjectName(QStringLiteral("adserve-changes"));
    reportThread_.setObjectName(QStringLiteral("adserve-heartbeat"));
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(&reportThread_, &QThread::finished, reporter_, &QObject::deleteLater);
    reportThread_.start();
    thread_.start();
    QMetaObject::invokeMethod(reporter_, [r = reporter_] { r->begin(); }, Qt::QueuedConnection);
    QMetaObject::invokeMethod(worker_, [w = worker_] { w->begin(); }, Qt::QueuedConnection);
    if (sessions_.target().isPostgres()) {
        listener_ = std::make_unique<ChangeListener>(sessions_.target());
        connect(listener_.get(), &ChangeListener::wakeUp, this, &ChangeFollower::wakeUp, Qt::DirectConnection);
        QString why;
        if (!listener_->start(&why)) // polling still finds every change; the listener keeps trying
            qCWarning(lcFollower) << "not hearing change notifications yet (" << why << "): reading the log every"
                                  << settings_.pollInterval.count() << "ms";
    }
}

void ChangeFollower::stop()
{
    if (!started_)
        return;
    started_ = false;
    stopping_ = true;
    listener_.reset();
    {
        std::lock_guard lock(threadsMutex_);
        worker_ = nullptr;
        reporter_ = nullptr;
    }
    thread_.quit();
    thread_.wait();
    reportThread_.quit();
    reportThread_.wait();
    prunePool_.waitForDone();
    const auto removed = registry_.remove();
    if (!removed.ok())
        qCWarning(lcFollower) << "cannot remove this instance from the registry:" << removed.message;
}

void ChangeFollower::wakeUp()
{
    std::lock_guard lock(threadsMutex_);
    if (worker_)
        QMetaObject::invokeMethod(worker_, [w = worker_] { w->wake(); }, Qt::QueuedConnection);
}

void ChangeFollower::reportSoon()
{
    std::lock_guard lock(threadsMutex_);
    if (reporter_)
        QMetaObject::invokeMethod(reporter_, [r = reporter_] { r->report(); }, Qt::QueuedConnection);
}

void ChangeFollower::setAddress(const QString &url)
{
    registry_.setAddress(url);
    reportSoon();
}

void ChangeFollower::rememberOwn(const QList<qint64> &txns)
{
    std::lock_guard lock(localMutex_);
    for (qint64 txn : txns) {
        if (txn == 0 || !localTxns_.insert(txn).second)
            continue;
        localOrder_.push_back(txn);
        if (localOrder_.size() > kLocalTxnsKept) {
            localTxns_.erase(localOrder_.front());
            localOrder_.pop_front();
        }
    }
}

void ChangeFollower::leaveToLog(const QList<qint64> &txns)
{
    std::lock_guard lock(localMutex_);
    for (qint64 txn : txns)
        localTxns_.erase(txn); // its place in localOrder_ goes when it comes first
}

ChangeApplier::Outcome ChangeFollower::applyOwn(const QList<qint64> &campaignIds, const QList<qint64> &txns)
{
    rememberOwn(txns); // normally known already, from the commit observer
    const ChangeApplier::Outcome outcome = applier_.applyCampaigns(campaignIds);
    if (!outcome.complete()) {
        {
            std::lock_guard lock(localMutex_);
            ownToRetry_ += campaignIds;
        }
        wakeUp();
    }
    return outcome;
}

bool ChangeFollower::locallyApplied(qint64 txn) const
{
    std::lock_guard lock(localMutex_);
    return localTxns_.count(txn) > 0;
}

ChangeStatus ChangeFollower::status() const
{
    std::lock_guard lock(statusMutex_);
    return status_;
}

void ChangeFollower::updateStatus(const std::function<void(ChangeStatus &)> &change)
{
    {
        std::lock_guard lock(statusMutex_);
        change(status_);
    }
    Q_EMIT statusChanged();
}

bool ChangeFollower::follow()
{
    std::lock_guard cycle(cycleMutex_);
    QString cacheProblem;
    if (!cacheRetry_.isEmpty()) {
        const ChangeApplier::Outcome dropped = applier_.dropCached(cacheRetry_);
        cacheRetry_ = dropped.cacheNotDropped;
        cacheProblem = dropped.cacheError;
    }
    const auto read = log_.read(feed_, settings_.pageSize);
    if (!read.ok()) {
        updateStatus([&](ChangeStatus &s) { s.problem = QStringLiteral("cannot read the change log: %1").arg(read.message); });
        return false;
    }
    const LogPage &page = read.value;
    const QList<LogRow> fresh = feed_.unseen(page);
    const auto oldest = std::min_element(fresh.cbegin(), fresh.cend(),
                                         [](const LogRow &a, const LogRow &b) { return a.at < b.at; });
    const QDateTime since = oldest == fresh.cend() ? QDateTime() : oldest->at;
    // Read everything again: a backlog of others' changes longer than a page, a table
    // emptied, changes pruned before this instance read them, or a log that started over. A
    // page of this instance's own changes alone (a bulk edit's), applied as they committed,
    // is stepped over instead, and the next page read at once.
    const bool truncated = std::any_of(fresh.cbegin(), fresh.cend(), [](const LogRow &r) { return r.truncate; });
    const bool onlyOwn = !fresh.isEmpty()
        && std::all_of(fresh.cbegin(), fresh.cend(), [this](const LogRow &r) { return locallyApplied(r.txn); });
    if ((page.full && !onlyOwn) || truncated || page.prunedThrough > feed_.appliedThrough()
        || page.newestId < feed_.newestSeen()) {
        if (std::chrono::steady_clock::now() < nextResyncAllowed_) {
            updateStatus([&](ChangeStatus &s) {
                s.newestId = page.newestId;
                s.behindChanges = std::max<qint64>(1, page.newestId - feed_.appliedThrough());
                s.behindSince = since;
                s.problem = QStringLiteral("catching up with %1 changes at once").arg(s.behindChanges);
                s.lastRead = QDateTime::currentDateTimeUtc();
            });
            return true;
        }
        return resyncLocked().ok();
    }

    QSet<qint64> changed;
    {
        std::lock_guard lock(localMutex_);
        for (qint64 id : std::as_const(ownToRetry_))
            changed.insert(id);
    }
    for (const LogRow &row : fresh) {
        if (row.campaignId != 0 && !locallyApplied(row.txn))
            changed.insert(row.campaignId);
    }
    QList<qint64> campaignIds(changed.cbegin(), changed.cend());
    std::sort(campaignIds.begin(), campaignIds.end());
    if (!campaignIds.isEmpty()) {
        const ChangeApplier::Outcome applied = applier_.applyCampaigns(campaignIds);
        cacheRetry_ += applied.cacheNotDropped;
        if (!applied.cacheError.isEmpty())
            cacheProblem = applied.cacheError;
        if (!applied.ok()) {
            updateStatus([&](ChangeStatus &s) {
                s.newestId = page.newestId;
                s.behindChanges = std::max<qint64>(1, fresh.size());
                if (!since.isValid() && !s.behindSince.isValid())
                    s.behindSince = QDateTime::currentDateTimeUtc();
                else if (since.isValid())
                    s.behindSince = since;
                s.problem = QStringLiteral("cannot apply changes yet: %1").arg(applied.error);
                s.lastRead = QDateTime::currentDateTimeUtc();
            });
            return false;
        }
        std::lock_guard lock(localMutex_);
        ownToRetry_.removeIf([&](qint64 id) { return changed.contains(id); });
    }
    feed_.advance(page);
    caughtUp(page.newestId, !fresh.isEmpty(), cacheProblem, page.full ? std::optional(since) : std::nullopt);
    if (page.full)
        wakeUp(); // the next page of this instance's own changes, at once
    return cacheRetry_.isEmpty();
}

ChangeApplier::Outcome ChangeFollower::resync()
{
    std::lock_guard cycle(cycleMutex_);
    return resyncLocked();
}

ChangeApplier::Outcome ChangeFollower::resyncLocked()
{
    ChangeApplier::Outcome outcome;
    const auto head = log_.head();
    if (!head.ok()) {
        outcome.error = QStringLiteral("cannot read the change log: %1").arg(head.message);
        updateStatus([&](ChangeStatus &s) { s.problem = outcome.error; });
        return outcome;
    }
    const auto started = std::chrono::steady_clock::now();
    outcome = applier_.reloadEverything();
    if (!outcome.ok()) {
        updateStatus([&](ChangeStatus &s) {
            s.newestId = head.value.newestId;
            s.behindChanges = std::max<qint64>(1, head.value.newestId - feed_.appliedThrough());
            if (!s.behindSince.isValid())
                s.behindSince = QDateTime::currentDateTimeUtc();
            s.problem = QStringLiteral("cannot reload the store: %1").arg(outcome.error);
        });
        return outcome;
    }
    const auto took = std::chrono::steady_clock::now() - started;
    nextResyncAllowed_ = std::chrono::steady_clock::now() + std::max<std::chrono::steady_clock::duration>(5s, 4 * took);
    feed_ = ChangeFeed::startingAt(head.value);
    cacheRetry_ = outcome.cacheNotDropped;
    {
        std::lock_guard lock(localMutex_);
        ownToRetry_.clear(); // read again with everything else
    }
    updateStatus([](ChangeStatus &s) { ++s.resyncs; });
    caughtUp(head.value.newestId, true, outcome.cacheError);
    return outcome;
}

void ChangeFollower::caughtUp(qint64 newestId, bool appliedSome, const QString &cacheError,
                              std::optional<QDateTime> pagesLeftSince)
{
    updateStatus([&](ChangeStatus &s) {
        if (appliedSome)
            s.appliedAt = QDateTime::currentDateTimeUtc();
        s.appliedThrough = feed_.appliedThrough();
        s.settled = feed_.settled();
        s.newestId = newestId;
        s.behindChanges = pagesLeftSince ? std::max<qint64>(1, newestId - s.appliedThrough) : 0;
        if (!pagesLeftSince)
            s.behindSince = {};
        else if (!s.behindSince.isValid())
            s.behindSince = pagesLeftSince->isValid() ? *pagesLeftSince : QDateTime::currentDateTimeUtc();
        s.problem = cacheRetry_.isEmpty()
            ? QString()
            : QStringLiteral("the cached details of %1 changed campaigns could not be dropped yet: %2")
                  .arg(cacheRetry_.size())
                  .arg(cacheError);
        s.lastRead = QDateTime::currentDateTimeUtc();
    });
}

void ChangeFollower::prune()
{
    if (prunePool_.activeThreadCount() > 0)
        return;
    (void)QtConcurrent::run(&prunePool_, [this] {
        const auto forgotten = registry_.forgetGone();
        if (!forgotten.ok())
            qCWarning(lcFollower) << "cannot remove gone instances from the registry:" << forgotten.message;
        const auto pruned = log_.prune(settings_.retention, [this] { return !stopping_.load(); });
        if (!pruned.ok())
            qCWarning(lcFollower) << "cannot prune the change log:" << pruned.message;
        else if (pruned.value > 0)
            qCInfo(lcFollower) << "pruned" << pruned.value << "entries from the change log";
    });
}

} // namespace adserve
