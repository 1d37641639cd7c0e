#include "MatchIndex.h"

#include <algorithm>

namespace adserve {

namespace {

constexpr size_t wordsFor(size_t bits) { return (bits + 63) / 64; }
constexpr int kAlwaysWritten = 3; // bits scanMatches() writes for every word

inline void setBit(std::vector<uint64_t> &bits, uint32_t bit) { bits[bit >> 6] |= uint64_t(1) << (bit & 63); }

// Per-thread bitsets a match marks and then clears again, so a match allocates nothing.
// Only values too rare for a precomputed bitset are marked here.
struct MatchScratch
{
    std::array<std::vector<uint64_t>, kDimensionCount> included;
    std::vector<uint64_t> excluded;
    std::vector<uint64_t> none;    // stays all zero: "nothing marked" for dimensions not marked
    std::vector<uint64_t> marked;  // one bit per word the lists touch, so one word per block of 64

    void ensure(size_t words)
    {
        for (auto *bits : {&included[0], &included[1], &included[2], &excluded, &none}) {
            if (bits->size() < words)
                bits->resize(words, 0);
        }
        if (marked.size() < wordsFor(words))
            marked.resize(wordsFor(words), 0);
    }
    void mark(std::vector<uint64_t> &bits, const std::vector<uint32_t> &list)
    {
        for (uint32_t bit : list) {
            setBit(bits, bit);
            setBit(marked, bit >> 6);
        }
    }
    void clear(std::vector<uint64_t> &bits, const std::vector<uint32_t> &list)
    {
        for (uint32_t bit : list) {
            bits[bit >> 6] = 0;
            marked[bit >> 12] = 0;
        }
    }
};

// What one match scans, per word: the bitset of each dimension, and in the blocks of 64
// words where a rare value's lists were marked (`marked`, one word per block) also their marks.
struct Scan
{
    std::array<const uint64_t *, kDimensionCount> base;
    std::array<const uint64_t *, kDimensionCount> included;
    const uint64_t *excluded;
    const uint64_t *marked;
    size_t words;
    qint64 firstId; // what bit 0 stands for
};

// Writes first + the number of each set bit of `bits` to `out`, ascending, and returns
// their end. Matched bits are scattered, so a loop per bit would mispredict about once a
// word; instead the first three are always written (past the end when fewer: three beat
// two and four at a few percent matched) and only a word with more takes the loop.
inline qint64 *writeBits(uint64_t bits, qint64 first, qint64 *out)
{
    constexpr uint64_t kStop = uint64_t(1) << 63; // stands in for "no bit left": never counted
    qint64 *const end = out + __builtin_popcountll(bits);
#pragma GCC unroll 4
    for (int i = 0; i < kAlwaysWritten; ++i, bits &= bits - 1)
        out[i] = first + __builtin_ctzll(bits | kStop);
    for (out += kAlwaysWritten; bits; bits &= bits - 1)
        *out++ = first + __builtin_ctzll(bits);
    return end;
}

// Writes firstId + the number of each matched bit to `out`, ascending, and returns their end.
// The hot loop of every request. A block of 64 words where no rare value was marked (the
// rule) reads one bitset per dimension. On x86-64 it is also compiled for CPUs with popcnt
// and BMI (most since 2013), and the best copy is chosen at load time.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
qint64 *scanMatches(const Scan &scan, qint64 *out)
{
    const auto [base0, base1, base2] = scan.base;
    const auto [included0, included1, included2] = scan.included;
    const uint64_t *excluded = scan.excluded;
    for (size_t block = 0; block * 64 < scan.words; ++block) {
        const size_t end = std::min(scan.words, block * 64 + 64);
        if (scan.marked[block] == 0) {
            for (size_t w = block * 64; w < end; ++w)
                out = writeBits(base0[w] & base1[w] & base2[w], scan.firstId + qint64(w * 64), out);
        } else {
            for (size_t w = block * 64; w < end; ++w) {
                const uint64_t bits = (base0[w] | included0[w]) & (base1[w] | included1[w])
                    & (base2[w] | included2[w]) & ~excluded[w];
                out = writeBits(bits, scan.firstId + qint64(w * 64), out);
            }
        }
    }
    return out;
}

} // namespace

MatchIndex::Builder::Builder()
    : index_(new MatchIndex)
{
}

void MatchIndex::Builder::add(const CampaignWithRules &campaign)
{
    index_->campaigns_.push_back(index_->compile(campaign));
}

std::shared_ptr<const MatchIndex> MatchIndex::Builder::finish()
{
    std::shared_ptr<MatchIndex> index = std::exchange(index_, std::shared_ptr<MatchIndex>(new MatchIndex));
    index->campaigns_.shrink_to_fit();
    std::sort(index->campaigns_.begin(), index->campaigns_.end(), byId);
    index->compileBits();
    return index;
}

std::shared_ptr<const MatchIndex> MatchIndex::build(const QList<CampaignWithRules> &campaigns)
{
    Builder builder;
    for (const CampaignWithRules &campaign : campaigns)
        builder.add(campaign);
    return builder.finish();
}

std::shared_ptr<const MatchIndex> MatchIndex::withChanges(const QList<qint64> &changedIds,
                                                          const QList<CampaignWithRules> &current) const
{
    auto index = std::shared_ptr<MatchIndex>(new MatchIndex);
    // Value numbers stay as they are (a value no rule names any more just goes unused), so
    // the unchanged campaigns' compiled rules are shared, not recompiled.
    index->valueIds_ = valueIds_;
    std::vector<std::shared_ptr<const CampaignEntry>> fresh;
    fresh.reserve(size_t(current.size()));
    std::vector<qint64> replaced(changedIds.cbegin(), changedIds.cend());
    for (const CampaignWithRules &campaign : current) {
        fresh.push_back(index->compile(campaign));
        replaced.push_back(campaign.campaign.id);
    }
    std::sort(fresh.begin(), fresh.end(), byId);
    std::sort(replaced.begin(), replaced.end());

    std::vector<std::shared_ptr<const CampaignEntry>> kept;
    kept.reserve(campaigns_.size());
    for (const auto &entry : campaigns_) {
        if (!std::binary_search(replaced.begin(), replaced.end(), entry->id))
            kept.push_back(entry);
    }
    index->campaigns_.reserve(kept.size() + fresh.size());
    std::merge(kept.begin(), kept.end(), fresh.begin(), fresh.end(), std::back_inserter(index->campaigns_), byId);
    index->compileBits();
    return index;
}

namespace {

// The pieces of a default rule code, "<campaign>-<dimension>-<type>-<n>", made once.
QStringView dimensionPiece(Dimension dimension)
{
    static const std::array<QString, kDimensionCount> names = [] {
        std::array<QString, kDimensionCount> all;
        for (int d = 0; d < kDimensionCount; ++d)
            all[size_t(d)] = dimensionName(Dimension(d));
        return all;
    }();
    return names[size_t(dimension)];
}

QStringView typePiece(RuleType type)
{
    static const QString include = ruleTypeName(RuleType::Include).toLower();
    static const QString exclude = ruleTypeName(RuleType::Exclude).toLower();
    return type == RuleType::Include ? include : exclude;
}

// n when the rule's code is "<campaign>-<dimension>-<type>-<n>" (n from 1 to 65535, no
// leading zero), else 0. Compared piece by piece: no string is built per rule.
quint16 defaultCodeNumber(QStringView campaignCode, const TargetRule &rule)
{
    QStringView rest(rule.code);
    for (const QStringView piece : {campaignCode, dimensionPiece(rule.dimension), typePiece(rule.type)}) {
        if (!rest.startsWith(piece) || rest.size() <= piece.size() || rest[piece.size()] != QLatin1Char('-'))
            return 0;
        rest = rest.sliced(piece.size() + 1);
    }
    if (rest.isEmpty() || rest.startsWith(QLatin1Char('0'))
        || !std::all_of(rest.begin(), rest.end(), [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); }))
        return 0;
    bool ok = false;
    const uint n = rest.toUInt(&ok);
    return ok && n <= 65535 ? quint16(n) : 0;
}

} // namespace

QString MatchIndex::ruleCode(const CampaignEntry &campaign, const CompiledRule &rule)
{
    if (rule.codeNumber == 0)
        return rule.ownCode;
    return campaign.code + QLatin1Char('-') + dimensionPiece(rule.dimension) + QLatin1Char('-') + typePiece(rule.type)
           + QLatin1Char('-') + QString::number(rule.codeNumber);
}

std::shared_ptr<const MatchIndex::CampaignEntry> MatchIndex::compile(const CampaignWithRules &source)
{
    auto entry = std::make_shared<CampaignEntry>();
    entry->id = source.campaign.id;
    entry->code = source.campaign.code;
    entry->active = source.campaign.status == kStatusActive;
    entry->deleted = source.campaign.deleted;
    for (const TargetRule &rule : source.rules) {
        if (rule.deleted)
            continue;
        QHash<QString, int> &valueIds = valueIds_[size_t(rule.dimension)];
        CompiledRule compiled{rule.id, {}, defaultCodeNumber(source.campaign.code, rule), rule.dimension, rule.type, {}};
        if (compiled.codeNumber == 0)
            compiled.ownCode = rule.code;
        for (const QString &raw : rule.values) {
            const QString value = normalizeValue(raw);
            auto it = valueIds.constFind(value);
            if (it == valueIds.cend())
                it = valueIds.insert(value, int(valueIds.size()));
            compiled.valueIds.push_back(it.value());
        }
        std::sort(compiled.valueIds.begin(), compiled.valueIds.end());
        compiled.valueIds.erase(std::unique(compiled.valueIds.begin(), compiled.valueIds.end()), compiled.valueIds.end());
        entry->rules.push_back(std::move(compiled));
    }
    return entry;
}

void MatchIndex::compileBits()
{
    const size_t count = campaigns_.size();
    // Ids from a database sequence are nearly consecutive: then a campaign's bit is its id
    // less the first one, and a match turns bits into ids with an addition. Only ids spread
    // far apart get a table of ids by rank (a lookup per matched campaign, a cache miss each
    // in a big index).
    firstId_ = count ? campaigns_.front()->id : 0;
    const bool bitIsId = count && quint64(campaigns_.back()->id - firstId_) < 2 * quint64(count);
    const size_t bitCount = bitIsId ? size_t(campaigns_.back()->id - firstId_) + 1 : count;
    const size_t words = wordsFor(bitCount);
    wordCount_ = words;
    for (int d = 0; d < kDimensionCount; ++d) {
        DimensionIndex &dim = dimensions_[size_t(d)];
        dim.unrestricted.assign(words, 0);
        dim.includes.resize(size_t(valueIds_[size_t(d)].size()));
        dim.excludes.resize(size_t(valueIds_[size_t(d)].size()));
    }
    if (!bitIsId)
        idsByBit_.resize(count);

    for (size_t rank = 0; rank < count; ++rank) {
        const CampaignEntry &entry = *campaigns_[rank];
        ruleCount_ += qsizetype(entry.rules.size());
        // A campaign that cannot be delivered is left out of every list and bitset: no match
        // then has to test it. explain() still reads its rules from the entry.
        if (!entry.active || entry.deleted)
            continue;
        const uint32_t bit = bitIsId ? uint32_t(entry.id - firstId_) : uint32_t(rank);
        if (!bitIsId)
            idsByBit_[rank] = entry.id;
        std::array<bool, kDimensionCount> hasInclude{};
        for (const CompiledRule &rule : entry.rules) {
            DimensionIndex &dim = dimensions_[size_t(rule.dimension)];
            auto &lists = rule.type == RuleType::Include ? dim.includes : dim.excludes;
            for (int valueId : rule.valueIds) {
                auto &listed = lists[size_t(valueId)];
                // A campaign with two rules naming one value is listed once.
                if (listed.empty() || listed.back() != bit)
                    listed.push_back(bit);
            }
            if (rule.type == RuleType::Include)
                hasInclude[size_t(rule.dimension)] = true;
        }
        for (int d = 0; d < kDimensionCount; ++d) {
            if (!hasInclude[size_t(d)])
                setBit(dimensions_[size_t(d)].unrestricted, bit);
        }
    }
    for (DimensionIndex &dim : dimensions_) {
        dim.allowed.resize(dim.includes.size());
        for (size_t v = 0; v < dim.includes.size(); ++v) {
            if (dim.includes[v].size() + dim.excludes[v].size() < words / 8)
                continue;
            Bits bits = dim.unrestricted;
            for (uint32_t bit : dim.includes[v])
                setBit(bits, bit);
            for (uint32_t bit : dim.excludes[v])
                bits[bit >> 6] &= ~(uint64_t(1) << (bit & 63));
            dim.allowed[v] = std::move(bits);
        }
    }
}

std::vector<qint64> MatchIndex::match(const TargetingQuery &query) const
{
    MatchedIds ids;
    match(query, ids);
    return {ids.begin(), ids.end()};
}

void MatchIndex::match(const TargetingQuery &query, MatchedIds &ids) const
{
    thread_local MatchScratch scratch;
    const size_t words = wordCount_;
    scratch.ensure(words);

    // Per dimension the campaigns that qualify: a popular value's precomputed bitset, or for
    // any other value those with no INCLUDE rule there, plus the value's INCLUDE list, less
    // its EXCLUDE list. The lists are marked in scratch bitsets, and only the words they
    // touch need more than one bitset per dimension.
    std::array<const uint64_t *, kDimensionCount> base{};
    std::array<const uint64_t *, kDimensionCount> included{};
    std::array<const std::vector<uint32_t> *, kDimensionCount> includeLists{};
    std::array<const std::vector<uint32_t> *, kDimensionCount> excludeLists{};
    for (int d = 0; d < kDimensionCount; ++d) {
        const DimensionIndex &dim = dimensions_[size_t(d)];
        base[size_t(d)] = dim.unrestricted.data();
        included[size_t(d)] = scratch.none.data();
        const int valueId = valueIdOf(Dimension(d), query.values[size_t(d)]);
        if (valueId < 0)
            continue;
        if (const Bits &allowed = dim.allowed[size_t(valueId)]; !allowed.empty()) {
            base[size_t(d)] = allowed.data();
            continue;
        }
        included[size_t(d)] = scratch.included[size_t(d)].data();
        includeLists[size_t(d)] = &dim.includes[size_t(valueId)];
        excludeLists[size_t(d)] = &dim.excludes[size_t(valueId)];
        scratch.mark(scratch.included[size_t(d)], *includeLists[size_t(d)]);
        scratch.mark(scratch.excluded, *excludeLists[size_t(d)]);
    }

    // Room for every bit, and for what scanMatches() writes past the last match.
    ids.resize(words * 64 + kAlwaysWritten);
    const bool bitIsId = idsByBit_.empty();
    const Scan scan{base, included, scratch.excluded.data(), scratch.marked.data(), words, bitIsId ? firstId_ : 0};
    ids.resize(size_t(scanMatches(scan, ids.data()) - ids.data()));
    if (!bitIsId) {
        for (qint64 &id : ids)
            id = idsByBit_[size_t(id)];
    }

    for (int d = 0; d < kDimensionCount; ++d) {
        if (includeLists[size_t(d)]) {
            scratch.clear(scratch.included[size_t(d)], *includeLists[size_t(d)]);
            scratch.clear(scratch.excluded, *excludeLists[size_t(d)]);
        }
    }
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
            check.ruleCode = ruleCode(campaign, *deciding);
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
    if (!campaignId)
        return explainFirst(query, ExplainScope::AllCampaigns, campaignCount()).decisions;
    QList<Decision> decisions;
    if (const CampaignEntry *entry = find(*campaignId))
        decisions.append(decide(*entry, valueIdsOf(query), query));
    return decisions;
}

MatchIndex::ExplainPage MatchIndex::explainFirst(const TargetingQuery &query, ExplainScope scope, qsizetype limit) const
{
    // The delivered campaigns are skipped by their matched ids (match() and explain() agree)
    // rather than decided one by one: a request most campaigns match stays cheap too.
    std::vector<qint64> delivered;
    if (scope == ExplainScope::NotDelivered)
        delivered = match(query);
    const std::array<int, kDimensionCount> valueIds = valueIdsOf(query);
    ExplainPage page;
    page.total = qsizetype(campaigns_.size() - delivered.size());
    page.decisions.reserve(std::min(limit, page.total));
    auto next = delivered.cbegin();
    for (const auto &campaign : campaigns_) {
        if (page.decisions.size() >= limit)
            break;
        while (next != delivered.cend() && *next < campaign->id)
            ++next;
        if (next != delivered.cend() && *next == campaign->id)
            continue;
        page.decisions.append(decide(*campaign, valueIds, query));
    }
    return page;
}

QList<qint64> MatchIndex::campaignIds() const
{
    QList<qint64> ids;
    ids.reserve(qsizetype(campaigns_.size()));
    for (const auto &campaign : campaigns_)
        ids.append(campaign->id);
    return ids;
}

QString MatchIndex::codeOf(qint64 campaignId) const
{
    const CampaignEntry *entry = find(campaignId);
    return entry ? entry->code : QString();
}

const MatchIndex::CampaignEntry *MatchIndex::find(qint64 campaignId) const
{
    const auto it = std::lower_bound(campaigns_.begin(), campaigns_.end(), campaignId,
                                     [](const auto &c, qint64 id) { return c->id < id; });
    return it != campaigns_.end() && (*it)->id == campaignId ? it->get() : nullptr;
}

std::array<int, kDimensionCount> MatchIndex::valueIdsOf(const TargetingQuery &query) const
{
    std::array<int, kDimensionCount> valueIds{};
    for (int d = 0; d < kDimensionCount; ++d)
        valueIds[size_t(d)] = valueIdOf(Dimension(d), query.values[size_t(d)]);
    return valueIds;
}

int MatchIndex::valueIdOf(Dimension dimension, const QString &value) const
{
    return valueIds_[size_t(dimension)].value(value, -1);
}

std::optional<qint64> MatchIndex::idOfCode(const QString &code) const
{
    for (const auto &campaign : campaigns_) {
        if (campaign->code == code)
            return campaign->id;
    }
    return std::nullopt;
}

} // namespace adserve
