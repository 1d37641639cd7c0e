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

class QThread;

namespace adserve {

class StoreSessions;

// Counts delivery requests (TrafficCounter) and adds the counts to the store's traffic table
// every flush interval, on a thread of its own (never a server thread); a last time when it
// stops. Counts the store did not take are put back and go with the next flush: none lost,
// none counted twice, the memory still bounded. Deletes hours past the retention at most once
// an hour.
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

    // Takes the counts and adds them to the store now (on the calling thread); on failure puts
    // them back. Returns whether the store took them.
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
    void run();

    const TrafficSettings settings_;
    TrafficCounter counter_;
    TrafficTable table_;

    std::mutex flushMutex_; // one flush at a time (the thread's, a caller's)
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
