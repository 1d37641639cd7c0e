#include "CampaignView.h"

#include "CampaignCatalog.h"
#include "CampaignStanding.h"
#include "CampaignTableModel.h"
#include "model/RuleReach.h"

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
        bool found = false;
        for (const QString *field : {&campaign.code, &campaign.name, &campaign.status, &campaign.cta, &campaign.image})
            found = found || field->contains(text, Qt::CaseInsensitive);
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
    if (filter.isEmpty()) {
        rows.shown = std::move(candidates);
    } else {
        const QString text = filter.text.trimmed();
        rows.shown.reserve(candidates.size());
        for (size_t i = 0; i < candidates.size(); ++i) {
            if (i % kCancelCheckEvery == 0 && cancelled.load())
                return {};
            if (admits(catalog->at(candidates[i]), text))
                rows.shown.push_back(candidates[i]);
        }
    }
    if (!narrowing || sort != sortOfWithin)
        sortRows(rows.shown, cancelled);
    if (cancelled.load())
        return {};
    rows.rowOfIndex.assign(size_t(catalog->size()), -1);
    for (size_t row = 0; row < rows.shown.size(); ++row)
        rows.rowOfIndex[size_t(rows.shown[row])] = int(row);
    return rows;
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
