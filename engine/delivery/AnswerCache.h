#pragma once

#include <QByteArray>
#include <QHash>

#include <mutex>
#include <optional>

namespace adserve {

struct TargetingQuery;

// Whole delivery answers, reused while nothing they were made from can have changed. A
// large store's answer holds tens of thousands of campaigns; the same request asked again
// then costs one lookup and no work per campaign.
//
// An answer is reused only while
// - the match index it was matched against is still the one swapped in (every applied
//   change, flight and day-parting boundary swaps a new one),
// - the cache has had no invalidation since it was made, nor reported a change of a detail
//   delivered as watched (CampaignCache::watched), and
// - every campaign detail in it that is not watched is still within the near cache's
//   lifetime (the answer expires with its oldest such detail; DeliveryService makes the
//   answers it keeps of details seen within half that lifetime, and keeps answers of
//   watched details for 30 s at most),
// so it is never staler than the near cache it is made from. Bounded in bytes: when full,
// expired answers make room, and a new answer that still does not fit is not kept (every
// answer expires, so room comes back).
class AnswerCache
{
public:
    explicit AnswerCache(qint64 capacityBytes);

    // What an answer was made from: answers made from anything else are gone.
    struct Sources
    {
        quint64 indexGeneration = 0;
        quint64 cacheInvalidations = 0;
        quint64 watchedChanges = 0; // CampaignCache::watchedChanges()
        bool operator==(const Sources &) const = default;
    };
    struct Answer
    {
        QByteArray body;
        int campaigns = 0;
    };

    bool enabled() const { return capacity_ > 0; }
    // The same request, answered the same way: the envelope around the campaigns and the limit too.
    static QByteArray keyOf(const TargetingQuery &query, size_t limit, QByteArrayView before, QByteArrayView after);

    std::optional<Answer> find(const QByteArray &key, const Sources &now, qint64 nowMs);
    // Keeps the answer until `expiresAtMs`, unless its sources changed while it was made
    // (`madeFrom` is not `now`) or it does not fit.
    void keep(const QByteArray &key, Answer answer, const Sources &madeFrom, const Sources &now, qint64 expiresAtMs,
              qint64 nowMs);

    struct Stats
    {
        qint64 hits = 0;
        qint64 misses = 0;
        qint64 answers = 0; // held now (the table's size, filled in by stats())
        qint64 bytes = 0;   // their bodies and keys
    };
    Stats stats() const;

private:
    struct Kept
    {
        Answer answer;
        qint64 expiresAtMs = 0;
        qint64 bytes = 0; // with its key
    };
    // Under mutex_.
    void forgetAllUnless(const Sources &now);
    void forgetExpired(qint64 nowMs);
    QHash<QByteArray, Kept>::iterator forget(QHash<QByteArray, Kept>::iterator it); // the next one

    const qint64 capacity_;
    mutable std::mutex mutex_;
    QHash<QByteArray, Kept> answers_;
    Sources sources_;
    Stats stats_;
};

} // namespace adserve
