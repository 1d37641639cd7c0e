#pragma once

#include "traffic/ReachReport.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace adserve {

// Every campaign of a ReachReport by reach (most matching first), or only those no recorded
// request matches. A view over the report's vector, not a copy: a million rows cost one
// vector of row numbers, and nothing is formatted until a row is drawn.
class ReachTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Code, Deliverable, Matching, Share, ColumnCount };

    explicit ReachTableModel(QObject *parent = nullptr);

    // Null: empty.
    void setReport(std::shared_ptr<const ReachReport> report);
    const ReachReport *report() const { return report_.get(); }
    void setUnreachedOnly(bool only);
    bool unreachedOnly() const { return unreachedOnly_; }
    // The campaign of a row; 0 outside the table.
    const ReachReport::CampaignReach *campaignAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void order();

    std::shared_ptr<const ReachReport> report_;
    bool unreachedOnly_ = false;
    std::vector<int> rows_; // into report_->campaigns, in the order shown
};

} // namespace adserve
