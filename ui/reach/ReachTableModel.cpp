#include "ReachTableModel.h"

#include <QLocale>

#include <algorithm>

namespace adserve {

ReachTableModel::ReachTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ReachTableModel::setReport(std::shared_ptr<const ReachReport> report)
{
    beginResetModel();
    report_ = std::move(report);
    order();
    endResetModel();
}

void ReachTableModel::setUnreachedOnly(bool only)
{
    if (only == unreachedOnly_)
        return;
    beginResetModel();
    unreachedOnly_ = only;
    order();
    endResetModel();
}

void ReachTableModel::order()
{
    rows_.clear();
    if (!report_)
        return;
    const auto &campaigns = report_->campaigns;
    rows_.reserve(unreachedOnly_ ? size_t(report_->unreachedCount()) : campaigns.size());
    for (size_t i = 0; i < campaigns.size(); ++i) {
        if (!unreachedOnly_ || campaigns[i].matching == 0)
            rows_.push_back(int(i));
    }
    // Most reach first; the report lists by id, so a stable sort keeps ids ascending on ties.
    std::stable_sort(rows_.begin(), rows_.end(),
                     [&campaigns](int a, int b) { return campaigns[size_t(a)].matching > campaigns[size_t(b)].matching; });
}

const ReachReport::CampaignReach *ReachTableModel::campaignAt(int row) const
{
    return row >= 0 && size_t(row) < rows_.size() ? &report_->campaigns[size_t(rows_[size_t(row)])] : nullptr;
}

int ReachTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int ReachTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReachTableModel::data(const QModelIndex &index, int role) const
{
    const ReachReport::CampaignReach *c = campaignAt(index.row());
    if (!c)
        return {};
    if (role == Qt::TextAlignmentRole)
        return index.column() == Code ? QVariant() : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id:
        return c->id;
    case Code:
        return c->code;
    case Deliverable:
        return c->deliverable ? tr("yes") : tr("no");
    case Matching:
        return QLocale().toString(c->matching);
    case Share:
        return report_->recorded ? QStringLiteral("%1 %").arg(100.0 * double(c->matching) / double(report_->recorded), 0, 'f', 1)
                                 : QString();
    }
    return {};
}

QVariant ReachTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Id");
    case Code:
        return tr("Campaign");
    case Deliverable:
        return tr("Deliverable");
    case Matching:
        return tr("Matching requests");
    case Share:
        return tr("Share of recorded");
    }
    return {};
}

} // namespace adserve
