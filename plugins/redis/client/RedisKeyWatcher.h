#pragma once

#include "RedisNodeConnector.h"
#include "RedisOptions.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace adserve {

// Hears from one Redis server which keys change, by Redis's client tracking in broadcast
// mode (CLIENT TRACKING on REDIRECT <its own id> BCAST PREFIX <prefix>, then SUBSCRIBE
// __redis__:invalidate), on a connection and a thread of its own: every change of a key
// with the prefix, whoever makes it (a write, a delete, an expiry, an eviction, a flush),
// is reported. The connection is checked with a PING every 200 ms; a server that has not
// answered one within 500 ms (frozen, or cut off) may have changed keys unreported, so the
// watch ends there and the watcher connects again. Redis before 6.0 cannot track: then the
// watch never starts.
class RedisKeyWatcher
{
public:
    struct Reports
    {
        // Keys that changed.
        std::function<void(const QList<QByteArray> &keys)> keysChanged;
        // Changes are reported from now on (`watching`), or no longer are; either way keys may
        // have changed unreported before (also after a flush, when the watch goes on).
        std::function<void(bool watching)> watchRestarted;
    };

    RedisKeyWatcher(const RedisOptions &options, QByteArray keyPrefix, Reports reports);
    // Stops within a tenth of a second (a connect under way: within the connect timeout).
    ~RedisKeyWatcher();
    RedisKeyWatcher(const RedisKeyWatcher &) = delete;
    RedisKeyWatcher &operator=(const RedisKeyWatcher &) = delete;

    static constexpr std::chrono::milliseconds kPingEvery{200};
    static constexpr std::chrono::milliseconds kAnswerWithin{500};

private:
    enum class Start { Watching, Failed, Unsupported };

    void run();
    Start startTracking(RedisWire &wire, QString *why);
    // Reports what the server says until the connection fails, a PING goes unanswered or
    // the watcher stops. Returns why it ended (empty when stopping).
    QString listen(RedisWire &wire);
    // Waits `pause`, or less when the watcher stops. True while it goes on.
    bool pauseUnlessStopping(std::chrono::milliseconds pause);
    bool stopping() const { return stopping_.load(); }

    const RedisOptions options_;
    const QByteArray keyPrefix_;
    const Reports reports_;
    RedisNodeConnector connector_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_; // with stopped_, wakes a pause
    std::condition_variable stopped_;
    std::thread thread_; // last: starts once the rest is ready
};

} // namespace adserve
