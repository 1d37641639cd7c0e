#include "CampaignTableModel.h"

#include "common/BackgroundJob.h"
#include "common/Tones.h"

#include <QBrush>
#include <QColor>
#include <QFuture>
#include <QLocale>
#include <QTimer>
#include <QtConcurrent>

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
    , rows_(std::make_shared<CampaignRows>())
    , servingTimer_(new QTimer(this))
{
    wanted_.catalog = shown_.catalog = CampaignCatalog::make({});
    arranger_.setMaxThreadCount(1);
    servingTimer_->setSingleShot(true);
    servingTimer_->setTimerType(Qt::PreciseTimer); // a coarse timer may wake before the boundary
    connect(servingTimer_, &QTimer::timeout, this, &CampaignTableModel::refreshServing);
}

CampaignTableModel::~CampaignTableModel()
{
    if (cancel_)
        cancel_->store(true);
    arranger_.waitForDone();
}

void CampaignTableModel::setCatalog(std::shared_ptr<const CampaignCatalog> catalog)
{
    wanted_.catalog = std::move(catalog);
    readServing(); // the new campaigns' standings come from the index as it is now
    arrange();
}

void CampaignTableModel::setFilter(const CampaignFilter &filter)
{
    if (filter == wanted_.filter)
        return;
    wanted_.filter = filter;
    arrange();
}

void CampaignTableModel::sort(int column, Qt::SortOrder order)
{
    const CampaignSort sort{column, order == Qt::DescendingOrder};
    if (sort == wanted_.sort)
        return;
    wanted_.sort = sort;
    arrange();
}

void CampaignTableModel::clear()
{
    if (cancel_)
        cancel_->store(true); // whatever is under way is of the last store
    wanted_.catalog = CampaignCatalog::make({});
    show(wanted_, {std::make_shared<const CampaignRows>(), nullptr});
}

void CampaignTableModel::arrange()
{
    if (cancel_)
        cancel_->store(true); // superseded: it stops at its next look
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    CampaignArrangement work{wanted_.catalog, wanted_.filter, wanted_.sort, index_, now_, nullptr, {}};
    if (wanted_.catalog == shown_.catalog && wanted_.filter.narrows(shown_.filter)) {
        work.within = rows_;
        work.sortOfWithin = shown_.sort;
    }
    if (!arranging_) {
        arranging_ = true;
        Q_EMIT arrangingChanged(true);
    }
    const bool newCatalog = wanted_.catalog != shown_.catalog;
    QtConcurrent::run(&arranger_, [work = std::move(work), cancel = cancel_, newCatalog] {
        Arranged arranged{std::make_shared<const CampaignRows>(work.arrange(*cancel)), nullptr};
        if (newCatalog) // a million standings' pages are touched here, not on the GUI thread
            arranged.standings = std::make_shared<std::vector<CampaignStanding>>(size_t(work.catalog->size()));
        return arranged;
    }).then(this, [this, view = wanted_, cancel = cancel_](Arranged arranged) {
        if (!cancel->load())
            show(view, std::move(arranged));
    });
}

void CampaignTableModel::show(const View &view, Arranged work)
{
    beginResetModel();
    if (view.catalog != shown_.catalog) {
        // Moved: no copy is left here to free it on this thread.
        BackgroundJob::releaseLater(std::move(shown_.catalog), BackgroundJob::Size::Large);
        const size_t size = size_t(view.catalog->size());
        if (work.standings && work.standings->size() == size) {
            standings_.swap(*work.standings);
            BackgroundJob::releaseLater(std::move(work.standings)); // now the old ones
        } else {
            standings_.assign(size, CampaignStanding{});
        }
    }
    BackgroundJob::releaseLater(std::exchange(rows_, std::move(work.rows)));
    shown_ = view;
    endResetModel();
    arranging_ = false; // this was the latest: a newer one would have cancelled it
    Q_EMIT arrangingChanged(false);
    Q_EMIT arranged();
}

int CampaignTableModel::rowOf(qint64 id) const
{
    const qsizetype index = shown_.catalog->indexOf(id);
    return index < 0 ? -1 : rows_->rowOfIndex[size_t(index)];
}

qint64 CampaignTableModel::idAt(int row) const
{
    return shown_.catalog->id(rows_->shown[size_t(row)]);
}

CampaignWithRules CampaignTableModel::at(int row) const
{
    return shown_.catalog->at(rows_->shown[size_t(row)]);
}

void CampaignTableModel::setIndexSource(IndexSource source)
{
    indexSource_ = std::move(source);
    refreshServing();
}

void CampaignTableModel::refreshServing()
{
    readServing();
    // A standing holds until its next change: only those worked out before (shown or sorted
    // by) whose change has come are worked out again. The rest stay as they are, and a change
    // of the serving times reloads the table anyway.
    bool changed = false;
    for (CampaignStanding &standing : standings_) {
        if (standing.nextChange() <= now_ || standing.order() == CampaignStanding::NotIndexedOrder) {
            standing = {};
            changed = true;
        }
    }
    if (!changed || rows_->shown.empty())
        return;
    Q_EMIT dataChanged(index(0, ServingNow), index(rowCount() - 1, NextChange));
    if (shown_.sort.column == ServingNow || shown_.sort.column == NextChange)
        arrange();
}

void CampaignTableModel::readServing()
{
    // The engine has swapped indexes: freeing the old one (after a bulk edit at 1M, the
    // entries of 100,000s of campaigns) is no work for this thread.
    BackgroundJob::releaseLater(std::exchange(index_, indexSource_ ? indexSource_() : nullptr),
                                BackgroundJob::Size::Large);
    now_ = QDateTime::currentMSecsSinceEpoch();
    qint64 next = now_ + kRefreshAtLeastEveryMs;
    if (index_ && index_->nextServingChange() > now_)
        next = std::min(next, index_->nextServingChange());
    servingTimer_->start(int(next - now_));
}

const CampaignStanding &CampaignTableModel::standing(int catalogIndex) const
{
    CampaignStanding &standing = standings_[size_t(catalogIndex)];
    if (standing.order() == CampaignStanding::NotWorkedOut)
        standing = CampaignStanding::of(shown_.catalog->id(catalogIndex), shown_.catalog->isActive(catalogIndex),
                                        shown_.catalog->isDeleted(catalogIndex), index_.get(), now_);
    return standing;
}

QVariant CampaignTableModel::servingData(int catalogIndex, Column column, int role) const
{
    const CampaignStanding &now = standing(catalogIndex);
    if (column == ServingNow)
        return role == Qt::ToolTipRole ? describeServing(shown_.catalog->serving(catalogIndex)) : now.text();
    return now.nextChange() == kNever ? QString() : shownLocal(QDateTime::fromMSecsSinceEpoch(now.nextChange()));
}

int CampaignTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(rows_->shown.size());
}

int CampaignTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CampaignTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const int catalogIndex = rows_->shown[size_t(index.row())];
    const CampaignCatalog &c = *shown_.catalog;
    if (role == kIdRole)
        return c.id(catalogIndex);
    if (role == Qt::ForegroundRole && !c.isActive(catalogIndex))
        return QBrush(Tones::text(Tones::Muted));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    using Text = CampaignCatalog::Text;
    switch (Column(index.column())) {
    case Id: return c.id(catalogIndex);
    case Code: return c.text(catalogIndex, Text::Code);
    case Name: return c.text(catalogIndex, Text::Name);
    case Status: return c.text(catalogIndex, Text::Status);
    case Priority: return c.priority(catalogIndex);
    case ServingNow:
    case NextChange: return servingData(catalogIndex, Column(index.column()), role);
    case Cta: return c.text(catalogIndex, Text::Cta);
    case Image: return c.text(catalogIndex, Text::Image);
    case Rules: return c.ruleCount(catalogIndex);
    case Updated: return shownLocal(c.updatedAt(catalogIndex));
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
