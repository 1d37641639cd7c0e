#include "CampaignView.h"

#include "CampaignCatalog.h"
#include "CampaignStanding.h"
#include "CampaignTableModel.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <numeric>

namespace adserve {

namespace {

bool statusAdmits(CampaignFilter::Status status, bool active)
{
    switch (status) {
    case CampaignFilter::Status::Any: return true;
    case CampaignFilter::Status::Active: return active;
    case CampaignFilter::Status::Inactive: return !active;
    }
    return true;
}

bool flightEnded(const QDateTime &end, qint64 now)
{
    return end.isValid() && end.toMSecsSinceEpoch() <= now;
}

// How often a loop over campaigns looks whether its work is still wanted.
constexpr int kCancelCheckEvery = 4096;
// How far ahead a text search asks memory for a campaign's index entry, then its texts.
constexpr size_t kEntriesAhead = 16;
constexpr size_t kTextsAhead = 6;
// Below this many campaigns a filter is quicker on one thread than handing half to another.
constexpr size_t kScannedInHalvesFrom = 20000;

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

bool CampaignArrangement::admits(int index, const Wanted &wanted) const
{
    using Text = CampaignCatalog::Text;
    if (!statusAdmits(filter.status, catalog->isActive(index)))
        return false;
    if (!wanted.text.folded.isEmpty()) {
        const auto holds = [&](Text field) { return catalog->textContains(index, field, wanted.text); };
        if (!holds(Text::Code) && !holds(Text::Name) && !holds(Text::Status) && !holds(Text::Cta) && !holds(Text::Image))
            return false;
    }
    for (Dimension dimension : kDimensions) {
        const size_t d = size_t(dimension);
        if (!filter.qualifiesFor[d].isEmpty() && !catalog->qualifiesIn(index, dimension, wanted.values[d]))
            return false;
    }
    return !filter.neverServes || catalog->neverQualifies(index) || flightEnded(catalog->flightEnd(index), now);
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
    Wanted wanted{CampaignCatalog::Needle(filter.text.trimmed()), {}};
    for (int d = 0; d < kDimensionCount; ++d)
        wanted.values[size_t(d)] = catalog->requestValue(filter.qualifiesFor[size_t(d)]);
    const bool searchesText = !wanted.text.folded.isEmpty();
    const auto scan = [&](size_t from, size_t to, std::vector<int> &into) {
        for (size_t i = from; i < to; ++i) {
            if ((i - from) % kCancelCheckEvery == 0 && cancelled.load())
                return;
            if (searchesText) {
                if (i + kEntriesAhead < to)
                    catalog->prefetchEntry(candidates[i + kEntriesAhead]);
                if (i + kTextsAhead < to)
                    catalog->prefetchTexts(candidates[i + kTextsAhead]);
            }
            if (admits(candidates[i], wanted))
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
    // folds at every comparison, several times slower). The keys are one block of text, not a
    // string per row: a million small blocks left the heap scattered after the sort (+100 MB
    // of RSS at 1M campaigns).
    const auto byText = [&](CampaignCatalog::Text field) {
        QString folded;
        struct Key
        {
            quint32 from = 0;
            quint32 size = 0;
        };
        std::vector<Key> keys(size_t(catalog->size()));
        for (size_t i = 0; i < rows.size(); ++i) {
            if (i % kCancelCheckEvery == 0 && cancelled.load())
                return;
            const QString key = catalog->text(rows[i], field).toCaseFolded();
            keys[size_t(rows[i])] = {quint32(folded.size()), quint32(key.size())};
            folded.append(key);
        }
        const auto keyOf = [&](int row) {
            const Key key = keys[size_t(row)];
            return QStringView(folded).sliced(key.from, key.size);
        };
        order([&](int a, int b) { return keyOf(a) < keyOf(b); });
    };
    // Numbers are worked out once per row first: a serving standing costs microseconds.
    const auto byNumber = [&](auto key) {
        std::vector<qint64> keys(size_t(catalog->size()));
        for (size_t i = 0; i < rows.size(); ++i) {
            if (i % kCancelCheckEvery == 0 && cancelled.load())
                return;
            keys[size_t(rows[i])] = key(rows[i]);
        }
        order([&](int a, int b) { return keys[size_t(a)] < keys[size_t(b)]; });
    };
    const auto standing = [&](int i) {
        return CampaignStanding::of(catalog->id(i), catalog->isActive(i), catalog->isDeleted(i), index.get(), now);
    };
    using Text = CampaignCatalog::Text;
    switch (Column(sort.column)) {
    case Column::Id: // catalog order is id order
        std::sort(rows.begin(), rows.end());
        if (sort.descending)
            std::reverse(rows.begin(), rows.end());
        return;
    case Column::Code: return byText(Text::Code);
    case Column::Name: return byText(Text::Name);
    case Column::Status: return byText(Text::Status);
    case Column::Cta: return byText(Text::Cta);
    case Column::Image: return byText(Text::Image);
    case Column::Priority: return byNumber([&](int i) { return qint64(catalog->priority(i)); });
    case Column::Rules: return byNumber([&](int i) { return qint64(catalog->ruleCount(i)); });
    case Column::Updated: return byNumber([&](int i) { return catalog->updatedAt(i).toMSecsSinceEpoch(); });
    case Column::ServingNow: return byNumber([&](int i) { return qint64(standing(i).order()); });
    case Column::NextChange: return byNumber([&](int i) { return standing(i).nextChange(); });
    case Column::ColumnCount: break;
    }
}

} // namespace adserve
