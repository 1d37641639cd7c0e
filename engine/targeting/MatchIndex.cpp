#include "MatchIndex.h"

#include <algorithm>

namespace adserve {

namespace {

constexpr size_t wordsFor(size_t bits) { return (bits + 63) / 64; }
inline void setBit(std::vector<uint64_t> &bits, uint32_t pos) { bits[pos >> 6] |= uint64_t(1) << (pos & 63); }

// Per-thread bitsets a match marks and then clears again, so a match allocates nothing.
struct MatchScratch
{
    std::array<std::vector<uint64_t>, kDimensionCount> included;
    std::vector<uint64_t> excluded;
    std::vector<uint64_t> none;    // stays all zero: "nothing marked" for dense values
    std::vector<uint64_t> matched; // the result bits, counted before the ids are written

    void ensure(size_t words)
    {
        for (auto *bits : {&included[0], &included[1], &included[2], &excluded, &none, &matched}) {
            if (bits->size() < words)
                bits->resize(words, 0);
        }
    }
};

void markAll(std::vector<uint64_t> &bits, const std::vector<uint32_t> &positions)
{
    for (uint32_t pos : positions)
        setBit(bits, pos);
}

void clearAll(std::vector<uint64_t> &bits, const std::vector<uint32_t> &positions)
{
    for (uint32_t pos : positions)
        bits[pos >> 6] = 0;
}

} // namespace

std::shared_ptr<const MatchIndex> MatchIndex::build(const QList<CampaignWithRules> &input)
{
    auto index = std::shared_ptr<MatchIndex>(new MatchIndex);
    std::vector<const CampaignWithRules *> sorted;
    sorted.reserve(size_t(input.size()));
    for (const CampaignWithRules &c : input)
        sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto *a, const auto *b) { return a->campaign.id < b->campaign.id; });

    const size_t count = sorted.size();
    const size_t words = wordsFor(count);
    index->deliverable_.assign(words, 0);
    for (DimensionIndex &dim : index->dimensions_)
        dim.unrestricted.assign(words, 0);
    index->campaigns_.resize(count);
    index->ids_.resize(count);

    for (size_t pos = 0; pos < count; ++pos) {
        const CampaignWithRules &source = *sorted[pos];
        CampaignEntry &entry = index->campaigns_[pos];
        entry.id = source.campaign.id;
        index->ids_[pos] = entry.id;
        entry.code = source.campaign.code;
        entry.active = source.campaign.status == kStatusActive;
        entry.deleted = source.campaign.deleted;
        if (source.campaign.isDeliverable())
            setBit(index->deliverable_, uint32_t(pos));

        std::array<bool, kDimensionCount> hasInclude{};
        for (const TargetRule &rule : source.rules) {
            if (rule.deleted)
                continue;
            DimensionIndex &dim = index->dimensions_[size_t(rule.dimension)];
            CompiledRule compiled{rule.id, rule.code, rule.dimension, rule.type, {}};
            for (const QString &raw : rule.values) {
                const QString value = normalizeValue(raw);
                auto it = dim.valueIds.constFind(value);
                if (it == dim.valueIds.cend()) {
                    it = dim.valueIds.insert(value, int(dim.includes.size()));
                    dim.includes.emplace_back();
                    dim.excludes.emplace_back();
                }
                compiled.valueIds.push_back(it.value());
            }
            std::sort(compiled.valueIds.begin(), compiled.valueIds.end());
            compiled.valueIds.erase(std::unique(compiled.valueIds.begin(), compiled.valueIds.end()),
                                    compiled.valueIds.end());
            auto &lists = rule.type == RuleType::Include ? dim.includes : dim.excludes;
            for (int valueId : compiled.valueIds) {
                auto &positions = lists[size_t(valueId)];
                // A campaign with two rules naming one value is listed once.
                if (positions.empty() || positions.back() != pos)
                    positions.push_back(uint32_t(pos));
            }
            if (rule.type == RuleType::Include)
                hasInclude[size_t(rule.dimension)] = true;
            entry.rules.push_back(std::move(compiled));
            ++index->ruleCount_;
        }
        for (int d = 0; d < kDimensionCount; ++d) {
            if (!hasInclude[size_t(d)])
                setBit(index->dimensions_[size_t(d)].unrestricted, uint32_t(pos));
        }
    }
    for (DimensionIndex &dim : index->dimensions_) {
        dim.allowed.resize(dim.includes.size());
        for (size_t v = 0; v < dim.includes.size(); ++v) {
            if (dim.includes[v].size() + dim.excludes[v].size() < words)
                continue;
            Bits bits = dim.unrestricted;
            for (uint32_t pos : dim.includes[v])
                setBit(bits, pos);
            for (uint32_t pos : dim.excludes[v])
                bits[pos >> 6] &= ~(uint64_t(1) << (pos & 63));
            dim.allowed[v] = std::move(bits);
        }
    }
    return index;
}

std::vector<qint64> MatchIndex::match(const TargetingQuery &query) const
{
    thread_local MatchScratch scratch;
    const size_t words = deliverable_.size();
    scratch.ensure(words);

    // Per dimension the campaigns that qualify are base | marked, less the marked exclusions.
    std::array<const uint64_t *, kDimensionCount> base{};
    std::array<const uint64_t *, kDimensionCount> marked{};
    std::array<const std::vector<uint32_t> *, kDimensionCount> includeLists{};
    std::array<const std::vector<uint32_t> *, kDimensionCount> excludeLists{};
    for (int d = 0; d < kDimensionCount; ++d) {
        const DimensionIndex &dim = dimensions_[size_t(d)];
        base[size_t(d)] = dim.unrestricted.data();
        marked[size_t(d)] = scratch.included[size_t(d)].data();
        const int valueId = dim.idOf(query.values[size_t(d)]);
        if (valueId < 0)
            continue;
        if (const Bits &allowed = dim.allowed[size_t(valueId)]; !allowed.empty()) {
            base[size_t(d)] = allowed.data();
            marked[size_t(d)] = scratch.none.data();
            continue;
        }
        includeLists[size_t(d)] = &dim.includes[size_t(valueId)];
        excludeLists[size_t(d)] = &dim.excludes[size_t(valueId)];
        markAll(scratch.included[size_t(d)], *includeLists[size_t(d)]);
        markAll(scratch.excluded, *excludeLists[size_t(d)]);
    }

    const uint64_t *deliverable = deliverable_.data();
    const uint64_t *excluded = scratch.excluded.data();
    uint64_t *matched = scratch.matched.data();
    size_t count = 0;
    for (size_t w = 0; w < words; ++w) {
        const uint64_t bits = deliverable[w] & (base[0][w] | marked[0][w]) & (base[1][w] | marked[1][w])
                              & (base[2][w] | marked[2][w]) & ~excluded[w];
        matched[w] = bits;
        count += size_t(__builtin_popcountll(bits));
    }
    // Sized once: a growing vector would copy (and fault in) the result several times over.
    std::vector<qint64> ids(count);
    qint64 *out = ids.data();
    for (size_t w = 0; w < words; ++w) {
        for (uint64_t bits = matched[w]; bits; bits &= bits - 1)
            *out++ = ids_[w * 64 + size_t(__builtin_ctzll(bits))];
    }

    for (int d = 0; d < kDimensionCount; ++d) {
        if (includeLists[size_t(d)]) {
            clearAll(scratch.included[size_t(d)], *includeLists[size_t(d)]);
            clearAll(scratch.excluded, *excludeLists[size_t(d)]);
        }
    }
    return ids;
}

Decision MatchIndex::decide(const CampaignEntry &campaign, const std::array<int, kDimensionCount> &valueIds,
                            const TargetingQuery &query) const
{
    Decision decision;
    decision.campaignId = campaign.id;
    decision.campaignCode = campaign.code;
    for (Dimension d : kDimensions) {
        DimensionCheck check;
        check.dimension = d;
        check.value = query.value(d);
        const int valueId = valueIds[size_t(d)];
        const CompiledRule *firstInclude = nullptr;
        const CompiledRule *includedBy = nullptr;
        const CompiledRule *excludedBy = nullptr;
        for (const CompiledRule &rule : campaign.rules) {
            if (rule.dimension != d)
                continue;
            const bool names = valueId >= 0 && std::binary_search(rule.valueIds.begin(), rule.valueIds.end(), valueId);
            if (rule.type == RuleType::Exclude) {
                if (names && !excludedBy)
                    excludedBy = &rule;
            } else {
                if (!firstInclude)
                    firstInclude = &rule;
                if (names && !includedBy)
                    includedBy = &rule;
            }
        }
        const CompiledRule *deciding = excludedBy ? excludedBy : includedBy ? includedBy : firstInclude;
        check.outcome = excludedBy     ? DimensionCheck::Outcome::Excluded
                        : includedBy   ? DimensionCheck::Outcome::Included
                        : firstInclude ? DimensionCheck::Outcome::NotIncluded
                                       : DimensionCheck::Outcome::NoRules;
        if (deciding) {
            check.ruleId = deciding->id;
            check.ruleCode = deciding->code;
        }
        decision.checks.append(check);
    }
    if (campaign.deleted)
        decision.verdict = Decision::Verdict::Deleted;
    else if (!campaign.active)
        decision.verdict = Decision::Verdict::Inactive;
    else
        decision.verdict = decision.decidingCheck() ? Decision::Verdict::Rejected : Decision::Verdict::Matched;
    return decision;
}

QList<Decision> MatchIndex::explain(const TargetingQuery &query, std::optional<qint64> campaignId) const
{
    std::array<int, kDimensionCount> valueIds{};
    for (int d = 0; d < kDimensionCount; ++d)
        valueIds[size_t(d)] = dimensions_[size_t(d)].idOf(query.values[size_t(d)]);

    QList<Decision> decisions;
    if (campaignId) {
        const auto it = std::lower_bound(campaigns_.begin(), campaigns_.end(), *campaignId,
                                         [](const CampaignEntry &c, qint64 id) { return c.id < id; });
        if (it != campaigns_.end() && it->id == *campaignId)
            decisions.append(decide(*it, valueIds, query));
        return decisions;
    }
    decisions.reserve(qsizetype(campaigns_.size()));
    for (const CampaignEntry &campaign : campaigns_)
        decisions.append(decide(campaign, valueIds, query));
    return decisions;
}

QString MatchIndex::codeOf(qint64 campaignId) const
{
    const auto it = std::lower_bound(campaigns_.begin(), campaigns_.end(), campaignId,
                                     [](const CampaignEntry &c, qint64 id) { return c.id < id; });
    return it != campaigns_.end() && it->id == campaignId ? it->code : QString();
}

std::optional<qint64> MatchIndex::idOfCode(const QString &code) const
{
    for (const CampaignEntry &campaign : campaigns_) {
        if (campaign.code == code)
            return campaign.id;
    }
    return std::nullopt;
}

} // namespace adserve
