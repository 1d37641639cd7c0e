#include "ReachTableModel.h"

#include <QLocale>

#include <algorithm>

namespace adserve {

ReachTableModel::ReachTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

std::vector<int> ReachTableModel::orderByReach(const ReachReport &report)
{
    const auto &campaigns = report.campaigns;
    std::vector<int> order(campaigns.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    // The report lists by id, so a stable sort keeps ids ascending among equals.
    std::stable_sort(order.begin(), order.end(),
                     [&campaigns](int a, int b) { return campaigns[size_t(a)].matching > campaigns[size_t(b)].matching; });
    return order;
}

void ReachTableModel::setReport(std::shared_ptr<const ReachReport> report)
{
    std::vector<int> order = report ? orderByReach(*report) : std::vector<int>();
    setReport(std::move(report), std::move(order));
}

void ReachTableModel::setReport(std::shared_ptr<const ReachReport> report, std::vector<int> order)
{
    beginResetModel();
    report_ = std::move(report);
    order_ = report_ ? std::move(order) : std::vector<int>();
    firstUnreached_ = 0;
    if (report_) {
        const auto &campaigns = report_->campaigns;
        firstUnreached_ = size_t(std::partition_point(order_.begin(), order_.end(),
                                                      [&campaigns](int i) { return campaigns[size_t(i)].matching > 0; })
                                 - order_.begin());
    }
    firstShown_ = unreachedOnly_ ? firstUnreached_ : 0;
    endResetModel();
}

void ReachTableModel::setUnreachedOnly(bool only)
{
    if (only == unreachedOnly_)
        return;
    beginResetModel();
    unreachedOnly_ = only;
    firstShown_ = unreachedOnly_ ? firstUnreached_ : 0;
    endResetModel();
}

const ReachReport::CampaignReach *ReachTableModel::campaignAt(int row) const
{
    const size_t at = firstShown_ + size_t(row);
    return row >= 0 && at < order_.size() ? &report_->campaigns[size_t(order_[at])] : nullptr;
}

int ReachTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(order_.size() - firstShown_);
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
