#include "CampaignView.h"

#include "CampaignCatalog.h"
#include "CampaignStanding.h"
#include "CampaignTableModel.h"
#include "model/RuleReach.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <numeric>

namespace adserve {

namespace {

bool statusAdmits(CampaignFilter::Status status, const Campaign &campaign)
{
    switch (status) {
    case CampaignFilter::Status::Any: return true;
    case CampaignFilter::Status::Active: return campaign.status == kStatusActive;
    case CampaignFilter::Status::Inactive: return campaign.status != kStatusActive;
    }
    return true;
}

bool flightEnded(const Campaign &campaign, qint64 now)
{
    return campaign.serving.flightEnd.isValid() && campaign.serving.flightEnd.toMSecsSinceEpoch() <= now;
}

// How often a loop over campaigns looks whether its work is still wanted.
constexpr int kCancelCheckEvery = 4096;
// Below this many campaigns a filter is quicker on one thread than handing half to another.
constexpr size_t kScannedInHalvesFrom = 20000;

bool isAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

char16_t foldedAt(QStringView text, qsizetype i)
{
    const char16_t c = text[i].unicode();
    if (c < 0x80)
        return c >= u'A' && c <= u'Z' ? char16_t(c | 0x20) : c;
    return QChar::toCaseFolded(c); // a few fold to ASCII: KELVIN SIGN to k, LONG S to s
}

// Whether `haystack` holds `foldedNeedle`, ignoring case (as contains(Qt::CaseInsensitive)).
// A filter tries every campaign's code, name, status, CTA and image: for the ASCII text nearly
// every search is, this loop spares the table lookup per character of Qt's general search.
bool containsFolded(QStringView haystack, const QString &foldedNeedle, bool needleIsAscii)
{
    if (!needleIsAscii)
        return haystack.contains(foldedNeedle, Qt::CaseInsensitive);
    const qsizetype n = foldedNeedle.size();
    const char16_t *needle = reinterpret_cast<const char16_t *>(foldedNeedle.constData());
    for (qsizetype i = 0, last = haystack.size() - n; i <= last; ++i) {
        qsizetype k = 0;
        while (k < n && foldedAt(haystack, i + k) == needle[k])
            ++k;
        if (k == n)
            return true;
    }
    return false;
}

} // namespace

bool CampaignFilter::narrows(const CampaignFilter &wider) const
{
    const auto narrowsValue = [](const QString &mine, const QString &theirs) {
        return theirs.isEmpty() || normalizeValue(mine) == normalizeValue(theirs);
    };
    for (int d = 0; d < kDimensionCount; ++d) {
        if (!narrowsValue(qualifiesFor[size_t(d)], wider.qualifiesFor[size_t(d)]))
            return false;
    }
    return text.contains(wider.text, Qt::CaseInsensitive) && (wider.status == Status::Any || wider.status == status)
        && (!wider.neverServes || neverServes);
}

bool CampaignArrangement::admits(const CampaignWithRules &c, const QString &text) const
{
    const Campaign &campaign = c.campaign;
    if (!statusAdmits(filter.status, campaign))
        return false;
    if (!text.isEmpty()) {
        const bool ascii = isAscii(text);
        bool found = false;
        for (const QString *field : {&campaign.code, &campaign.name, &campaign.status, &campaign.cta, &campaign.image})
            found = found || containsFolded(*field, text, ascii);
        if (!found)
            return false;
    }
    for (Dimension dimension : kDimensions) {
        const QString &value = filter.qualifiesFor[size_t(dimension)];
        if (!value.isEmpty() && !qualifiesIn(c.rules, dimension, value))
            return false;
    }
    return !filter.neverServes || dimensionThatNeverQualifies(c.rules) || flightEnded(campaign, now);
}

CampaignRows CampaignArrangement::arrange(const std::atomic<bool> &cancelled) const
{
    const bool narrowing = within != nullptr;
    std::vector<int> candidates;
    if (narrowing) {
        candidates = within->shown;
    } else {
        candidates.resize(size_t(catalog->size()));
        std::iota(candidates.begin(), candidates.end(), 0);
    }
    CampaignRows rows;
    rows.shown = filter.isEmpty() ? std::move(candidates) : admitted(candidates, cancelled);
    if (!narrowing || sort != sortOfWithin)
        sortRows(rows.shown, cancelled);
    if (cancelled.load())
        return {};
    rows.rowOfIndex.assign(size_t(catalog->size()), -1);
    for (size_t row = 0; row < rows.shown.size(); ++row)
        rows.rowOfIndex[size_t(rows.shown[row])] = int(row);
    return rows;
}

std::vector<int> CampaignArrangement::admitted(const std::vector<int> &candidates, const std::atomic<bool> &cancelled) const
{
    const QString text = filter.text.trimmed().toCaseFolded();
    const auto scan = [&](size_t from, size_t to, std::vector<int> &into) {
        for (size_t i = from; i < to; ++i) {
            if ((i - from) % kCancelCheckEvery == 0 && cancelled.load())
                return;
            if (admits(catalog->at(candidates[i]), text))
                into.push_back(candidates[i]);
        }
    };
    std::vector<int> first;
    if (candidates.size() < kScannedInHalvesFrom) {
        scan(0, candidates.size(), first);
        return first;
    }
    // Two halves at once: filtering a large store is what the user waits for after a keystroke.
    const size_t half = candidates.size() / 2;
    std::vector<int> second;
    QFuture<void> secondHalf = QtConcurrent::run([&] { scan(half, candidates.size(), second); });
    scan(0, half, first);
    secondHalf.waitForFinished(); // runs it here if no pool thread took it yet
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

void CampaignArrangement::sortRows(std::vector<int> &rows, const std::atomic<bool> &cancelled) const
{
    using Column = CampaignTableModel::Column;
    const auto order = [&](auto less) {
        // Ties (and equal keys) keep id order, which is catalog order, in both directions.
        std::sort(rows.begin(), rows.end(), [&](int a, int b) {
            if (less(b, a))
                return sort.descending;
            if (less(a, b))
                return !sort.descending;
            return a < b;
        });
    };
    // In any case: by the case-folded text, folded once per row (a case-insensitive compare
    // folds at every comparison, several times slower). Folding shares what has no capitals.
    const auto byText = [&](const QString Campaign::*field) {
        std::vector<QString> keys(size_t(catalog->size()));
        for (size_t i = 0; i < rows.size(); ++i) {
            if (i % kCancelCheckEvery == 0 && cancelled.load())
                return;
            keys[size_t(rows[i])] = (catalog->at(rows[i]).campaign.*field).toCaseFolded();
        }
        order([&](int a, int b) { return keys[size_t(a)] < keys[size_t(b)]; });
    };
    // Numbers are worked out once per row first: a serving standing costs microseconds.
    const auto byNumber = [&](auto key) {
        std::vector<qint64> keys(size_t(catalog->size()));
        for (size_t i = 0; i < rows.size(); ++i) {
            if (i % kCancelCheckEvery == 0 && cancelled.load())
                return;
            keys[size_t(rows[i])] = key(catalog->at(rows[i]));
        }
        order([&](int a, int b) { return keys[size_t(a)] < keys[size_t(b)]; });
    };
    switch (Column(sort.column)) {
    case Column::Id: // catalog order is id order
        std::sort(rows.begin(), rows.end());
        if (sort.descending)
            std::reverse(rows.begin(), rows.end());
        return;
    case Column::Code: return byText(&Campaign::code);
    case Column::Name: return byText(&Campaign::name);
    case Column::Status: return byText(&Campaign::status);
    case Column::Cta: return byText(&Campaign::cta);
    case Column::Image: return byText(&Campaign::image);
    case Column::Priority: return byNumber([](const CampaignWithRules &c) { return qint64(c.campaign.priority); });
    case Column::Rules: return byNumber([](const CampaignWithRules &c) { return qint64(c.rules.size()); });
    case Column::Updated: return byNumber([](const CampaignWithRules &c) { return c.campaign.updatedAt.toMSecsSinceEpoch(); });
    case Column::ServingNow:
        return byNumber([&](const CampaignWithRules &c) { return qint64(CampaignStanding::of(c.campaign, index.get(), now).order); });
    case Column::NextChange:
        return byNumber([&](const CampaignWithRules &c) { return CampaignStanding::of(c.campaign, index.get(), now).nextChange; });
    case Column::ColumnCount: break;
    }
}

} // namespace adserve
