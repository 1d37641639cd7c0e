#pragma once

#include "model/Campaign.h"

#include <QByteArray>

#include <optional>

namespace adserve {

// The cache's key and value format, shared with the Go ad-campaign-service so both can use
// one Redis: key "campaign:<id>", value the JSON Go's encoding/json writes for its Campaign
// struct (fields ID, Code, Name, Image, CTA, Status, CreatedAt, UpdatedAt, Deleted, DeletedAt;
// times in RFC 3339 with nanoseconds; HTML characters escaped as \u003c, \u003e, \u0026).
namespace CampaignCodec {

QByteArray cacheKey(qint64 campaignId);
QByteArray keyPrefix(); // "campaign:"
// The id in a cache key, or nullopt when the key is not a campaign key.
std::optional<qint64> idFromKey(const QByteArray &key);

QByteArray encode(const Campaign &campaign);
// Reads what either service wrote: field names match case-insensitively (as Go's decoder
// does), ID may be a number or a string, DeletedAt may be null, a time or {"Time","Valid"}.
// nullopt when the bytes are not such a campaign.
std::optional<Campaign> decode(const QByteArray &json);

// The delivery response's entry for a campaign: {"cid":"<code>","img":"<image>","cta":"<cta>"}.
QByteArray responseFragment(const Campaign &campaign);

} // namespace CampaignCodec
} // namespace adserve
