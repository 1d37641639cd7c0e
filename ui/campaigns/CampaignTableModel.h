#pragma once

#include "model/Campaign.h"

#include <QAbstractTableModel>

namespace adserve {

// The campaigns (not deleted) as table rows: code, name, status, CTA, image URL, number of
// rules, updated. Sorting uses the raw values (Qt::UserRole), so numbers and times sort right.
class CampaignTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Code, Name, Status, Cta, Image, Rules, Updated, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole;
    static constexpr int kIdRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setCampaigns(QList<CampaignWithRules> campaigns);
    const QList<CampaignWithRules> &campaigns() const { return campaigns_; }
    // Row of a campaign, -1 when absent.
    int rowOf(qint64 id) const;
    const CampaignWithRules &at(int row) const { return campaigns_.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<CampaignWithRules> campaigns_;
};

} // namespace adserve
