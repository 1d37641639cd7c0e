#include "AnswerCache.h"

#include "targeting/TargetingQuery.h"

namespace adserve {

AnswerCache::AnswerCache(qint64 capacityBytes)
    : capacity_(std::max<qint64>(capacityBytes, 0))
{
}

QByteArray AnswerCache::keyOf(const TargetingQuery &query, size_t limit, QByteArrayView before, QByteArrayView after)
{
    // Fields apart by a byte no value, envelope or number holds.
    constexpr char kApart = '\0';
    QByteArray key;
    key.reserve(before.size() + after.size() + 64);
    key.append(before).append(kApart).append(after).append(kApart).append(QByteArray::number(quint64(limit)));
    for (const QString &value : query.values)
        key.append(kApart).append(value.toUtf8());
    return key;
}

std::optional<AnswerCache::Answer> AnswerCache::find(const QByteArray &key, const Sources &now, qint64 nowMs)
{
    std::lock_guard lock(mutex_);
    forgetAllUnless(now);
    const auto it = answers_.find(key);
    if (it == answers_.end() || it->expiresAtMs <= nowMs) {
        ++stats_.misses;
        return std::nullopt;
    }
    ++stats_.hits;
    return it->answer;
}

void AnswerCache::keep(const QByteArray &key, Answer answer, const Sources &madeFrom, const Sources &now,
                       qint64 expiresAtMs, qint64 nowMs)
{
    // The key counts too: answers without campaigns (204) are only their key.
    const qint64 bytes = key.size() + answer.body.size();
    if (!enabled() || madeFrom != now || expiresAtMs <= nowMs || bytes > capacity_)
        return;
    std::lock_guard lock(mutex_);
    forgetAllUnless(now);
    if (const auto it = answers_.find(key); it != answers_.end())
        forget(it);
    if (stats_.bytes + bytes > capacity_)
        forgetExpired(nowMs);
    if (stats_.bytes + bytes > capacity_)
        return;
    stats_.bytes += bytes;
    answers_.insert(key, Kept{std::move(answer), expiresAtMs, bytes});
}

AnswerCache::Stats AnswerCache::stats() const
{
    std::lock_guard lock(mutex_);
    Stats stats = stats_;
    stats.answers = answers_.size();
    return stats;
}

void AnswerCache::forgetAllUnless(const Sources &now)
{
    if (now == sources_)
        return;
    sources_ = now;
    answers_.clear();
    stats_.bytes = 0;
}

void AnswerCache::forgetExpired(qint64 nowMs)
{
    for (auto it = answers_.begin(); it != answers_.end();)
        it = it->expiresAtMs <= nowMs ? forget(it) : std::next(it);
}

QHash<QByteArray, AnswerCache::Kept>::iterator AnswerCache::forget(QHash<QByteArray, Kept>::iterator it)
{
    stats_.bytes -= it->bytes;
    return answers_.erase(it);
}

} // namespace adserve
