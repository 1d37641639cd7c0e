#pragma once

#include <QMutex>
#include <QString>

#include <atomic>
#include <chrono>

namespace adserve {

// What every thread knows about one server: whether it is failing, and when the next
// connection attempt may be made. After a fault, connections fail fast until the backoff
// elapses, then exactly one thread tries again — a dead Redis is not hammered by every
// request, and a hung one costs at most one timeout per backoff period.
class RedisNodeHealth
{
public:
    static constexpr std::chrono::milliseconds kFirstBackoff{50};
    static constexpr std::chrono::milliseconds kMaxBackoff{1000};

    // True when this thread may try to connect now: always while the node is healthy;
    // once it failed, for one thread when the backoff has elapsed. Otherwise `why` says
    // what failed last and how long until the next attempt.
    bool claimConnectAttempt(QString *why);
    void recordFailure(const QString &why);
    void recordSuccess();

    bool isFailing() const { return m_failures.load(std::memory_order_relaxed) > 0; }
    QString lastError() const;

private:
    static qint64 nowMs();

    std::atomic<qint64> m_nextAttemptMs{0};
    std::atomic<int> m_failures{0};
    mutable QMutex m_mutex;
    QString m_lastError;
};

} // namespace adserve
