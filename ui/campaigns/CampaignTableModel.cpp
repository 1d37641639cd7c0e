#include "CampaignTableModel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QTimer>

#include <algorithm>

namespace adserve {

namespace {

// Serving changes only at boundaries, which the timer wakes for; the minute keeps "now"
// honest besides, e.g. for a boundary of an index swapped in after the last look.
constexpr qint64 kRefreshAtLeastEveryMs = 60'000;

QString shownLocal(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

// "flight 13/03/2026 09:00 – … · Mon–Fri 09–18 Europe/Berlin": why a campaign serves when it does.
QString describeServing(const ServingTimes &times)
{
    if (times.isAlways())
        return CampaignTableModel::tr("No flight or day-parting: serves whenever it is active");
    QStringList parts;
    if (times.flightStart.isValid() || times.flightEnd.isValid()) {
        const auto end = [](const QDateTime &time) { return time.isValid() ? shownLocal(time) : QStringLiteral("…"); };
        parts.append(CampaignTableModel::tr("flight %1 – %2").arg(end(times.flightStart), end(times.flightEnd)));
    }
    if (times.dayParting)
        parts.append(times.dayParting->describe());
    return parts.join(QStringLiteral(" · "));
}

} // namespace

CampaignTableModel::CampaignTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , servingTimer_(new QTimer(this))
{
    servingTimer_->setSingleShot(true);
    servingTimer_->setTimerType(Qt::PreciseTimer); // a coarse timer may wake before the boundary
    connect(servingTimer_, &QTimer::timeout, this, &CampaignTableModel::refreshServing);
}

void CampaignTableModel::setCampaigns(QList<CampaignWithRules> campaigns)
{
    beginResetModel();
    campaigns_ = std::move(campaigns);
    standings_.assign(size_t(campaigns_.size()), Standing{});
    readServing();
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

void CampaignTableModel::setIndexSource(IndexSource source)
{
    indexSource_ = std::move(source);
    refreshServing();
}

void CampaignTableModel::refreshServing()
{
    readServing();
    // A standing holds until its next change: only those worked out before (shown, sorted
    // or filtered by) whose change has come are worked out again. The rest stay as they are,
    // and a change of the serving times reloads the table anyway.
    int first = -1, last = -1;
    for (int row = 0; row < int(standings_.size()); ++row) {
        Standing &standing = standings_[size_t(row)];
        if (standing.nextChange <= now_ || standing.order == NotIndexedOrder) {
            standing = {};
            first = first < 0 ? row : first;
            last = row;
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, ServingNow), index(last, NextChange));
}

void CampaignTableModel::readServing()
{
    index_ = indexSource_ ? indexSource_() : nullptr;
    now_ = QDateTime::currentMSecsSinceEpoch();
    qint64 next = now_ + kRefreshAtLeastEveryMs;
    if (index_ && index_->nextServingChange() > now_)
        next = std::min(next, index_->nextServingChange());
    servingTimer_->start(int(next - now_));
}

const CampaignTableModel::Standing &CampaignTableModel::standing(int row) const
{
    Standing &standing = standings_[size_t(row)];
    if (standing.order == NotWorkedOut)
        standing = workOut(campaigns_.at(row).campaign);
    return standing;
}

CampaignTableModel::Standing CampaignTableModel::workOut(const Campaign &campaign) const
{
    // Status first, as delivery checks it: an inactive campaign starts nothing on time.
    if (campaign.deleted)
        return {DeletedOrder};
    if (campaign.status != kStatusActive)
        return {InactiveOrder};
    const auto serving = index_ ? index_->servingOf(campaign.id, now_) : std::nullopt;
    if (!serving)
        return {NotIndexedOrder}; // not in the index yet: looked at again at each refresh
    return {qint8(serving->state), serving->nextChange};
}

QString CampaignTableModel::orderText(qint8 order)
{
    switch (order) {
    case qint8(ServingWindow::State::Serving): return tr("Yes");
    case qint8(ServingWindow::State::NotStarted): return tr("Not started");
    case qint8(ServingWindow::State::Ended): return tr("Ended");
    case qint8(ServingWindow::State::OutsideHours): return tr("Outside hours");
    case InactiveOrder: return tr("Inactive");
    case DeletedOrder: return tr("Deleted");
    }
    return {};
}

QVariant CampaignTableModel::servingData(int row, Column column, int role) const
{
    const Standing &now = standing(row);
    if (column == ServingNow) {
        if (role == kSortRole)
            return int(now.order);
        return role == Qt::ToolTipRole ? describeServing(campaigns_.at(row).campaign.serving) : orderText(now.order);
    }
    if (role == kSortRole)
        return now.nextChange; // kNever: after every time
    return now.nextChange == kNever ? QString() : shownLocal(QDateTime::fromMSecsSinceEpoch(now.nextChange));
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
    case Priority: return c.campaign.priority;
    case ServingNow:
    case NextChange: return servingData(index.row(), Column(index.column()), role);
    case Cta: return c.campaign.cta;
    case Image: return c.campaign.image;
    case Rules: return int(c.rules.size());
    case Updated:
        if (role == kSortRole)
            return c.campaign.updatedAt;
        return shownLocal(c.campaign.updatedAt);
    case ColumnCount: break;
    }
    return {};
}

QVariant CampaignTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{tr("Id"),          tr("Code"), tr("Name"),      tr("Status"), tr("Priority"), tr("Serving now"),
                                    tr("Next change"), tr("CTA"),  tr("Image URL"), tr("Rules"),  tr("Updated")};
    return titles.value(section);
}

} // namespace adserve
