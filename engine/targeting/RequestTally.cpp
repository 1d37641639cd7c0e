#include "RequestTally.h"

#include "MatchIndexData.h"

#include <QHash>

#include <algorithm>

namespace adserve {

namespace {

inline bool testBit(const uint64_t *bits, uint32_t bit) { return (bits[bit >> 6] >> (bit & 63)) & 1; }

// Calls add(bit) for every set bit of `bits`.
template <typename Add>
inline void forEachBit(const uint64_t *bits, size_t words, Add add)
{
    for (size_t w = 0; w < words; ++w) {
        for (uint64_t word = bits[w]; word; word &= word - 1)
            add(uint32_t(w * 64 + size_t(__builtin_ctzll(word))));
    }
}

qint64 popcount(const uint64_t *bits, size_t words)
{
    qint64 count = 0;
    for (size_t w = 0; w < words; ++w)
        count += __builtin_popcountll(bits[w]);
    return count;
}

} // namespace

RequestTally::RequestTally(std::shared_ptr<const MatchIndex> index)
    : index_(std::move(index))
{
    const size_t words = index_->targeting_->wordCount;
    counts_.assign(words * 64, 0);
    group_.assign(words, 0);
    free_.assign(words, 0);
}

int RequestTally::valueNumber(Dimension dimension, const QString &normalizedValue) const
{
    return index_->targeting_->valueIdOf(dimension, normalizedValue);
}

const uint64_t *RequestTally::withoutRules(Dimension dimension)
{
    std::vector<uint64_t> &bits = withoutRules_[size_t(dimension)];
    if (bits.empty()) {
        const DimensionIndex &dim = index_->targeting_->dimensions[size_t(dimension)];
        bits = dim.unrestricted; // no INCLUDE rule here ...
        for (const std::vector<uint32_t> &excluding : dim.excludes) {
            for (uint32_t bit : excluding) // ... and no EXCLUDE rule either
                bits[bit >> 6] &= ~(uint64_t(1) << (bit & 63));
        }
    }
    return bits.data();
}

const uint64_t *RequestTally::qualifying(Dimension dimension, int value, std::vector<uint64_t> &scratch)
{
    const DimensionIndex &dim = index_->targeting_->dimensions[size_t(dimension)];
    if (value == kUnknownValue)
        return withoutRules(dimension);
    if (value < 0)
        return dim.unrestricted.data();
    if (const auto &allowed = dim.allowed[size_t(value)]; !allowed.empty())
        return allowed.data();
    // (no INCLUDE here, or an INCLUDE naming the value) and no EXCLUDE naming it
    scratch = dim.unrestricted;
    for (uint32_t bit : dim.includes[size_t(value)])
        scratch[bit >> 6] |= uint64_t(1) << (bit & 63);
    for (uint32_t bit : dim.excludes[size_t(value)])
        scratch[bit >> 6] &= ~(uint64_t(1) << (bit & 63));
    return scratch.data();
}

void RequestTally::add(int country, int os, const std::vector<AppRequests> &apps, std::vector<qint32> *matchCounts)
{
    const MatchIndex::Targeting &t = *index_->targeting_;
    const size_t words = t.wordCount;
    const uint64_t *inCountry = qualifying(Dimension::Country, country, country_);
    const uint64_t *inOs = qualifying(Dimension::Os, os, os_);
    const uint64_t *serving = index_->serving_.empty() ? nullptr : index_->serving_.data();
    const DimensionIndex &appIndex = t.dimensions[size_t(Dimension::App)];
    const uint64_t *anyApp = appIndex.unrestricted.data();
    for (size_t w = 0; w < words; ++w) {
        group_[w] = inCountry[w] & inOs[w] & (serving ? serving[w] : ~uint64_t(0));
        free_[w] = group_[w] & anyApp[w];
    }
    const qint64 freeCount = popcount(free_.data(), words);
    if (matchCounts)
        matchCounts->resize(apps.size());

    qint64 shared = 0; // the requests every campaign of free_ gets
    for (size_t i = 0; i < apps.size(); ++i) {
        const auto [app, requests] = apps[i];
        qint64 matched = freeCount;
        if (app == kUnknownValue) {
            const uint64_t *certain = withoutRules(Dimension::App);
            matched = 0;
            for (size_t w = 0; w < words; ++w) {
                for (uint64_t word = group_[w] & certain[w]; word; word &= word - 1, ++matched)
                    counts_[w * 64 + size_t(__builtin_ctzll(word))] += requests;
            }
        } else if (app < 0) {
            shared += requests;
        } else {
            const std::vector<uint32_t> &included = appIndex.includes[size_t(app)];
            const std::vector<uint32_t> &excluded = appIndex.excludes[size_t(app)];
            const auto &allowed = appIndex.allowed[size_t(app)];
            if (!allowed.empty() && included.size() + excluded.size() > words + size_t(freeCount)) {
                // Named by so many campaigns that one pass over its bitset is cheaper.
                matched = 0;
                for (size_t w = 0; w < words; ++w) {
                    for (uint64_t word = group_[w] & allowed[w]; word; word &= word - 1, ++matched)
                        counts_[w * 64 + size_t(__builtin_ctzll(word))] += requests;
                }
            } else {
                shared += requests;
                for (uint32_t bit : excluded) {
                    if (testBit(free_.data(), bit)) {
                        counts_[bit] -= requests; // given back with `shared` below
                        --matched;
                    }
                }
                // Both lists ascend: an INCLUDE counts unless the campaign also excludes the app.
                auto next = excluded.cbegin();
                for (uint32_t bit : included) {
                    if (!testBit(group_.data(), bit))
                        continue;
                    while (next != excluded.cend() && *next < bit)
                        ++next;
                    if (next != excluded.cend() && *next == bit)
                        continue;
                    counts_[bit] += requests;
                    ++matched;
                }
            }
        }
        if (matchCounts)
            (*matchCounts)[i] = qint32(matched);
    }
    if (shared != 0)
        forEachBit(free_.data(), words, [&](uint32_t bit) { counts_[bit] += shared; });
}

void RequestTally::merge(const RequestTally &other)
{
    Q_ASSERT(other.index_ == index_);
    for (size_t bit = 0; bit < counts_.size(); ++bit)
        counts_[bit] += other.counts_[bit];
}

std::vector<const MatchIndex::CampaignEntry *> RequestTally::campaignsByBit() const
{
    const MatchIndex::Targeting &t = *index_->targeting_;
    std::vector<const MatchIndex::CampaignEntry *> entries(counts_.size(), nullptr);
    // One segment per priority: find each priority's segment by the campaign it starts with.
    QHash<int, const MatchIndex::Targeting::Segment *> segmentOf;
    for (const auto &segment : t.segments) {
        const qint64 firstId = segment.dense ? segment.firstId : t.sparseIds[segment.sparseAt];
        if (const auto *entry = t.find(firstId))
            segmentOf.insert(entry->priority, &segment);
    }
    for (const auto &entry : t.campaigns) {
        const auto *segment = segmentOf.value(entry->priority);
        if (!segment)
            continue;
        size_t bit = segment->firstBit;
        if (segment->dense) {
            bit += size_t(entry->id - segment->firstId);
        } else {
            const auto begin = t.sparseIds.cbegin() + qsizetype(segment->sparseAt);
            bit += size_t(std::lower_bound(begin, begin + segment->bits, entry->id) - begin);
        }
        entries[bit] = entry.get();
    }
    return entries;
}

std::vector<RequestTally::CampaignRequests> RequestTally::perCampaign() const
{
    const auto entries = campaignsByBit();
    std::vector<CampaignRequests> all;
    all.reserve(size_t(index_->campaignCount()));
    for (size_t bit = 0; bit < entries.size(); ++bit) {
        if (const auto *entry = entries[bit])
            all.push_back({entry->id, counts_[bit], entry->active && !entry->deleted});
    }
    std::sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    return all;
}

std::vector<RequestTally::CampaignRequests> RequestTally::counted() const
{
    MatchedIds bits;
    std::vector<qint64> requests;
    for (size_t bit = 0; bit < counts_.size(); ++bit) {
        if (counts_[bit] != 0) {
            bits.push_back(qint64(bit));
            requests.push_back(counts_[bit]);
        }
    }
    index_->targeting_->bitsToIds(bits);
    std::vector<CampaignRequests> result(bits.size());
    for (size_t i = 0; i < bits.size(); ++i)
        result[i] = {bits[i], requests[i], true};
    return result;
}

} // namespace adserve
