#include "MatchIndexData.h"

#include "model/RuleCode.h"

#include <QSet>
#include <QVarLengthArray>

#include <algorithm>
#include <numeric>

namespace adserve {

using compiled::Bits;

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
// words where a rare value's lists were marked (`marked`, one word per block) also their
// marks; and the campaigns serving now, when some have a flight or day-parting.
struct Scan
{
    std::array<const uint64_t *, kDimensionCount> base;
    std::array<const uint64_t *, kDimensionCount> included;
    const uint64_t *excluded;
    const uint64_t *marked;
    const uint64_t *serving; // nullptr: every campaign serves
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

// Writes firstId + the number of each matched bit to `out`, in bit order, and returns their
// end; stops after the block of 64 words in which `enough` was reached. The hot loop of
// every request. A block where no rare value was marked (the rule) reads one bitset per
// dimension. On x86-64 it is also compiled for CPUs with popcnt and BMI (most since 2013),
// and the best copy is chosen at load time.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
qint64 *scanMatches(const Scan &scan, qint64 *out, const qint64 *enough)
{
    const auto [base0, base1, base2] = scan.base;
    const auto [included0, included1, included2] = scan.included;
    const uint64_t *excluded = scan.excluded;
    const uint64_t *serving = scan.serving;
    // One loop for stores with flights or day-parting and one without, so the common case
    // reads no fourth bitset.
    auto run = [&](auto timed) __attribute__((always_inline)) {
        for (size_t block = 0; block * 64 < scan.words && out < enough; ++block) {
            const size_t end = std::min(scan.words, block * 64 + 64);
            if (scan.marked[block] == 0) {
                for (size_t w = block * 64; w < end; ++w) {
                    uint64_t bits = base0[w] & base1[w] & base2[w];
                    if constexpr (decltype(timed)::value)
                        bits &= serving[w];
                    out = writeBits(bits, scan.firstId + qint64(w * 64), out);
                }
            } else {
                for (size_t w = block * 64; w < end; ++w) {
                    uint64_t bits = (base0[w] | included0[w]) & (base1[w] | included1[w]) & (base2[w] | included2[w])
                        & ~excluded[w];
                    if constexpr (decltype(timed)::value)
                        bits &= serving[w];
                    out = writeBits(bits, scan.firstId + qint64(w * 64), out);
                }
            }
        }
        return out;
    };
    return serving ? run(std::true_type()) : run(std::false_type());
}

} // namespace

MatchIndex::MatchIndex(std::shared_ptr<const Targeting> targeting, qint64 ms)
    : targeting_(std::move(targeting))
    , asOf_(ms)
{
    serving_ = servingAt(ms, &nextChange_);
}

std::shared_ptr<const MatchIndex> MatchIndex::build(const QList<CampaignWithRules> &campaigns)
{
    Builder builder;
    for (const CampaignWithRules &campaign : campaigns)
        builder.add(campaign);
    return builder.finish();
}

std::shared_ptr<MatchIndex::Targeting> MatchIndex::Targeting::numberedAlike() const
{
    auto targeting = std::make_shared<Targeting>();
    targeting->valueIds = valueIds;
    targeting->spellingIds = spellingIds;
    targeting->spellings = spellings;
    targeting->zones = zones;
    return targeting;
}

std::shared_ptr<const MatchIndex> MatchIndex::withChanges(const QList<qint64> &changedIds,
                                                          const QList<CampaignWithRules> &current) const
{
    const Targeting &old = *targeting_;
    // Value and zone numbers stay as they are (a value no rule names any more just goes
    // unused), so the unchanged campaigns' compiled rules are shared, not recompiled.
    auto targeting = old.numberedAlike();
    std::vector<Targeting::EntryPointer> fresh;
    fresh.reserve(size_t(current.size()));
    std::vector<qint64> replaced(changedIds.cbegin(), changedIds.cend());
    for (const CampaignWithRules &campaign : current) {
        fresh.push_back(targeting->compile(campaign));
        replaced.push_back(campaign.campaign.id);
    }
    std::sort(fresh.begin(), fresh.end(), Targeting::byId);
    std::sort(replaced.begin(), replaced.end());

    std::vector<Targeting::EntryPointer> kept;
    kept.reserve(old.campaigns.size());
    for (const auto &entry : old.campaigns) {
        if (!std::binary_search(replaced.begin(), replaced.end(), entry->id))
            kept.push_back(entry);
    }
    targeting->campaigns.reserve(kept.size() + fresh.size());
    std::merge(kept.begin(), kept.end(), fresh.begin(), fresh.end(), std::back_inserter(targeting->campaigns),
               Targeting::byId);
    targeting->compileBits();
    return std::shared_ptr<const MatchIndex>(new MatchIndex(std::move(targeting), QDateTime::currentMSecsSinceEpoch()));
}

std::shared_ptr<const MatchIndex> MatchIndex::at(qint64 ms) const
{
    return std::shared_ptr<const MatchIndex>(new MatchIndex(targeting_, ms));
}

std::shared_ptr<const MatchIndex> MatchIndex::targetingAlone() const
{
    const Targeting &old = *targeting_;
    auto targeting = old.numberedAlike();
    targeting->campaigns = old.campaigns; // compiled rules shared, only the bitsets are new
    targeting->targetingAlone = true;
    targeting->compileBits();
    return std::shared_ptr<const MatchIndex>(new MatchIndex(std::move(targeting), asOf_));
}

MatchIndex::Bits MatchIndex::servingAt(qint64 ms, qint64 *nextChange) const
{
    const Targeting &t = *targeting_;
    qint64 next = kNever;
    Bits serving;
    if (!t.timed.empty()) {
        serving.assign(t.wordCount, ~uint64_t(0));
        const std::vector<int> weekSlots = t.zones.slotsAt(ms);
        next = t.zones.nextSlotChange(ms);
        for (const auto &[bit, entry] : t.timed) {
            if (entry->window->stateAt(ms, weekSlots) != ServingWindow::State::Serving)
                serving[bit >> 6] &= ~(uint64_t(1) << (bit & 63));
            next = std::min(next, entry->window->nextFlightBoundary(ms));
        }
    }
    if (nextChange)
        *nextChange = next;
    return serving;
}

int *compiled::dropRepeats(int *begin, int *end)
{
    // Most rules name a few values: a look back beats building a set.
    if (end - begin <= 32) {
        int *kept = begin;
        for (int *it = begin; it != end; ++it) {
            if (std::find(begin, kept, *it) == kept)
                *kept++ = *it;
        }
        return kept;
    }
    QSet<int> seen;
    seen.reserve(qsizetype(end - begin));
    const auto repeated = [&seen](int id) {
        if (seen.contains(id))
            return true;
        seen.insert(id);
        return false;
    };
    return std::remove_if(begin, end, repeated);
}

QString MatchIndex::CampaignEntry::ruleCode(const CompiledRule &rule) const
{
    if (rule.codeNumber == 0)
        return ownCodes[rule.ownCode];
    return defaultRuleCode(code, rule.dimension(), rule.type(), rule.codeNumber);
}

MatchIndex::Targeting::EntryPointer MatchIndex::Targeting::compile(const CampaignWithRules &source,
                                                                   Numbering &numbering)
{
    auto entry = std::make_shared<CampaignEntry>();
    entry->id = source.campaign.id;
    entry->code = source.campaign.code;
    entry->active = source.campaign.status == kStatusActive;
    entry->deleted = source.campaign.deleted;
    entry->priority = source.campaign.priority;
    if (!source.campaign.serving.isAlways())
        entry->window = numbering.window(source.campaign.serving);
    QVarLengthArray<int, 64> ids;
    QStringList ownCodes;
    entry->rules.reserve(size_t(source.rules.size()));
    for (const TargetRule &rule : source.rules) {
        if (rule.deleted)
            continue;
        CompiledRule compiled;
        compiled.id = rule.id;
        compiled.dimensionNumber = quint8(rule.dimension);
        compiled.typeNumber = quint8(rule.type);
        compiled.codeNumber = defaultRuleCodeNumber(source.campaign.code, rule.dimension, rule.type, rule.code);
        if (compiled.codeNumber == 0) {
            compiled.ownCode = quint32(ownCodes.size());
            ownCodes.append(rule.code);
        }
        const qsizetype first = ids.size();
        for (const QString &raw : rule.values)
            ids.append(numbering.valueIdOfSpelling(rule.dimension, raw));
        ids.resize(compiled::dropRepeats(ids.data() + first, ids.data() + ids.size()) - ids.data());
        compiled.firstValue = quint32(first);
        compiled.valueCount = quint32(ids.size() - first);
        entry->rules.push_back(compiled);
    }
    if (!ids.isEmpty()) {
        auto values = std::make_unique_for_overwrite<int[]>(size_t(ids.size()));
        std::copy(ids.cbegin(), ids.cend(), values.get());
        entry->valueIds = std::move(values);
    }
    if (!ownCodes.isEmpty()) {
        auto codes = std::make_unique<QString[]>(size_t(ownCodes.size()));
        std::copy(ownCodes.cbegin(), ownCodes.cend(), codes.get());
        entry->ownCodes = std::move(codes);
    }
    return entry;
}

int MatchIndex::Targeting::valueIdOfSpelling(Dimension dimension, const QString &raw)
{
    QHash<QString, int> &known = spellingIds[size_t(dimension)];
    if (const auto it = known.constFind(raw); it != known.cend())
        return it.value();
    QHash<QString, int> &ids = valueIds[size_t(dimension)];
    const QString value = normalizeValue(raw);
    auto it = ids.constFind(value);
    if (it == ids.cend()) {
        it = ids.insert(value, int(ids.size()));
        spellings[size_t(dimension)].push_back(raw.trimmed());
    }
    known.insert(raw, it.value());
    return it.value();
}

std::unique_ptr<const ServingWindow> MatchIndex::Targeting::window(const ServingTimes &times)
{
    return std::make_unique<const ServingWindow>(ServingWindow::compile(times, zones));
}

void MatchIndex::Targeting::compileBits()
{
    const size_t count = campaigns.size();
    // Bits are numbered in answer order: priority, highest first, then id.
    // The priorities side by side: sorting by them then chases no pointer per comparison.
    std::vector<int> priorities(count);
    std::transform(campaigns.begin(), campaigns.end(), priorities.begin(), [](const auto &c) { return c->priority; });
    std::vector<uint32_t> order(count);
    std::iota(order.begin(), order.end(), 0u);
    if (std::any_of(priorities.begin(), priorities.end(), [](int priority) { return priority != 0; })) {
        std::stable_sort(order.begin(), order.end(),
                         [&priorities](uint32_t a, uint32_t b) { return priorities[a] > priorities[b]; });
    }
    std::vector<uint32_t> bitOf(count); // by place in `order`
    for (size_t first = 0; first < count;) {
        size_t end = first;
        while (end < count && priorities[order[end]] == priorities[order[first]])
            ++end;
        Segment segment;
        segment.firstBit = segments.empty() ? 0 : segments.back().firstBit + segments.back().bits;
        segment.firstId = campaigns[order[first]]->id;
        const quint64 span = quint64(campaigns[order[end - 1]]->id - segment.firstId) + 1;
        segment.dense = span < 2 * quint64(end - first);
        segment.bits = uint32_t(segment.dense ? span : end - first);
        segment.sparseAt = sparseIds.size();
        for (size_t place = first; place < end; ++place) {
            const qint64 id = campaigns[order[place]]->id;
            bitOf[place] = segment.firstBit + uint32_t(segment.dense ? id - segment.firstId : qint64(place - first));
            if (!segment.dense)
                sparseIds.push_back(id);
        }
        segments.push_back(segment);
        first = end;
    }
    const size_t words = wordsFor(segments.empty() ? 0 : segments.back().firstBit + segments.back().bits);
    wordCount = words;
    for (int d = 0; d < kDimensionCount; ++d) {
        DimensionIndex &dim = dimensions[size_t(d)];
        dim.unrestricted.assign(words, 0);
        dim.includes.resize(size_t(valueIds[size_t(d)].size()));
        dim.excludes.resize(size_t(valueIds[size_t(d)].size()));
    }
    for (size_t place = 0; place < count; ++place) {
        const CampaignEntry &entry = *campaigns[order[place]];
        ruleCount += qsizetype(entry.rules.size());
        // A campaign that cannot be delivered is left out of every list and bitset: no match
        // then has to test it. explain() still reads its rules from the entry.
        if (!targetingAlone && (!entry.active || entry.deleted))
            continue;
        const uint32_t bit = bitOf[place];
        if (entry.window && !targetingAlone)
            timed.emplace_back(bit, &entry);
        std::array<bool, kDimensionCount> hasInclude{};
        for (const CompiledRule &rule : entry.rules) {
            DimensionIndex &dim = dimensions[size_t(rule.dimension())];
            auto &lists = rule.type() == RuleType::Include ? dim.includes : dim.excludes;
            for (int valueId : entry.valuesOf(rule)) {
                auto &listed = lists[size_t(valueId)];
                // A campaign with two rules naming one value is listed once.
                if (listed.empty() || listed.back() != bit)
                    listed.push_back(bit);
            }
            if (rule.type() == RuleType::Include)
                hasInclude[size_t(rule.dimension())] = true;
        }
        for (int d = 0; d < kDimensionCount; ++d) {
            if (!hasInclude[size_t(d)])
                setBit(dimensions[size_t(d)].unrestricted, bit);
        }
    }
    for (DimensionIndex &dim : dimensions) {
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

std::vector<qint64> MatchIndex::match(const TargetingQuery &query, size_t limit) const
{
    MatchedIds ids;
    match(query, ids, limit);
    return {ids.begin(), ids.end()};
}

void MatchIndex::match(const TargetingQuery &query, MatchedIds &ids, size_t limit) const
{
    scan(query, ids, limit, serving_);
}

void MatchIndex::scan(const TargetingQuery &query, MatchedIds &ids, size_t limit, const Bits &serving) const
{
    const Targeting &t = *targeting_;
    thread_local MatchScratch scratch;
    const size_t words = t.wordCount;
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
        const DimensionIndex &dim = t.dimensions[size_t(d)];
        base[size_t(d)] = dim.unrestricted.data();
        included[size_t(d)] = scratch.none.data();
        const int valueId = t.valueIdOf(Dimension(d), query.values[size_t(d)]);
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
    const size_t room = words * 64;
    ids.resize(room + kAlwaysWritten);
    // One dense segment (a store without priorities): the scan writes ids straight away.
    const bool bitIsId = t.segments.size() == 1 && t.segments.front().dense;
    const Scan scan{base,  included, scratch.excluded.data(), scratch.marked.data(), serving.empty() ? nullptr : serving.data(),
                    words, bitIsId ? t.segments.front().firstId : 0};
    const qint64 *end = scanMatches(scan, ids.data(), ids.data() + std::min(limit, room));
    ids.resize(std::min(size_t(end - ids.data()), limit));
    if (!bitIsId)
        t.bitsToIds(ids);

    for (int d = 0; d < kDimensionCount; ++d) {
        if (includeLists[size_t(d)]) {
            scratch.clear(scratch.included[size_t(d)], *includeLists[size_t(d)]);
            scratch.clear(scratch.excluded, *excludeLists[size_t(d)]);
        }
    }
}

void MatchIndex::Targeting::bitsToIds(MatchedIds &ids) const
{
    auto segment = segments.cbegin();
    for (qint64 &value : ids) {
        while (value >= qint64(segment->firstBit) + segment->bits)
            ++segment;
        const qint64 offset = value - segment->firstBit;
        value = segment->dense ? segment->firstId + offset : sparseIds[segment->sparseAt + size_t(offset)];
    }
}

qsizetype MatchIndex::campaignCount() const
{
    return qsizetype(targeting_->campaigns.size());
}

qsizetype MatchIndex::ruleCount() const
{
    return targeting_->ruleCount;
}

QList<qint64> MatchIndex::campaignIds(qsizetype max) const
{
    const qsizetype count = max < 0 ? qsizetype(campaignCount()) : std::min(max, qsizetype(campaignCount()));
    QList<qint64> ids;
    ids.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        ids.append(targeting_->campaigns[size_t(i)]->id);
    return ids;
}

QString MatchIndex::codeOf(qint64 campaignId) const
{
    const CampaignEntry *entry = targeting_->find(campaignId);
    return entry ? entry->code : QString();
}

const MatchIndex::CampaignEntry *MatchIndex::Targeting::find(qint64 campaignId) const
{
    const auto it = std::lower_bound(campaigns.begin(), campaigns.end(), campaignId,
                                     [](const auto &c, qint64 id) { return c->id < id; });
    return it != campaigns.end() && (*it)->id == campaignId ? it->get() : nullptr;
}

std::array<int, kDimensionCount> MatchIndex::Targeting::valueIdsOf(const TargetingQuery &query) const
{
    std::array<int, kDimensionCount> ids{};
    for (int d = 0; d < kDimensionCount; ++d)
        ids[size_t(d)] = valueIdOf(Dimension(d), query.values[size_t(d)]);
    return ids;
}

int MatchIndex::Targeting::valueIdOf(Dimension dimension, const QString &value) const
{
    return valueIds[size_t(dimension)].value(value, -1);
}

std::optional<qint64> MatchIndex::idOfCode(const QString &code) const
{
    for (const auto &campaign : targeting_->campaigns) {
        if (campaign->code == code)
            return campaign->id;
    }
    return std::nullopt;
}

} // namespace adserve
