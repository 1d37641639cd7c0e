#pragma once

#include <QString>

#include <chrono>

namespace adserve {

// Whether one server is failing, and when the next connection to it may be tried: after a
// fault, 50 ms doubling to 1 s, so a dead Redis is not hammered and a hung one costs one
// connect timeout per period, off the request path. Not thread-safe: its owner guards it.
class RedisNodeHealth
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kFirstBackoff{50};
    static constexpr std::chrono::milliseconds kMaxBackoff{1000};

    // Faults that come while the node already backs off (every thread's connection timing
    // out on a frozen server) do not lengthen the backoff: recovery stays prompt.
    void recordFailure(const QString &why, Clock::time_point now);
    void recordSuccess();

    bool isFailing() const { return m_failures > 0; }
    Clock::time_point nextAttempt() const { return m_nextAttempt; }
    // What failed last, and when the next attempt comes ("... (not retrying for another 40 ms)").
    QString whyFailing(Clock::time_point now) const;

private:
    int m_failures = 0;
    Clock::time_point m_nextAttempt;
    QString m_lastError;
};

} // namespace adserve
