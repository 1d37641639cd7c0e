#pragma once

#include "TrafficCounter.h"
#include "TrafficSettings.h"
#include "TrafficTable.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

class QThread;

namespace adserve {

class StoreSessions;

// Counts delivery requests (TrafficCounter) and adds the counts to the store's traffic table
// every flush interval, on a thread of its own (never a server thread); a last time when it
// stops. Each flush is a batch with an id of its own: one the store did not take is retried,
// same id, before anything new is taken, so none is lost and none counted twice (even when a
// commit went through but its answer was lost). Meanwhile the counter goes on counting, hours
// older than TrafficCounter::kDetailedHours folded to one row each. Deletes hours past the
// retention at most once an hour.
//
// The final flush is bounded by the store's own limits: on PostgreSQL every statement ends
// within DATABASE_QUERY_TIMEOUT_MS, on SQLite within its busy timeout.
class TrafficRecorder
{
public:
    TrafficRecorder(StoreSessions &sessions, const TrafficSettings &settings);
    ~TrafficRecorder(); // stop()

    // Starts the flush thread.
    void start();
    // Stops the flush thread after a last flush. Idempotent.
    void stop();

    // On the delivery path: cheap, thread-safe.
    void record(const TargetingQuery &query) { counter_.record(query); }

    // Adds the batch the store did not take, if any, then the counts taken now, to the store
    // (on the calling thread). Returns whether the store took everything.
    bool flush();
    // Deletes the hours older than the retention if the last time is an hour ago.
    void applyRetention();

    struct Status
    {
        qint64 requestsStored = 0; // by this instance since it started
        qint64 flushes = 0;
        qint64 failedFlushes = 0;
        QString lastError;         // of the last failed flush; empty once one succeeds
        QDateTime lastFlush;       // of the last successful one
    };
    Status status() const;
    TrafficCounter &counter() { return counter_; }
    const TrafficSettings &settings() const { return settings_; }

private:
    struct Batch
    {
        QString id;
        QList<TrafficRow> rows;
    };
    void run();
    bool store(const Batch &batch);

    const TrafficSettings settings_;
    TrafficCounter counter_;
    TrafficTable table_;

    std::mutex flushMutex_; // one flush at a time (the thread's, a caller's); guards the three below
    const QString instanceId_;
    qint64 batches_ = 0;
    std::optional<Batch> unstored_;
    mutable std::mutex statusMutex_;
    Status status_;
    std::chrono::steady_clock::time_point lastRetention_{};
    bool retainedOnce_ = false;

    std::mutex threadMutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::unique_ptr<QThread> thread_;
};

} // namespace adserve
