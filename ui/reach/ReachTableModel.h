#pragma once

#include "traffic/ReachReport.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace adserve {

// Every campaign of a ReachReport by reach (most matching first), or only those no recorded
// request matches. A view over the report's vector, not a copy: a million rows cost one
// vector of row numbers, ordered once (off the GUI thread when the caller orders it first),
// and nothing is formatted until a row is drawn. The campaigns nothing matches come last
// in that order, so showing only them is a range of it, not another pass.
class ReachTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Code, Deliverable, Matching, Share, ColumnCount };

    explicit ReachTableModel(QObject *parent = nullptr);

    // The report's campaigns by reach, most first, ties by id: indexes into report.campaigns.
    static std::vector<int> orderByReach(const ReachReport &report);
    // Null: empty. `order`: orderByReach(*report), when the caller made it already.
    void setReport(std::shared_ptr<const ReachReport> report, std::vector<int> order);
    void setReport(std::shared_ptr<const ReachReport> report);
    const ReachReport *report() const { return report_.get(); }
    std::shared_ptr<const ReachReport> sharedReport() const { return report_; }
    void setUnreachedOnly(bool only);
    bool unreachedOnly() const { return unreachedOnly_; }
    // The campaign of a row; 0 outside the table.
    const ReachReport::CampaignReach *campaignAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const ReachReport> report_;
    bool unreachedOnly_ = false;
    std::vector<int> order_;   // into report_->campaigns, by reach
    size_t firstUnreached_ = 0; // where those nothing matches start in order_
    size_t firstShown_ = 0;     // 0, or firstUnreached_ when only those are shown
};

} // namespace adserve
