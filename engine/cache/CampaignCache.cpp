#include "CampaignCache.h"

#include "CampaignCodec.h"

#include <QElapsedTimer>

#include <unordered_set>

namespace adserve {

CampaignCache::CampaignCache(std::unique_ptr<CacheBackend> backend, std::chrono::seconds ttl,
                             std::chrono::milliseconds nearTtl)
    : backend_(std::move(backend))
    , ttl_(ttl)
    , nearTtl_(nearTtl)
{
    // One writer keeps refills ordered and off the request threads.
    refillPool_.setMaxThreadCount(1);
    refillPool_.setExpiryTimeout(-1);
    if (nearTtl_.count() > 0)
        backend_->watchChanges(this, CampaignCodec::keyPrefix());
}

CampaignCache::~CampaignCache()
{
    refillPool_.waitForDone();
    backend_.reset(); // its reports stop before what they update goes
}

namespace {
constexpr size_t kPrefetchAhead = 32;
} // namespace

qint64 CampaignCache::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void CampaignCache::countNearHits(qint64 campaigns)
{
    stats_.hits += campaigns;
    stats_.nearHits += campaigns;
}

const CampaignCache::Entry *CampaignCache::memoised(qint64 id, const QByteArray &raw, qint64 nowMs,
                                                    quint32 watch)
{
    const Entry *known = fragments_.find(id);
    if (known && (known->raw.isSharedWith(raw) || known->raw == raw)) {
        if (nearTtl_.count() > 0) {
            known->seenAtMs.store(nowMs, std::memory_order_relaxed);
            // The same value: a watch it was read under before still reports its changes.
            if (watch != 0)
                known->watchedIn.store(watch, std::memory_order_release);
        }
        return known;
    }
    if (known && watched(known))
        ++watchedChanges_; // a value delivered as watched is replaced: what was made of it is stale
    const auto campaign = CampaignCodec::decode(raw);
    const bool deliverable = campaign && campaign->id == id && campaign->isDeliverable();
    // Kept for as long as the entry: not with the spare capacity it was built or read with.
    QByteArray kept = raw;
    if (kept.capacity() > kept.size() + kept.size() / 8)
        kept = QByteArray(raw.constData(), raw.size());
    const Entry *entry = fragments_.put(
        id, std::move(kept), deliverable ? QByteArrayView(CampaignCodec::responseFragment(*campaign)) : QByteArrayView(),
        nowMs);
    if (watch != 0) // a watch is kept only with a near cache
        entry->watchedIn.store(watch, std::memory_order_release);
    return entry;
}

bool CampaignCache::forget(const Entry *entry)
{
    const bool wasWatched = watched(entry);
    entry->watchedIn.store(0, std::memory_order_release);
    entry->seenAtMs.store(0, std::memory_order_relaxed);
    return wasWatched;
}

void CampaignCache::forgetChangedDuringRead(quint64 heardBefore, std::span<const qint64> ids,
                                            std::span<const Entry *const> entries)
{
    std::unordered_set<qint64> changed;
    bool all = false;
    {
        std::lock_guard lock(reportsMutex_);
        all = reportsForgottenUpTo_ > heardBefore;
        for (auto it = recentlyChanged_.rbegin(); !all && it != recentlyChanged_.rend() && it->first > heardBefore; ++it)
            changed.insert(it->second);
    }
    bool forgotten = false;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (entries[i] && (all || changed.count(ids[i]))) {
            forget(entries[i]);
            forgotten = true;
        }
    }
    if (forgotten)
        ++watchedChanges_; // anything made of them while they counted as watched is stale
}

void CampaignCache::keysChanged(const QList<QByteArray> &keys)
{
    std::vector<qint64> ids;
    ids.reserve(size_t(keys.size()));
    for (const QByteArray &key : keys) {
        if (const std::optional<qint64> id = CampaignCodec::idFromKey(key))
            ids.push_back(*id);
    }
    {
        // Numbered before the entries are marked: a read that memoised one of them before
        // the mark sees the number moved, and finds its id here.
        constexpr size_t kRecentReports = 65536;
        std::lock_guard lock(reportsMutex_);
        const quint64 report = ++changesHeard_;
        for (qint64 id : ids)
            recentlyChanged_.emplace_back(report, id);
        while (recentlyChanged_.size() > kRecentReports) {
            reportsForgottenUpTo_ = std::max(reportsForgottenUpTo_, recentlyChanged_.front().first);
            recentlyChanged_.pop_front();
        }
    }
    const FragmentTable::ReadSection section(fragments_);
    bool deliveredAsWatched = false;
    for (qint64 id : ids) {
        if (const Entry *entry = fragments_.find(id))
            deliveredAsWatched = forget(entry) || deliveredAsWatched;
    }
    if (deliveredAsWatched)
        ++watchedChanges_;
}

void CampaignCache::watchRestarted(bool watching)
{
    {
        std::lock_guard lock(reportsMutex_);
        reportsForgottenUpTo_ = ++changesHeard_; // a read under way forgets all it read
    }
    // Entries read under an earlier watch count by their age from now on.
    watch_.store(watching ? ++watchesStarted_ : 0);
    ++watchedChanges_;
}

qsizetype CampaignCache::nearLookup(std::span<const qint64> ids, const Entry **found, std::vector<size_t> &missing,
                                     std::chrono::milliseconds maxAge)
{
    if (nearTtl_.count() <= 0) {
        for (size_t i = 0; i < ids.size(); ++i) {
            found[i] = nullptr;
            missing.push_back(i);
        }
        return 0;
    }
    // The entries first, then what they hold: entries of a large store are spread over
    // memory, so the second pass asks for the ones a few places ahead while it reads one.
    for (size_t i = 0; i < ids.size(); ++i)
        found[i] = fragments_.find(ids[i]);
    const qint64 seenSince = nowMs() - std::min(maxAge, nearTtl_).count();
    const size_t missingBefore = missing.size();
    qsizetype fragmentBytes = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i + kPrefetchAhead < ids.size() && found[i + kPrefetchAhead])
            FragmentTable::prefetch(found[i + kPrefetchAhead]);
        const Entry *entry = found[i];
        if (entry && entry->deliverable()
            && (entry->seenAtMs.load(std::memory_order_relaxed) > seenSince || watched(entry))) {
            fragmentBytes += entry->fragment().size();
            continue;
        }
        found[i] = nullptr;
        missing.push_back(i);
    }
    const qint64 nearHits = qint64(ids.size() - (missing.size() - missingBefore));
    if (nearHits > 0) {
        stats_.hits += nearHits;
        stats_.nearHits += nearHits;
    }
    return fragmentBytes;
}

const CampaignCache::Entry *CampaignCache::fragmentFor(const Campaign &campaign)
{
    return memoised(campaign.id, CampaignCodec::encode(campaign), nowMs(), 0);
}

CampaignCache::Lookup CampaignCache::lookup(std::span<const qint64> ids, qsizetype batchSize)
{
    Lookup result;
    result.entries.assign(ids.size(), nullptr);

    QList<QByteArray> keys;
    keys.reserve(qsizetype(ids.size()));
    for (qint64 id : ids)
        keys.append(CampaignCodec::cacheKey(id));

    // A change reported while the values are on their way may be of one of them.
    const quint64 changesHeardBefore = changesHeard_.load();
    const quint32 watch = watch_.load();
    QElapsedTimer timer;
    timer.start();
    const auto reply = batchSize > 0 ? backend_->getManyInBatches(keys, batchSize) : backend_->getMany(keys);
    stats_.lookupMicros += timer.nsecsElapsed() / 1000;
    const bool answered = reply.ok() || reply.partial;
    if (!answered || reply.value.size() != keys.size()) {
        ++stats_.errors;
        result.failed = true;
        result.error = answered ? QStringLiteral("the cache answered %1 values for %2 keys")
                                      .arg(reply.value.size()).arg(keys.size())
                                : reply.error;
        for (size_t i = 0; i < ids.size(); ++i)
            result.missing.push_back(i);
        return result;
    }
    // A partial answer: the keys of the part that failed came back absent, so they are
    // misses read from the store like any other; the fault still counts.
    if (reply.partial) {
        ++stats_.errors;
        result.error = reply.error;
    }
    const qint64 nowMs = CampaignCache::nowMs();
    qint64 hits = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto &value = reply.value[qsizetype(i)];
        if (value) {
            const Entry *entry = memoised(ids[i], *value, nowMs, watch);
            if (entry->deliverable()) {
                result.entries[i] = entry;
                ++hits;
                continue;
            }
            ++stats_.rejected;
        }
        result.missing.push_back(i);
    }
    if (watch != 0 && changesHeard_.load() != changesHeardBefore)
        forgetChangedDuringRead(changesHeardBefore, ids, result.entries);
    stats_.hits += hits;
    stats_.misses += qint64(result.missing.size());
    return result;
}

CacheReply<bool> CampaignCache::store(const QList<Campaign> &campaigns)
{
    QList<QPair<QByteArray, QByteArray>> items;
    items.reserve(campaigns.size());
    for (const Campaign &c : campaigns)
        items.append({CampaignCodec::cacheKey(c.id), CampaignCodec::encode(c)});
    auto reply = backend_->setMany(items, std::chrono::duration_cast<std::chrono::milliseconds>(ttl_));
    if (reply.ok())
        stats_.refills += campaigns.size();
    else
        ++stats_.errors;
    return reply;
}

void CampaignCache::refillAsync(QList<Campaign> campaigns, quint64 readAtEpoch)
{
    if (campaigns.isEmpty())
        return;
    refillPool_.start([this, readAtEpoch, campaigns = std::move(campaigns)] {
        if (epoch_.load() == readAtEpoch)
            store(campaigns);
    });
}

void CampaignCache::waitForRefills()
{
    refillPool_.waitForDone();
}

CacheReply<qint64> CampaignCache::invalidate(const QList<qint64> &ids)
{
    ++epoch_;
    QList<QByteArray> keys;
    keys.reserve(ids.size());
    for (qint64 id : ids) {
        keys.append(CampaignCodec::cacheKey(id));
        fragments_.erase(id);
    }
    // A refill already running may still write an old value: let it finish, then delete.
    waitForRefills();
    auto reply = backend_->remove(keys);
    // Again once the keys are gone: an answer made meanwhile, maybe from a value read
    // before the delete, is not reused (AnswerCache).
    ++epoch_;
    if (reply.ok())
        stats_.invalidations += reply.value;
    else
        ++stats_.errors;
    return reply;
}

} // namespace adserve
