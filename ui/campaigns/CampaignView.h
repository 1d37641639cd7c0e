#pragma once

#include "CampaignCatalog.h"

#include <QString>

#include <array>
#include <atomic>
#include <memory>
#include <vector>

namespace adserve {

class MatchIndex;

// Which campaigns the table shows. Every part given must hold (they combine with AND).
struct CampaignFilter
{
    enum class Status { Any, Active, Inactive };

    QString text; // in the code, name, status, CTA or image URL, in any case
    // Per dimension, a request value the campaign must qualify for by its rules (as delivery
    // decides it: "serves in US" includes campaigns with no country rule); empty: any.
    std::array<QString, kDimensionCount> qualifiesFor;
    Status status = Status::Any;
    // Only campaigns no request can ever get: a dimension excludes every value it includes,
    // or the flight has ended.
    bool neverServes = false;

    bool isEmpty() const { return *this == CampaignFilter{}; }
    // Whether every campaign this filter admits, `wider` admits too: then this one's result
    // is `wider`'s result filtered further, not the whole store again.
    bool narrows(const CampaignFilter &wider) const;
    bool operator==(const CampaignFilter &) const = default;
};

// The column the table is sorted by (CampaignTableModel::Column) and the direction; ties
// keep id order.
struct CampaignSort
{
    int column = 0;
    bool descending = false;
    bool operator==(const CampaignSort &) const = default;
};

// The rows a filter and a sort make of a catalog: catalog indexes in the order shown, and
// the inverse, so a campaign's row is found without a search.
struct CampaignRows
{
    std::vector<int> shown;
    std::vector<int> rowOfIndex; // by catalog index: its row in `shown`, -1 when filtered out
};

// What to arrange and what with. Runs off the GUI thread: everything it reads is immutable.
struct CampaignArrangement
{
    std::shared_ptr<const CampaignCatalog> catalog;
    CampaignFilter filter;
    CampaignSort sort;
    std::shared_ptr<const MatchIndex> index; // for the serving columns and "never serves"
    qint64 now = 0;
    // The rows of a wider filter over the same catalog, already sorted by `sortOfWithin`:
    // only these are looked at (typing one more letter filters the last result, not the store).
    std::shared_ptr<const CampaignRows> within;
    CampaignSort sortOfWithin;

    // Empty (and soon) once `cancelled` is set.
    CampaignRows arrange(const std::atomic<bool> &cancelled) const;

private:
    // The filter as it is compared with every campaign: its text case-folded, its values numbered.
    struct Wanted
    {
        CampaignCatalog::Needle text;
        std::array<CampaignCatalog::RequestValue, kDimensionCount> values;
    };
    bool admits(int index, const Wanted &wanted) const;
    // The candidates the filter admits, in their order; partial once `cancelled` is set.
    std::vector<int> admitted(const std::vector<int> &candidates, const std::atomic<bool> &cancelled) const;
    void sortRows(std::vector<int> &rows, const std::atomic<bool> &cancelled) const;
};

} // namespace adserve
