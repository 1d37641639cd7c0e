#pragma once

#include "Decision.h"
#include "MatchedIds.h"
#include "TargetingQuery.h"
#include "model/Campaign.h"

#include <QHash>
#include <QList>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace adserve {

// An immutable, compiled index of every campaign's targeting. Each campaign has a bit
// (numbered in id order); per dimension and per value the index keeps the bits
// of deliverable campaigns whose INCLUDE / EXCLUDE rules name that value, plus a bitset
// of those with no INCLUDE rule there, and for popular values the bitset of the campaigns
// that qualify. A match is then one AND of three bitsets, word by word, with a little
// more work only where a rare value's lists fall: no per-campaign work, and results come
// out in id order.
class MatchIndex
{
public:
    static std::shared_ptr<const MatchIndex> build(const QList<CampaignWithRules> &campaigns);
    // Builds an index from campaigns handed over one at a time (as a store read streams
    // them), holding nothing of them but what the index keeps.
    class Builder
    {
    public:
        Builder();
        void add(const CampaignWithRules &campaign);
        // The index of every campaign added; the builder is empty afterwards.
        std::shared_ptr<const MatchIndex> finish();

    private:
        std::shared_ptr<MatchIndex> index_;
    };
    // This index with the campaigns `changedIds` replaced by `current` (their targeting as
    // it is now; a changed id absent there was deleted). Only those are compiled again.
    std::shared_ptr<const MatchIndex> withChanges(const QList<qint64> &changedIds,
                                                  const QList<CampaignWithRules> &current) const;

    // Ids of the deliverable campaigns that qualify in every dimension, ascending, into
    // `ids` (its memory is reused: the request path keeps one per thread).
    void match(const TargetingQuery &query, MatchedIds &ids) const;
    // The same, into a new vector: for callers off the request path.
    std::vector<qint64> match(const TargetingQuery &query) const;
    // The decision for every campaign (or only `campaignId`), in id order.
    QList<Decision> explain(const TargetingQuery &query, std::optional<qint64> campaignId = std::nullopt) const;
    // Which campaigns explainFirst() covers.
    enum class ExplainScope { AllCampaigns, NotDelivered };
    struct ExplainPage
    {
        QList<Decision> decisions; // the first campaigns of the scope, in id order
        qsizetype total = 0;       // how many campaigns the scope holds
    };
    // The decisions for at most `limit` campaigns of `scope`, as explain() decides them: a
    // viewer pays for the rows it shows, not for every campaign of a large store.
    ExplainPage explainFirst(const TargetingQuery &query, ExplainScope scope, qsizetype limit) const;

    qsizetype campaignCount() const { return qsizetype(campaigns_.size()); }
    qsizetype ruleCount() const { return ruleCount_; }
    QList<qint64> campaignIds() const; // every campaign's, ascending
    QString codeOf(qint64 campaignId) const;
    // The id of the campaign with this code (a scan: for explain and tools, not the hot path).
    std::optional<qint64> idOfCode(const QString &code) const;

private:
    using Bits = std::vector<uint64_t>;
    struct CompiledRule
    {
        qint64 id = 0;
        // Most codes are the default one the store gives, "<campaign>-<dimension>-<type>-<n>":
        // then only n is kept (a million campaigns' rule codes would be ~250 MB of strings).
        QString ownCode;        // the code when it is not a default one
        quint16 codeNumber = 0; // n of the default code; 0: ownCode
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
        std::vector<std::vector<uint32_t>> includes; // value id -> bits
        std::vector<std::vector<uint32_t>> excludes; // value id -> bits
        Bits unrestricted;                           // campaigns with no INCLUDE rule here
        // Values named by at least one campaign in 512: (unrestricted | includes) & ~excludes,
        // precomputed so a match reads one bitset instead of marking thousands of bits.
        std::vector<Bits> allowed;                   // value id -> bits; empty for the other values
    };
    using EntryPointer = std::shared_ptr<const CampaignEntry>; // shared by successive indexes
    static bool byId(const EntryPointer &a, const EntryPointer &b) { return a->id < b->id; }

    EntryPointer compile(const CampaignWithRules &campaign); // numbers new values
    static QString ruleCode(const CampaignEntry &campaign, const CompiledRule &rule);
    void compileBits();                                      // from campaigns_, once they are sorted
    const CampaignEntry *find(qint64 campaignId) const;
    int valueIdOf(Dimension dimension, const QString &value) const; // -1: no rule names it
    std::array<int, kDimensionCount> valueIdsOf(const TargetingQuery &query) const;
    Decision decide(const CampaignEntry &campaign, const std::array<int, kDimensionCount> &valueIds,
                    const TargetingQuery &query) const;

    std::array<QHash<QString, int>, kDimensionCount> valueIds_; // normalised value -> value id
    std::vector<EntryPointer> campaigns_;  // id ascending
    qint64 firstId_ = 0;                   // a campaign's bit is its id - firstId_ ...
    std::vector<qint64> idsByBit_;         // ... unless ids are far apart: then its rank, and this maps back
    size_t wordCount_ = 0;                 // words in every bitset
    std::array<DimensionIndex, kDimensionCount> dimensions_;
    qsizetype ruleCount_ = 0;
};

} // namespace adserve
