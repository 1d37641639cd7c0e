#pragma once

#include "ChangeFeed.h"
#include "ChangeLog.h"
#include "ChangeStatus.h"
#include "InstanceRegistry.h"

#include <QObject>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace adserve {

class ChangeListener;
class StoreSessions;

// What applies the changes read from the log to an instance: the engine.
class ChangeApplier
{
public:
    struct Outcome
    {
        QString error;                 // the index could not be brought up to date: retry later
        QList<qint64> cacheNotDropped; // cached details that could not be dropped (the cache is down)
        QString cacheError;
        bool ok() const { return error.isEmpty(); }
        bool complete() const { return ok() && cacheNotDropped.isEmpty(); }
    };
    virtual ~ChangeApplier() = default;
    // Drops the campaigns' cached details, reads them again and updates the index around them.
    virtual Outcome applyCampaigns(const QList<qint64> &campaignIds) = 0;
    // Reads every campaign again (a long backlog, a TRUNCATE, a log pruned past this instance).
    virtual Outcome reloadEverything() = 0;
    // Tries again to drop cached details a change made stale.
    virtual Outcome dropCached(const QList<qint64> &campaignIds) = 0;
};

// Applies every change in the change log to this instance, in order, exactly once, whoever
// made it; keeps this instance's row in the registry fresh; prunes the log.
//
// It reads the log from where it stands (ChangeFeed) when NOTIFY wakes it (PostgreSQL), on a
// short period, and after every reconnect, so a missed notification costs at most the
// period. A change it cannot apply (the store is locked, slow or down) is retried with
// backoff until it is; meanwhile the status says stale, and the instance serves what it
// knew. Nothing is skipped: the feed advances only over what was applied.
//
// Following runs on a thread of its own, the heartbeat on another (a long reload must not
// make the instance look gone), never on a request's or the GUI's.
class ChangeFollower : public QObject
{
    Q_OBJECT
public:
    ChangeFollower(StoreSessions &sessions, ChangeApplier &applier, FollowerSettings settings,
                   InstanceRecord self);
    ~ChangeFollower() override;

    // Takes the log's head as the starting point. Call before the instance first reads the
    // store: every change up to the head is then in what it reads.
    bool takeHead(QString *error);
    // Starts following: its threads, the listener (PostgreSQL), the heartbeat, retention.
    void start();
    // Stops following and removes this instance from the registry. Idempotent.
    void stop();

    // Applies this instance's own write (`campaignIds`, written by the transactions `txns`)
    // at once, on the calling thread: the follower does not apply those transactions again
    // when it reads them. If it cannot, the follower applies those campaigns, retrying until it can.
    ChangeApplier::Outcome applyOwn(const QList<qint64> &campaignIds, const QList<qint64> &txns);
    // Own transactions not applied here after all (the index was still loading, its read
    // perhaps older than them): once started, the follower applies them from the log like
    // anyone's.
    void leaveToLog(const QList<qint64> &txns);
    // Reads everything again and continues from the log's head (a bulk write of this instance).
    ChangeApplier::Outcome resync();
    // Reads the log now instead of at the next period (thread-safe, returns at once).
    void wakeUp();
    // Where this instance serves (empty: it does not), written to the registry at once.
    void setAddress(const QString &url);

    ChangeStatus status() const;
    InstanceRegistry &registry() { return registry_; }
    ChangeLog &log() { return log_; }
    const FollowerSettings &settings() const { return settings_; }

Q_SIGNALS:
    // The status changed (emitted from the follower's thread).
    void statusChanged();

private:
    class Worker;
    class Reporter;
    friend class Worker;

    // One read-and-apply cycle; returns whether it succeeded (false: retry with backoff).
    bool follow();
    ChangeApplier::Outcome resyncLocked();
    // Everything read is applied: the status says so (and what waits for the cache, if anything).
    // With `pagesLeftSince`, the log holds more pages to read at once: behind since then.
    void caughtUp(qint64 newestId, bool appliedSome, const QString &cacheError,
                  std::optional<QDateTime> pagesLeftSince = std::nullopt);
    void rememberOwn(const QList<qint64> &txns);
    bool locallyApplied(qint64 txn) const;
    void updateStatus(const std::function<void(ChangeStatus &)> &change);
    void reportSoon();
    void prune();

    StoreSessions &sessions_;
    ChangeApplier &applier_;
    const FollowerSettings settings_;
    ChangeLog log_;
    InstanceRegistry registry_;

    std::mutex cycleMutex_; // one follow() or resync() at a time; guards feed_ and cacheRetry_
    ChangeFeed feed_;
    QList<qint64> cacheRetry_;
    std::chrono::steady_clock::time_point nextResyncAllowed_{};

    mutable std::mutex localMutex_; // own writes: guards the three below
    std::unordered_set<qint64> localTxns_;
    std::deque<qint64> localOrder_; // oldest first, to bound localTxns_
    QList<qint64> ownToRetry_;      // campaigns of own writes that did not apply at once

    mutable std::mutex statusMutex_;
    ChangeStatus status_;

    std::mutex threadsMutex_; // guards worker_ and reporter_ while they start and stop
    QThread thread_;
    Worker *worker_ = nullptr;     // lives on thread_ while started
    QThread reportThread_;
    Reporter *reporter_ = nullptr; // lives on reportThread_ while started
    std::unique_ptr<ChangeListener> listener_;
    QThreadPool prunePool_;        // one thread: retention runs beside following, never in its way
    std::atomic_bool stopping_{false};
    bool started_ = false;
};

} // namespace adserve
