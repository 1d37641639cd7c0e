#include "RedisNodeHealth.h"

#include <algorithm>

namespace adserve {

void RedisNodeHealth::recordFailure(const QString &why, Clock::time_point now)
{
    m_lastError = why;
    if (isFailing() && now < m_nextAttempt)
        return;
    ++m_failures;
    m_nextAttempt = now + std::min(kFirstBackoff * (1 << std::min(m_failures - 1, 10)), kMaxBackoff);
}

void RedisNodeHealth::recordSuccess()
{
    m_failures = 0;
    m_nextAttempt = {};
}

QString RedisNodeHealth::whyFailing(Clock::time_point now) const
{
    const QString last = m_lastError.isEmpty() ? QStringLiteral("Redis is unreachable") : m_lastError;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(m_nextAttempt - now);
    if (left.count() <= 0)
        return last + QStringLiteral(" (reconnecting)");
    return last + QStringLiteral(" (not retrying for another %1 ms)").arg(left.count());
}

} // namespace adserve
