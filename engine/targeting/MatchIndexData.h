#pragma once

// What a MatchIndex compiles campaigns into: shared by the index's own files (MatchIndex.cpp
// builds and matches, MatchExplain.cpp explains), not part of its interface.
#include "MatchIndex.h"

#include <QHash>

#include <memory>
#include <span>

namespace adserve {

namespace compiled {

// 24 bytes: a million campaigns have a few million rules, kept for explanations. A rule's
// value ids and a code of its own live in its campaign's entry (CampaignEntry::valuesOf,
// ruleCode), one list for all its rules, not an allocation per rule.
struct CompiledRule
{
    qint64 id = 0;
    // Ids into the dimension's value table, each once, in the rule's order: the entry's
    // valueIds from firstValue on.
    quint32 firstValue = 0;
    quint32 valueCount = 0;
    // Most codes are the default one the store gives, "<campaign>-<dimension>-<type>-<n>":
    // then only n is kept (a million campaigns' rule codes would be ~250 MB of strings).
    quint32 ownCode = 0;    // the entry's ownCodes[ownCode] when codeNumber is 0
    quint16 codeNumber = 0; // n of the default code
    quint8 dimensionNumber = 0;
    quint8 typeNumber = 0;

    Dimension dimension() const { return Dimension(dimensionNumber); }
    RuleType type() const { return RuleType(typeNumber); }
};
static_assert(sizeof(CompiledRule) == 24);

using Bits = std::vector<uint64_t>;

struct DimensionIndex
{
    std::vector<std::vector<uint32_t>> includes; // value id -> bits
    std::vector<std::vector<uint32_t>> excludes; // value id -> bits
    Bits unrestricted;                           // campaigns with no INCLUDE rule here
    // Values named by at least one campaign in 512: (unrestricted | includes) & ~excludes,
    // precomputed so a match reads one bitset instead of marking thousands of bits.
    std::vector<Bits> allowed;                   // value id -> bits; empty for the other values
};

// Removes the ids met before, keeping the first of each in its place; returns the new end.
int *dropRepeats(int *begin, int *end);
template<typename Ids>
void dropRepeats(Ids &ids)
{
    ids.resize(dropRepeats(ids.data(), ids.data() + ids.size()) - ids.data());
}

} // namespace compiled

using compiled::CompiledRule;
using compiled::DimensionIndex;

struct MatchIndex::CampaignEntry
{
    qint64 id = 0;
    QString code;
    bool active = false;
    bool deleted = false;
    int priority = 0;
    std::unique_ptr<const ServingWindow> window; // none: serves at any time
    std::vector<CompiledRule> rules;
    // Sized once, not vectors: a million entries would pay two capacities each.
    std::unique_ptr<const int[]> valueIds;     // every rule's, one after another
    std::unique_ptr<const QString[]> ownCodes; // the rule codes that are not default ones

    std::span<const int> valuesOf(const CompiledRule &rule) const
    {
        return {valueIds.get() + rule.firstValue, rule.valueCount};
    }
    // The rule's code as stored (a default code is kept as its number alone).
    QString ruleCode(const CompiledRule &rule) const;
};

// Numbers the values and time zones a campaign's compilation meets: a targeting's own
// tables, or a builder's lane in front of tables it shares with other lanes.
struct MatchIndex::Numbering
{
    virtual int valueIdOfSpelling(Dimension dimension, const QString &raw) = 0; // numbers a new value
    virtual std::unique_ptr<const ServingWindow> window(const ServingTimes &times) = 0; // numbers a new zone

protected:
    ~Numbering() = default;
};

struct MatchIndex::Targeting : MatchIndex::Numbering
{
    using EntryPointer = std::shared_ptr<const CampaignEntry>; // shared by successive indexes
    static bool byId(const EntryPointer &a, const EntryPointer &b) { return a->id < b->id; }

    static EntryPointer compile(const CampaignWithRules &campaign, Numbering &numbering);
    EntryPointer compile(const CampaignWithRules &campaign) { return compile(campaign, *this); }
    int valueIdOf(Dimension dimension, const QString &value) const; // -1: no rule names it
    int valueIdOfSpelling(Dimension dimension, const QString &raw) override;
    std::unique_ptr<const ServingWindow> window(const ServingTimes &times) override;
    void compileBits();                                      // from campaigns, once they are sorted by id
    const CampaignEntry *find(qint64 campaignId) const;
    std::array<int, kDimensionCount> valueIdsOf(const TargetingQuery &query) const;
    // A targeting with no campaigns yet that numbers values and zones as this one does, so
    // this one's compiled campaigns can be shared into it.
    std::shared_ptr<Targeting> numberedAlike() const;

    std::array<QHash<QString, int>, kDimensionCount> valueIds; // normalised value -> value id
    // The same by the values as rules write them: a store writes a few thousand values
    // millions of times, each then normalised once.
    std::array<QHash<QString, int>, kDimensionCount> spellingIds;
    // Value id -> the value as first written (trimmed): explanations show values as people
    // wrote them, one string per distinct value rather than one per rule.
    std::array<std::vector<QString>, kDimensionCount> spellings;
    ServingZones zones;
    std::vector<EntryPointer> campaigns; // id ascending
    // Bits are numbered in answer order, one segment per priority, highest first. In a
    // segment whose ids are close together (ids from a database sequence are) a campaign's
    // bit is firstBit + its id - firstId, so a match turns bits into ids with an addition;
    // in a sparse one it is firstBit + its rank, and `sparseIds` maps it back (a lookup per
    // matched campaign, a cache and TLB miss each in a big index).
    struct Segment
    {
        uint32_t firstBit = 0;
        uint32_t bits = 0;
        qint64 firstId = 0;
        bool dense = true;
        size_t sparseAt = 0; // where its ids start in sparseIds, when not dense
    };
    std::vector<Segment> segments;
    std::vector<qint64> sparseIds;
    // Turns the bits of a match (ascending) into campaign ids.
    void bitsToIds(MatchedIds &ids) const;
    size_t wordCount = 0;                // words in every bitset
    std::array<DimensionIndex, kDimensionCount> dimensions;
    // Deliverable campaigns with a flight or day-parting, and their bits.
    std::vector<std::pair<uint32_t, const CampaignEntry *>> timed;
    qsizetype ruleCount = 0;
    // Every campaign counts as deliverable and serving (status, deletion, flights and
    // day-parting aside): the targeting alone, as reach reports count it.
    bool targetingAlone = false;
};

} // namespace adserve
