#include "CampaignCatalog.h"

#include "model/RuleCode.h"
#include "model/RuleReach.h"

#include <QHash>
#include <QVarLengthArray>

#include <algorithm>
#include <cstring>

namespace adserve {

namespace {

char16_t foldedAscii(char16_t c)
{
    return c >= 'A' && c <= 'Z' ? char16_t(c | 0x20) : c;
}

char16_t unitAt(QByteArrayView text, qsizetype i)
{
    return char16_t(uchar(text[i]));
}

char16_t unitAt(QStringView text, qsizetype i)
{
    return text[i].unicode();
}

// Whether the needle begins at `at` of an ASCII text (UTF-8 or UTF-16), ignoring case.
template<typename Text>
bool matchesFoldedAt(Text haystack, qsizetype at, QStringView foldedNeedle)
{
    for (qsizetype k = 0; k < foldedNeedle.size(); ++k) {
        if (foldedAscii(unitAt(haystack, at + k)) != foldedNeedle[k].unicode())
            return false;
    }
    return true;
}

// Whether the ASCII code holds the ASCII `foldedNeedle`, ignoring case.
bool containsFoldedAscii(QStringView haystack, QStringView foldedNeedle)
{
    for (qsizetype at = 0, last = haystack.size() - foldedNeedle.size(); at <= last; ++at) {
        if (matchesFoldedAt(haystack, at, foldedNeedle))
            return true;
    }
    return false;
}

// Whether the ASCII text holds the ASCII `foldedNeedle`, ignoring case: what a filter does
// with the texts of every campaign, so no string is made for it. Eight bytes are looked at
// at once for one that can begin a match (the needle's first letter in either case); only
// there is the whole needle compared.
bool containsFoldedAscii(QByteArrayView haystack, QStringView foldedNeedle)
{
    if (foldedNeedle.isEmpty())
        return true;
    const qsizetype last = haystack.size() - foldedNeedle.size(); // the last place a match can begin
    constexpr quint64 kOnes = 0x0101010101010101ull;
    const quint64 first = foldedNeedle[0].unicode();
    const quint64 caseBit = first >= 'a' && first <= 'z' ? 0x20 : 0; // 'A' | 0x20 == 'a'
    for (qsizetype word = 0; word <= last; word += 8) {
        quint64 bytes = 0; // past the end: zeros, which never begin a match
        if (const qsizetype left = haystack.size() - word; left >= 8)
            std::memcpy(&bytes, haystack.data() + word, 8); // one load
        else
            std::memcpy(&bytes, haystack.data() + word, size_t(left));
        const quint64 differs = (bytes | caseBit * kOnes) ^ (first * kOnes); // a zero byte: a start
        if (((differs - kOnes) & ~differs & (kOnes << 7)) == 0)
            continue;
        for (qsizetype at = word, end = std::min(word + 7, last); at <= end; ++at) {
            if (matchesFoldedAt(haystack, at, foldedNeedle))
                return true;
        }
    }
    return false;
}

// Whether `stem` followed by `tail` holds the needle, without joining them: in either, or
// across where they meet.
bool containsFoldedAscii(QByteArrayView stem, QByteArrayView tail, QStringView foldedNeedle)
{
    if (containsFoldedAscii(stem, foldedNeedle) || containsFoldedAscii(tail, foldedNeedle))
        return true;
    const qsizetype reach = foldedNeedle.size() - 1; // how far a match across may go either side
    const qsizetype fromStem = std::min(reach, stem.size());
    QVarLengthArray<char, 128> seam(stem.end() - fromStem, stem.end());
    seam.append(tail.data(), std::min(reach, tail.size()));
    return containsFoldedAscii(QByteArrayView(seam.data(), seam.size()), foldedNeedle);
}

} // namespace

qint64 CampaignCatalog::msOf(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : kNoTime;
}

QDateTime CampaignCatalog::timeOf(qint64 ms)
{
    return ms == kNoTime ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

bool CampaignCatalog::isAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

qsizetype CampaignCatalog::indexOf(qint64 id) const
{
    const auto found = std::lower_bound(campaigns_.cbegin(), campaigns_.cend(), id,
                                        [](const Record &c, qint64 id) { return c.id < id; });
    return found != campaigns_.cend() && found->id == id ? found - campaigns_.cbegin() : -1;
}

qint64 CampaignCatalog::idOfCode(const QString &code) const
{
    if (codeSlots_.empty())
        return 0;
    const size_t mask = codeSlots_.size() - 1;
    for (size_t slot = qHash(code) & mask; codeSlots_[slot] != 0; slot = (slot + 1) & mask) {
        const qsizetype index = qsizetype(codeSlots_[slot] - 1);
        if (text(index, Text::Code) == code)
            return id(index);
    }
    return 0;
}

CampaignCatalog::StoredText CampaignCatalog::storedAt(quint32 offset) const
{
    const char *at = texts_.data() + offset;
    quint32 header = 0;
    std::memcpy(&header, at, sizeof header);
    at += sizeof header;
    StoredText text;
    if (header & 2) {
        std::memcpy(&text.stem, at, sizeof text.stem);
        at += sizeof text.stem;
    }
    text.bytes = QByteArrayView(at, qsizetype(header >> 2));
    text.ascii = !(header & 1);
    return text;
}

QString CampaignCatalog::textAt(quint32 offset) const
{
    const StoredText text = storedAt(offset);
    QString whole = text.stem == kNone ? QString() : textAt(text.stem);
    return whole.append(text.ascii ? QString::fromLatin1(text.bytes) : QString::fromUtf8(text.bytes));
}

QString CampaignCatalog::text(qsizetype index, Text field) const
{
    const Record &record = campaigns_[size_t(index)];
    const quint32 offset = record.texts[size_t(field)];
    return offset == kNone ? MatchIndex::codeOf(*record.shared) : textAt(offset);
}

CampaignCatalog::Needle::Needle(const QString &text)
    : folded(text.toCaseFolded())
    , ascii(isAscii(folded))
{
}

bool CampaignCatalog::textContains(qsizetype index, Text field, const Needle &needle) const
{
    const Record &record = campaigns_[size_t(index)];
    const quint32 offset = record.texts[size_t(field)];
    // An ASCII text never holds a needle that is not ASCII once folded, as every ASCII
    // character folds to an ASCII one: most stores' texts are ASCII, and are not converted.
    if (offset == kNone) { // the code the index keeps
        const QString &code = MatchIndex::codeOf(*record.shared);
        if (isAscii(code))
            return needle.ascii && containsFoldedAscii(QStringView(code), needle.folded);
        return code.contains(needle.folded, Qt::CaseInsensitive);
    }
    const StoredText text = storedAt(offset);
    if (text.ascii && !needle.ascii)
        return false;
    if (text.ascii) {
        if (text.stem == kNone)
            return containsFoldedAscii(text.bytes, needle.folded);
        return containsFoldedAscii(storedAt(text.stem).bytes, text.bytes, needle.folded);
    }
    // Qt's search folds as toCaseFolded() does (a KELVIN SIGN is a k).
    return textAt(offset).contains(needle.folded, Qt::CaseInsensitive);
}

void CampaignCatalog::prefetchEntry(qsizetype index) const
{
    if (const MatchIndex::CampaignEntry *entry = campaigns_[size_t(index)].shared)
        __builtin_prefetch(entry);
}

void CampaignCatalog::prefetchTexts(qsizetype index) const
{
    const Record &record = campaigns_[size_t(index)];
    for (const quint32 offset : record.texts) {
        if (offset != kNone)
            __builtin_prefetch(texts_.data() + offset);
    }
    if (record.texts[size_t(Text::Code)] == kNone)
        __builtin_prefetch(MatchIndex::codeOf(*record.shared).constData());
}

QDateTime CampaignCatalog::updatedAt(qsizetype index) const
{
    return timeOf(campaigns_[size_t(index)].updatedMs);
}

ServingTimes CampaignCatalog::serving(qsizetype index) const
{
    const quint32 at = campaigns_[size_t(index)].extras;
    if (at == kNone)
        return {};
    const Extras &extras = extras_[at];
    ServingTimes serving{timeOf(extras.flightStartMs), timeOf(extras.flightEndMs), std::nullopt};
    if (extras.dayParting != kNone)
        serving.dayParting = dayPartings_[extras.dayParting];
    return serving;
}

QDateTime CampaignCatalog::flightEnd(qsizetype index) const
{
    const quint32 at = campaigns_[size_t(index)].extras;
    return at == kNone ? QDateTime() : timeOf(extras_[at].flightEndMs);
}

int CampaignCatalog::ruleCount(qsizetype index) const
{
    const Record &record = campaigns_[size_t(index)];
    return record.shared ? MatchIndex::ruleCountOf(*record.shared) : int(record.ruleCount);
}

qsizetype CampaignCatalog::sharedTargetingCount() const
{
    return std::count_if(campaigns_.cbegin(), campaigns_.cend(), [](const Record &r) { return r.shared; });
}

CampaignCatalog::RequestValue CampaignCatalog::requestValue(const QString &value) const
{
    RequestValue numbered{int(normalized_.indexOf(normalizeValue(value)))};
    if (index_) {
        for (Dimension dimension : kDimensions)
            numbered.indexIds[size_t(dimension)] = index_->valueIdOf(dimension, value);
    }
    return numbered;
}

bool CampaignCatalog::qualifiesIn(qsizetype index, Dimension dimension, RequestValue value) const
{
    const Record &record = campaigns_[size_t(index)];
    if (record.shared)
        return MatchIndex::qualifiesIn(*record.shared, dimension, value.indexIds[size_t(dimension)]);
    DimensionVerdict verdict;
    for (quint32 r = record.firstRule; r < record.firstRule + record.ruleCount; ++r) {
        const Rule &rule = rules_[r];
        if (rule.deleted || rule.dimension != dimension)
            continue;
        bool names = false;
        const quint32 *list = valuesAt(rule.values);
        for (quint32 v = 1; v <= list[0] && !names; ++v)
            names = normalizedOf_[list[v]] == value.normalizedId;
        if (!verdict.add(rule.type, names))
            break;
    }
    return verdict.qualifies();
}

void CampaignCatalog::setTimes(TargetRule &rule, const Campaign &campaign, quint32 times) const
{
    if (times == kNone) {
        rule.createdAt = campaign.createdAt;
        rule.updatedAt = campaign.updatedAt;
        return;
    }
    rule.createdAt = timeOf(ruleTimes_[times].createdMs);
    rule.updatedAt = timeOf(ruleTimes_[times].updatedMs);
    rule.deletedAt = timeOf(ruleTimes_[times].deletedMs);
}

CampaignWithRules CampaignCatalog::at(qsizetype index) const
{
    const Record &record = campaigns_[size_t(index)];
    CampaignWithRules whole;
    Campaign &c = whole.campaign;
    c.id = record.id;
    c.code = text(index, Text::Code);
    c.name = text(index, Text::Name);
    c.image = text(index, Text::Image);
    c.cta = text(index, Text::Cta);
    c.status = isActive(index) ? kStatusActive : text(index, Text::Status);
    c.createdAt = timeOf(record.createdMs);
    c.updatedAt = timeOf(record.updatedMs);
    c.deleted = record.flags & kDeleted;
    c.priority = record.priority;
    if (record.extras != kNone) {
        c.serving = serving(index);
        c.deletedAt = timeOf(extras_[record.extras].deletedMs);
    }
    if (record.shared) {
        whole.rules = index_->rulesOf(*record.shared, c.id);
        for (qsizetype r = 0; r < whole.rules.size(); ++r)
            setTimes(whole.rules[r], c, record.firstRule == kNone ? kNone : record.firstRule + quint32(r));
        return whole;
    }
    whole.rules.reserve(qsizetype(record.ruleCount));
    for (quint32 r = record.firstRule; r < record.firstRule + record.ruleCount; ++r) {
        const Rule &compact = rules_[r];
        TargetRule rule;
        rule.id = compact.id;
        rule.code = compact.code & kDefaultCode
            ? defaultRuleCode(c.code, compact.dimension, compact.type, quint16(compact.code & ~kDefaultCode))
            : textAt(compact.code);
        rule.campaignId = c.id;
        rule.dimension = compact.dimension;
        rule.type = compact.type;
        const quint32 *list = valuesAt(compact.values);
        rule.values.reserve(qsizetype(list[0]));
        for (quint32 v = 1; v <= list[0]; ++v)
            rule.values.append(values_[qsizetype(list[v])]);
        setTimes(rule, c, compact.times);
        rule.deleted = compact.deleted;
        whole.rules.append(std::move(rule));
    }
    return whole;
}

} // namespace adserve
