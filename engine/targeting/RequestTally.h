#pragma once

#include "MatchIndex.h"

#include <array>
#include <memory>
#include <vector>

namespace adserve {

// Requests summed per campaign over many requests at once: which other campaigns share a
// campaign's requests (forecast overlap), and every campaign's requests (reach reports).
//
// Requests come grouped by (country, OS), with the apps seen with them. Per group the
// campaigns qualifying in country and OS are one AND of two bitsets. The campaigns with no
// INCLUDE rule for apps (most of them) then get the whole group's requests in one pass, and
// per app only the campaigns its rules name are adjusted (an EXCLUDE takes the app's
// requests back, an INCLUDE adds them): no scan of every campaign per request. An app named
// by more campaigns than the scan costs is counted by its precomputed bitset instead.
//
// The campaigns counted are those the index matches: serving now for a delivery index,
// every one for MatchIndex::targetingAlone(). One tally per thread; merge() them at the end.
class RequestTally
{
public:
    explicit RequestTally(std::shared_ptr<const MatchIndex> index);

    // A normalised value's number in the index, for add(); -1 when no rule names it (it
    // qualifies only where a campaign has no INCLUDE rule in that dimension).
    int valueNumber(Dimension dimension, const QString &normalizedValue) const;
    // Stands for a value nobody knows (TrafficRow::kOther, the recorder's folded long tail):
    // it qualifies for certain only where a campaign has no rule at all in that dimension.
    static constexpr int kUnknownValue = -2;

    struct AppRequests
    {
        int app = -1; // valueNumber(Dimension::App, …)
        qint64 requests = 0;
    };
    // Adds each app's requests to every campaign matching (country, os, app). With
    // `matchCounts`, also tells per app (in the order of `apps`) how many campaigns match.
    void add(int country, int os, const std::vector<AppRequests> &apps, std::vector<qint32> *matchCounts = nullptr);
    void merge(const RequestTally &other);

    struct CampaignRequests
    {
        qint64 id = 0;
        qint64 requests = 0;
        bool deliverable = true; // ACTIVE and not deleted (perCampaign() only)
    };
    // Every campaign of the index, in id order, with the requests added for it.
    std::vector<CampaignRequests> perCampaign() const;
    // The campaigns that got requests, unordered (cheaper than perCampaign() for a few).
    std::vector<CampaignRequests> counted() const;

private:
    // The bits of the campaigns qualifying with `value` in `dimension`, into `scratch` when
    // the index keeps no bitset for it.
    const uint64_t *qualifying(Dimension dimension, int value, std::vector<uint64_t> &scratch);
    // The campaigns with no rule in `dimension`, made when first asked for.
    const uint64_t *withoutRules(Dimension dimension);
    // The campaign of each bit, null for a bit that stands for no campaign.
    std::vector<const MatchIndex::CampaignEntry *> campaignsByBit() const;

    std::shared_ptr<const MatchIndex> index_;
    std::vector<qint64> counts_;           // by bit
    std::vector<uint64_t> group_, free_;   // the group's campaigns, and those of them without app INCLUDEs
    std::vector<uint64_t> country_, os_;   // scratch for values the index keeps no bitset for
    std::array<std::vector<uint64_t>, kDimensionCount> withoutRules_;
};

} // namespace adserve
