#pragma once

#include "Decision.h"
#include "TargetingQuery.h"
#include "model/Campaign.h"

#include <QHash>
#include <QList>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace adserve {

// An immutable, compiled index of every campaign's targeting. Campaigns are numbered
// by position in id order; per dimension and per value the index keeps the positions
// whose INCLUDE / EXCLUDE rules name that value, plus a bitset of the campaigns with no
// INCLUDE rule there. A match is then a handful of bit operations over the campaign
// bitset: no per-campaign work, results come out in id order.
class MatchIndex
{
public:
    static std::shared_ptr<const MatchIndex> build(const QList<CampaignWithRules> &campaigns);

    // Ids of the deliverable campaigns that qualify in every dimension, ascending.
    std::vector<qint64> match(const TargetingQuery &query) const;
    // The decision for every campaign (or only `campaignId`), in id order.
    QList<Decision> explain(const TargetingQuery &query, std::optional<qint64> campaignId = std::nullopt) const;

    qsizetype campaignCount() const { return qsizetype(campaigns_.size()); }
    qsizetype ruleCount() const { return ruleCount_; }
    QString codeOf(qint64 campaignId) const;
    // The id of the campaign with this code (a scan: for explain and tools, not the hot path).
    std::optional<qint64> idOfCode(const QString &code) const;

private:
    using Bits = std::vector<uint64_t>;
    struct CompiledRule
    {
        qint64 id = 0;
        QString code;
        Dimension dimension = Dimension::Country;
        RuleType type = RuleType::Include;
        std::vector<int> valueIds; // sorted ids into the dimension's value table
    };
    struct CampaignEntry
    {
        qint64 id = 0;
        QString code;
        bool active = false;
        bool deleted = false;
        std::vector<CompiledRule> rules;
    };
    struct DimensionIndex
    {
        QHash<QString, int> valueIds;
        std::vector<std::vector<uint32_t>> includes; // value id -> positions
        std::vector<std::vector<uint32_t>> excludes; // value id -> positions
        Bits unrestricted;                           // positions with no INCLUDE rule here
        // Values named by at least one campaign in 64: (unrestricted | includes) & ~excludes,
        // precomputed so a match reads one bitset instead of marking thousands of positions.
        std::vector<Bits> allowed;                   // value id -> bits; empty for the other values
        int idOf(const QString &value) const { return valueIds.value(value, -1); }
    };

    Decision decide(const CampaignEntry &campaign, const std::array<int, kDimensionCount> &valueIds,
                    const TargetingQuery &query) const;

    std::vector<CampaignEntry> campaigns_; // by position, id ascending
    std::vector<qint64> ids_;              // campaigns_[pos].id, packed: what match() reads per hit
    Bits deliverable_;
    std::array<DimensionIndex, kDimensionCount> dimensions_;
    qsizetype ruleCount_ = 0;
};

} // namespace adserve
