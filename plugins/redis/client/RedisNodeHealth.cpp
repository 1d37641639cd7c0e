#include "RedisNodeHealth.h"

#include <algorithm>

namespace adserve {

qint64 RedisNodeHealth::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool RedisNodeHealth::claimConnectAttempt(QString *why)
{
    if (!isFailing())
        return true; // a healthy node: every thread connects when it needs to
    const qint64 now = nowMs();
    qint64 next = m_nextAttemptMs.load(std::memory_order_acquire);
    // While the attempt runs, the others keep failing fast: push the time out by the
    // maximum backoff; recordFailure/recordSuccess then set the real value.
    while (next <= now) {
        if (m_nextAttemptMs.compare_exchange_weak(next, now + kMaxBackoff.count(), std::memory_order_acq_rel))
            return true;
    }
    if (why) {
        *why = QStringLiteral("%1 (not retrying for another %2 ms)")
                   .arg(lastError())
                   .arg(next - now);
    }
    return false;
}

void RedisNodeHealth::recordFailure(const QString &why)
{
    {
        QMutexLocker lock(&m_mutex);
        m_lastError = why;
    }
    const int failures = m_failures.fetch_add(1, std::memory_order_relaxed) + 1;
    const qint64 backoff = std::min<qint64>(kFirstBackoff.count() << std::min(failures - 1, 10),
                                            kMaxBackoff.count());
    m_nextAttemptMs.store(nowMs() + backoff, std::memory_order_release);
}

void RedisNodeHealth::recordSuccess()
{
    m_failures.store(0, std::memory_order_relaxed);
    m_nextAttemptMs.store(0, std::memory_order_release);
}

QString RedisNodeHealth::lastError() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastError.isEmpty() ? QStringLiteral("Redis is unreachable") : m_lastError;
}

} // namespace adserve
