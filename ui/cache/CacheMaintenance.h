#pragma once

#include "cache/CacheBackend.h"
#include "model/Campaign.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace adserve {

class CampaignCache;
class CampaignStore;
class JobControl;

// The cache operations behind the ops engineer's buttons. Each one blocks and reports
// progress to a JobControl (which can cancel it): run them off the GUI thread.
namespace CacheMaintenance {

// Deletes keys in chunks. Campaign keys go through the cache-aside layer so its memoised
// fragments are dropped too. Returns how many keys existed.
CacheReply<qint64> removeKeys(CampaignCache &cache, const QList<QByteArray> &keys, JobControl &control);

// Writes every deliverable campaign to the cache. Returns how many were written.
CacheReply<qint64> warm(CampaignCache &cache, CampaignStore &store, JobControl &control);

struct StaleKey
{
    QByteArray key;
    QString reason;                 // "differs from the store: Image", "campaign deleted", "not a campaign", ...
    QStringList fields;             // the fields that differ, by Go's names (when both are campaigns)
    std::optional<Campaign> cached; // what the cache holds, when it reads as a campaign
    std::optional<Campaign> stored; // what the store holds now, when it has the campaign
    QByteArray raw;                 // the cached bytes as they are
};

// Campaign keys whose cached value differs from what the store holds now.
CacheReply<QList<StaleKey>> findStale(CampaignCache &cache, CampaignStore &store, JobControl &control);

// Rewrites these campaign keys from the store: the store's value for a campaign it has, and
// the key dropped for one it has deleted or never had (what a reader would then fetch).
// Keys that are not campaign keys are left alone. Returns how many keys were rewritten or dropped.
CacheReply<qint64> refreshFromStore(CampaignCache &cache, CampaignStore &store, const QList<QByteArray> &keys);

// The fields of two campaigns that differ, by Go's field names, with each side's value.
struct FieldValues
{
    QString field;
    QString cached;
    QString stored;
    bool differs = false;
};
QList<FieldValues> sideBySide(const std::optional<Campaign> &cached, const std::optional<Campaign> &stored);

} // namespace CacheMaintenance
} // namespace adserve
