#include "CampaignTableModel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace adserve {

void CampaignTableModel::setCampaigns(QList<CampaignWithRules> campaigns)
{
    beginResetModel();
    campaigns_ = std::move(campaigns);
    endResetModel();
}

int CampaignTableModel::rowOf(qint64 id) const
{
    for (int row = 0; row < campaigns_.size(); ++row) {
        if (campaigns_.at(row).campaign.id == id)
            return row;
    }
    return -1;
}

int CampaignTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(campaigns_.size());
}

int CampaignTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CampaignTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= campaigns_.size())
        return {};
    const CampaignWithRules &c = campaigns_.at(index.row());
    if (role == kIdRole)
        return c.campaign.id;
    if (role == Qt::ForegroundRole && c.campaign.status != kStatusActive)
        return QBrush(QColor(0x80, 0x80, 0x80));
    if (role != Qt::DisplayRole && role != kSortRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Id: return c.campaign.id;
    case Code: return c.campaign.code;
    case Name: return c.campaign.name;
    case Status: return c.campaign.status;
    case Cta: return c.campaign.cta;
    case Image: return c.campaign.image;
    case Rules: return int(c.rules.size());
    case Updated:
        if (role == kSortRole)
            return c.campaign.updatedAt;
        return QLocale().toString(c.campaign.updatedAt.toLocalTime(), QLocale::ShortFormat);
    case ColumnCount: break;
    }
    return {};
}

QVariant CampaignTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{tr("Id"), tr("Code"), tr("Name"), tr("Status"), tr("CTA"),
                                    tr("Image URL"), tr("Rules"), tr("Updated")};
    return titles.value(section);
}

} // namespace adserve
