#include "CampaignCatalog.h"

#include "model/RuleCode.h"
#include "model/RuleReach.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace adserve {

namespace {

// A shared text's head up to its last '/' is kept once when at least this long ("https://a.bc/").
constexpr qsizetype kShortestStem = 13;

struct DayPartingHash
{
    size_t operator()(const DayParting &d) const { return std::hash<WeekHours>()(d.hours) ^ qHash(d.timeZone); }
};

} // namespace

// What the builder looks up while it reads, dropped once the catalog is made.
struct CampaignCatalog::Builder::Interning
{
    // Shared texts by their bytes in the pool (the pool moves as it grows: read through it).
    struct TextHash
    {
        const CampaignCatalog *catalog;
        size_t operator()(quint32 offset) const
        {
            const StoredText text = catalog->storedAt(offset);
            return qHash(text.bytes, text.stem);
        }
    };
    struct TextEqual
    {
        const CampaignCatalog *catalog;
        bool operator()(quint32 a, quint32 b) const
        {
            const StoredText x = catalog->storedAt(a);
            const StoredText y = catalog->storedAt(b);
            return x.stem == y.stem && x.bytes == y.bytes;
        }
    };

    explicit Interning(const CampaignCatalog *catalog)
        : texts(64, TextHash{catalog}, TextEqual{catalog})
    {
    }

    std::unordered_set<quint32, TextHash, TextEqual> texts;
    QHash<QString, quint32> valueIds;
    QHash<QString, int> normalizedIds;
    std::unordered_map<std::string, quint32> lists; // value ids as bytes -> offset in valueLists_
    std::string listKey;
    std::string textBytes; // the text being added, as UTF-8
    // Day-partings by what they are: a few patterns serve many campaigns, and a zone copied per
    // campaign scattered small blocks over the heap that pinned the pages around them.
    std::unordered_map<DayParting, quint32, DayPartingHash> dayPartings;
};

CampaignCatalog::Builder::Builder(std::shared_ptr<const MatchIndex> index)
    : catalog_(std::make_shared<CampaignCatalog>())
    , interning_(std::make_unique<Interning>(catalog_.get()))
{
    catalog_->index_ = std::move(index);
}

CampaignCatalog::Builder::~Builder() = default;

void CampaignCatalog::Builder::reserve(qsizetype campaigns)
{
    catalog_->campaigns_.reserve(size_t(campaigns));
    if (!catalog_->index_) // beside an index nearly every campaign's rules are the index's
        catalog_->rules_.reserve(size_t(campaigns) * 5 / 2); // stores name about 2.4 rules a campaign
}

quint32 CampaignCatalog::Builder::textOf(const QString &text, bool shared)
{
    std::string &bytes = interning_->textBytes;
    const bool ascii = isAscii(text);
    if (ascii) {
        bytes.resize(size_t(text.size()));
        std::transform(text.begin(), text.end(), bytes.begin(), [](QChar c) { return char(c.unicode()); });
    } else {
        const QByteArray utf8 = text.toUtf8();
        bytes.assign(utf8.cbegin(), utf8.cend());
    }
    QByteArrayView whole(bytes);
    const qsizetype stemSize = whole.lastIndexOf('/') + 1;
    if (!shared || stemSize < kShortestStem)
        return storedText(whole, ascii, shared, kNone);
    const QByteArrayView stem = whole.first(stemSize);
    const bool stemAscii = std::all_of(stem.begin(), stem.end(), [](char c) { return uchar(c) < 0x80; });
    const quint32 stemOffset = storedText(stem, stemAscii, true, kNone);
    return storedText(whole.sliced(stemSize), ascii, true, stemOffset);
}

quint32 CampaignCatalog::Builder::storedText(QByteArrayView bytes, bool ascii, bool shared, quint32 stem)
{
    std::vector<char> &pool = catalog_->texts_;
    const size_t offset = pool.size();
    const auto append = [&](const void *data, size_t size) {
        const auto *begin = static_cast<const char *>(data);
        pool.insert(pool.end(), begin, begin + size);
    };
    const quint32 header = quint32(bytes.size()) << 2 | (stem != kNone ? 2 : 0) | (ascii ? 0 : 1);
    append(&header, sizeof header);
    if (stem != kNone)
        append(&stem, sizeof stem);
    append(bytes.data(), size_t(bytes.size()));
    if (!shared)
        return quint32(offset);
    const auto [kept, added] = interning_->texts.insert(quint32(offset));
    if (!added)
        pool.resize(offset); // the same text is in the pool already
    return *kept;
}

quint32 CampaignCatalog::Builder::valueIdOf(const QString &value)
{
    CampaignCatalog &c = *catalog_;
    auto id = interning_->valueIds.constFind(value);
    if (id == interning_->valueIds.cend()) {
        const QString normalized = normalizeValue(value);
        auto normalizedId = interning_->normalizedIds.constFind(normalized);
        if (normalizedId == interning_->normalizedIds.cend()) {
            normalizedId = interning_->normalizedIds.insert(normalized, int(c.normalized_.size()));
            c.normalized_.append(normalized);
        }
        id = interning_->valueIds.insert(value, quint32(c.values_.size()));
        c.values_.append(value);
        c.normalizedOf_.push_back(*normalizedId);
    }
    return *id;
}

quint32 CampaignCatalog::Builder::dayPartingIdOf(const DayParting &dayParting)
{
    const auto [at, added] = interning_->dayPartings.try_emplace(dayParting, quint32(catalog_->dayPartings_.size()));
    if (added)
        catalog_->dayPartings_.push_back(dayParting);
    return at->second;
}

quint32 CampaignCatalog::Builder::valuesOf(const QStringList &values)
{
    std::string &key = interning_->listKey;
    key.clear();
    for (const QString &value : values) {
        const quint32 id = valueIdOf(value);
        key.append(reinterpret_cast<const char *>(&id), sizeof id);
    }
    return listOf(key);
}

quint32 CampaignCatalog::Builder::listOf(const std::string &valueIds)
{
    CampaignCatalog &c = *catalog_;
    const auto [list, added] = interning_->lists.try_emplace(valueIds, quint32(c.valueLists_.size()));
    if (added) {
        c.valueLists_.push_back(quint32(valueIds.size() / sizeof(quint32)));
        const size_t first = c.valueLists_.size();
        c.valueLists_.resize(first + valueIds.size() / sizeof(quint32));
        std::memcpy(c.valueLists_.data() + first, valueIds.data(), valueIds.size());
    }
    return list->second;
}

// RuleReach::dimensionThatNeverQualifies on value numbers: with it, a reload at 100k took
// about a fifth longer.
bool CampaignCatalog::Builder::neverQualifies(qsizetype firstRule, qsizetype ruleCount) const
{
    const CampaignCatalog &c = *catalog_;
    for (Dimension dimension : kDimensions) {
        std::vector<int> included, excluded;
        bool hasInclude = false;
        for (qsizetype r = firstRule; r < firstRule + ruleCount; ++r) {
            const Rule &rule = c.rules_[size_t(r)];
            if (rule.deleted || rule.dimension != dimension)
                continue;
            hasInclude = hasInclude || rule.type == RuleType::Include;
            std::vector<int> &into = rule.type == RuleType::Include ? included : excluded;
            const quint32 *list = c.valuesAt(rule.values);
            for (quint32 v = 1; v <= list[0]; ++v)
                into.push_back(c.normalizedOf_[list[v]]);
        }
        if (includesOnlyExcluded(hasInclude, included, excluded))
            return true;
    }
    return false;
}

void CampaignCatalog::Builder::addOwnRules(Record &record, const CampaignWithRules &source)
{
    CampaignCatalog &c = *catalog_;
    record.firstRule = quint32(c.rules_.size());
    record.ruleCount = quint32(source.rules.size());
    for (const TargetRule &rule : source.rules) {
        Rule compact;
        compact.id = rule.id;
        const quint16 n = defaultRuleCodeNumber(source.campaign.code, rule.dimension, rule.type, rule.code);
        compact.code = n ? (kDefaultCode | n) : textOf(rule.code, false);
        compact.values = valuesOf(rule.values);
        compact.dimension = rule.dimension;
        compact.type = rule.type;
        compact.deleted = rule.deleted;
        const RuleTimes times{msOf(rule.createdAt), msOf(rule.updatedAt), msOf(rule.deletedAt)};
        if (times.createdMs != record.createdMs || times.updatedMs != record.updatedMs || times.deletedMs != kNoTime) {
            compact.times = quint32(c.ruleTimes_.size());
            c.ruleTimes_.push_back(times);
        }
        c.rules_.push_back(compact);
    }
    if (neverQualifies(record.firstRule, record.ruleCount))
        record.flags |= kNeverQualifies;
}

void CampaignCatalog::Builder::addSharedRules(Record &record, const CampaignWithRules &source)
{
    CampaignCatalog &c = *catalog_;
    if (MatchIndex::neverQualifies(*record.shared))
        record.flags |= kNeverQualifies;
    // The index keeps no times. When a rule's are not the campaign's (a live rule may carry a
    // deletion time too), every rule's are kept here, one after another.
    const bool ownTimes = std::any_of(source.rules.cbegin(), source.rules.cend(), [&](const TargetRule &rule) {
        return msOf(rule.createdAt) != record.createdMs || msOf(rule.updatedAt) != record.updatedMs
            || rule.deletedAt.isValid();
    });
    record.firstRule = ownTimes ? quint32(c.ruleTimes_.size()) : kNone;
    if (ownTimes) {
        for (const TargetRule &rule : source.rules)
            c.ruleTimes_.push_back({msOf(rule.createdAt), msOf(rule.updatedAt), msOf(rule.deletedAt)});
    }
}

void CampaignCatalog::Builder::add(const CampaignWithRules &source)
{
    CampaignCatalog &c = *catalog_;
    const Campaign &campaign = source.campaign;
    Record record;
    record.id = campaign.id;
    record.createdMs = msOf(campaign.createdAt);
    record.updatedMs = msOf(campaign.updatedAt);
    // Codes are unique; the other texts are often shared (a CTA, a status, a name reused).
    record.texts = {kNone, textOf(campaign.name, true), textOf(campaign.status, true), textOf(campaign.cta, true),
                    textOf(campaign.image, true)};
    record.priority = campaign.priority;
    if (!campaign.serving.isAlways() || campaign.deletedAt.isValid()) {
        record.extras = quint32(c.extras_.size());
        const ServingTimes &serving = campaign.serving;
        c.extras_.push_back({msOf(serving.flightStart), msOf(serving.flightEnd), msOf(campaign.deletedAt),
                             serving.dayParting ? dayPartingIdOf(*serving.dayParting) : kNone});
    }
    record.flags = (campaign.deleted ? kDeleted : 0) | (campaign.status == kStatusActive ? kActive : 0);
    if (c.index_ && (record.shared = c.index_->sharedTargetingOf(source)))
        addSharedRules(record, source);
    else
        addOwnRules(record, source);
    if (!record.shared || MatchIndex::codeOf(*record.shared) != campaign.code)
        record.texts[size_t(Text::Code)] = textOf(campaign.code, false); // codes are unique
    c.campaigns_.push_back(record);
}

void CampaignCatalog::Builder::append(Builder &&later)
{
    CampaignCatalog &c = *catalog_;
    const CampaignCatalog &l = *later.catalog_;
    Q_ASSERT(l.index_ == c.index_); // its shared rules live in the index this one keeps
    // Its values numbered as this catalog numbers them, its value lists made of those.
    std::vector<quint32> valueIds(size_t(l.values_.size()));
    for (qsizetype v = 0; v < l.values_.size(); ++v)
        valueIds[size_t(v)] = valueIdOf(l.values_[v]);
    std::vector<quint32> listAt(l.valueLists_.size()); // by its offset there
    std::string &key = interning_->listKey;
    for (size_t offset = 0; offset < l.valueLists_.size(); offset += 1 + l.valueLists_[offset]) {
        key.clear();
        for (quint32 i = 1; i <= l.valueLists_[offset]; ++i)
            key.append(reinterpret_cast<const char *>(&valueIds[l.valueLists_[offset + i]]), sizeof(quint32));
        listAt[offset] = listOf(key);
    }
    // Its texts, rules and the rest follow this one's; offsets into them move by as much.
    const auto textBase = quint32(c.texts_.size());
    const auto ruleBase = quint32(c.rules_.size());
    const auto timesBase = quint32(c.ruleTimes_.size());
    const auto extrasBase = quint32(c.extras_.size());
    c.texts_.insert(c.texts_.end(), l.texts_.cbegin(), l.texts_.cend());
    for (size_t at = textBase; at < c.texts_.size();) { // its texts' stems move too
        const StoredText text = c.storedAt(quint32(at));
        if (text.stem != kNone) {
            const quint32 moved = text.stem + textBase;
            std::memcpy(c.texts_.data() + at + sizeof(quint32), &moved, sizeof moved); // after the header
        }
        at = size_t(text.bytes.data() + text.bytes.size() - c.texts_.data());
    }
    c.ruleTimes_.insert(c.ruleTimes_.end(), l.ruleTimes_.cbegin(), l.ruleTimes_.cend());
    std::vector<quint32> dayPartingIds(l.dayPartings_.size()); // its day-partings as this one numbers them
    for (size_t d = 0; d < l.dayPartings_.size(); ++d)
        dayPartingIds[d] = dayPartingIdOf(l.dayPartings_[d]);
    c.extras_.reserve(c.extras_.size() + l.extras_.size());
    for (Extras extras : l.extras_) {
        if (extras.dayParting != kNone)
            extras.dayParting = dayPartingIds[extras.dayParting];
        c.extras_.push_back(extras);
    }
    c.rules_.reserve(c.rules_.size() + l.rules_.size());
    for (Rule rule : l.rules_) {
        if (!(rule.code & kDefaultCode))
            rule.code += textBase;
        rule.values = listAt[rule.values];
        if (rule.times != kNone)
            rule.times += timesBase;
        c.rules_.push_back(rule);
    }
    c.campaigns_.reserve(c.campaigns_.size() + l.campaigns_.size());
    for (Record record : l.campaigns_) {
        for (quint32 &text : record.texts) {
            if (text != kNone)
                text += textBase;
        }
        if (!record.shared)
            record.firstRule += ruleBase;
        else if (record.firstRule != kNone)
            record.firstRule += timesBase;
        if (record.extras != kNone)
            record.extras += extrasBase;
        c.campaigns_.push_back(record);
    }
    later.catalog_.reset();
    later.interning_.reset();
}

std::shared_ptr<const CampaignCatalog> CampaignCatalog::Builder::finish()
{
    CampaignCatalog &c = *catalog_;
    interning_.reset();
    const auto byId = [](const Record &a, const Record &b) { return a.id < b.id; };
    if (!std::is_sorted(c.campaigns_.cbegin(), c.campaigns_.cend(), byId))
        std::sort(c.campaigns_.begin(), c.campaigns_.end(), byId);
    // Grown by doubling while read: give back what was never used.
    c.campaigns_.shrink_to_fit();
    c.rules_.shrink_to_fit();
    c.ruleTimes_.shrink_to_fit();
    c.extras_.shrink_to_fit();
    c.texts_.shrink_to_fit();
    c.valueLists_.shrink_to_fit();
    size_t slotCount = 16;
    while (slotCount < c.campaigns_.size() * 2)
        slotCount *= 2;
    c.codeSlots_.assign(slotCount, 0);
    for (size_t i = 0; i < c.campaigns_.size(); ++i) {
        size_t slot = qHash(c.text(qsizetype(i), Text::Code)) & (slotCount - 1);
        while (c.codeSlots_[slot] != 0)
            slot = (slot + 1) & (slotCount - 1);
        c.codeSlots_[slot] = quint32(i + 1);
    }
    return std::exchange(catalog_, {});
}

std::shared_ptr<const CampaignCatalog> CampaignCatalog::make(const QList<CampaignWithRules> &campaigns,
                                                             std::shared_ptr<const MatchIndex> index)
{
    Builder builder(std::move(index));
    builder.reserve(campaigns.size());
    for (const CampaignWithRules &campaign : campaigns)
        builder.add(campaign);
    return builder.finish();
}

} // namespace adserve
