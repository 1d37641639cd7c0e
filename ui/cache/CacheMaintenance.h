#pragma once

#include "cache/CacheBackend.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace adserve {

class CampaignCache;
class CampaignStore;
class JobControl;

// The cache operations behind the ops engineer's buttons. Each one blocks and reports
// progress to a JobControl (which can cancel it): run them off the GUI thread.
namespace CacheMaintenance {

struct KeyInfo
{
    QByteArray key;
    CacheKeyDetails details;
    qint64 size = -1; // bytes of a string value; -1 when it is gone or not a string
};

struct KeyPage
{
    QList<KeyInfo> keys;
    QByteArray nextCursor; // "0": the scan is complete
    QString error;
};

// One page of a SCAN (never KEYS): at least `pageSize` keys unless the scan ends first,
// with their types, TTLs and value sizes (one batched call each, not one per key).
KeyPage scanPage(CacheBackend &backend, const QByteArray &pattern, const QByteArray &cursor, int pageSize);

// Every key matching `pattern`, scanning in steps (the preview of a pattern delete).
CacheReply<QList<QByteArray>> allKeys(CacheBackend &backend, const QByteArray &pattern, JobControl &control);

// Deletes keys in chunks. Campaign keys go through the cache-aside layer so its memoised
// fragments are dropped too. Returns how many keys existed.
CacheReply<qint64> removeKeys(CampaignCache &cache, const QList<QByteArray> &keys, JobControl &control);

// Writes every deliverable campaign to the cache. Returns how many were written.
CacheReply<qint64> warm(CampaignCache &cache, CampaignStore &store, JobControl &control);

struct StaleKey
{
    QByteArray key;
    QString reason; // "differs from the store: Image", "campaign deleted", "not a campaign", ...
};

// Campaign keys whose cached value differs from what the store holds now.
CacheReply<QList<StaleKey>> findStale(CampaignCache &cache, CampaignStore &store, JobControl &control);

} // namespace CacheMaintenance
} // namespace adserve
