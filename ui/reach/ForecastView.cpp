#include "ForecastView.h"

#include "DayCount.h"
#include "DailyReachChart.h"
#include "common/ReadOnlyTable.h"
#include "common/TextTableModel.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace adserve {

namespace {

QString count(qint64 n)
{
    return QLocale().toString(n);
}

QString percent(qint64 part, qint64 whole)
{
    return whole ? QStringLiteral("%1 %").arg(100.0 * double(part) / double(whole), 0, 'f', 1) : QStringLiteral("–");
}

QString servingWords(const Forecast &f)
{
    const QString state = f.servingState;
    if (state == QLatin1String("serving"))
        return QObject::tr("serving now");
    if (state == QLatin1String("inactive"))
        return QObject::tr("not serving: status %1").arg(f.status);
    if (state == QLatin1String("deleted"))
        return QObject::tr("not serving: deleted");
    if (state == QLatin1String("not-started"))
        return QObject::tr("not serving yet: its flight starts %1").arg(QLocale().toString(f.flightStart.toLocalTime(), QLocale::ShortFormat));
    if (state == QLatin1String("ended"))
        return QObject::tr("not serving: its flight ended %1").arg(QLocale().toString(f.flightEnd.toLocalTime(), QLocale::ShortFormat));
    if (state == QLatin1String("outside-hours"))
        return QObject::tr("not serving at this hour (%1)").arg(f.hours);
    return state;
}

QList<TextRow> breakdownRows(const Forecast::Breakdown &breakdown, qint64 matching)
{
    QList<TextRow> rows;
    for (const Forecast::Slice &slice : breakdown.top)
        rows.append({{slice.value, count(slice.requests), percent(slice.requests, matching)}, {}});
    if (breakdown.restValues > 0)
        rows.append({{QObject::tr("%n other value(s)", nullptr, int(breakdown.restValues)), count(breakdown.restRequests),
                      percent(breakdown.restRequests, matching)},
                     {}});
    return rows;
}

// The first column (the value, the campaign, the rule) takes the room; the figures fit their
// headers and contents (these tables hold a few rows).
void fitColumns(QTableView *view)
{
    QHeaderView *header = view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(0, QHeaderView::Stretch);
}

QGroupBox *boxed(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(content);
    return box;
}

} // namespace

ForecastView::ForecastView(QWidget *parent)
    : QWidget(parent)
    , summary_(new QLabel(this))
    , unattributed_(new QLabel(this))
    , trend_(new DailyReachChart(this))
    , overlap_(new TextTableModel({tr("Campaign"), tr("Requests in common"), tr("Share")}, this))
    , loss_(new TextTableModel({tr("Rule"), tr("Requests blocked"), tr("Share of recorded"), tr("Blocked by it alone")}, this))
{
    setObjectName(QStringLiteral("forecastView"));
    summary_->setObjectName(QStringLiteral("forecastSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    unattributed_->setObjectName(QStringLiteral("forecastUnattributed"));
    unattributed_->setWordWrap(true);
    trend_->setObjectName(QStringLiteral("forecastTrend"));

    auto *breakdowns = new QWidget(this);
    auto *breakdownLayout = new QHBoxLayout(breakdowns);
    breakdownLayout->setContentsMargins(0, 0, 0, 0);
    const std::array<QString, kDimensionCount> titles{tr("By country"), tr("By OS"), tr("By app")};
    for (Dimension d : kDimensions) {
        auto *model = new TextTableModel({dimensionName(d), tr("Requests"), tr("Share")}, this);
        breakdown_[size_t(d)] = model;
        QTableView *view = makeReadOnlyView(model, QStringLiteral("breakdown_") + dimensionName(d), this);
        fitColumns(view);
        breakdownLayout->addWidget(boxed(titles[size_t(d)], view, this));
    }

    overlapView_ = makeReadOnlyView(overlap_, QStringLiteral("overlap"), this);
    overlapView_->setToolTip(tr("Campaigns serving now that would also answer these requests. Double-click one to open it"));
    fitColumns(overlapView_);
    QTableView *lossView = makeReadOnlyView(loss_, QStringLiteral("lossByRule"), this);
    lossView->setToolTip(tr("For the recorded requests this campaign does not match: the rule that keeps them out. "
                            "\"Alone\": the requests removing that rule would gain"));
    fitColumns(lossView);
    auto *lower = new QWidget(this);
    auto *lowerLayout = new QHBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(boxed(tr("Overlap"), overlapView_, this), 2);
    lowerLayout->addWidget(boxed(tr("Loss by rule"), lossView, this), 3);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(trend_);
    splitter->addWidget(breakdowns);
    splitter->addWidget(lower);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(summary_);
    layout->addWidget(splitter, 1);
    layout->addWidget(unattributed_);

    connect(overlapView_, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.row() < overlapIds_.size())
            Q_EMIT openCampaign(overlapIds_[index.row()]);
    });
    clear(tr("Choose a campaign to see what it would reach."));
}

void ForecastView::showForecast(const Forecast &f)
{
    const QString who = f.campaignId ? QStringLiteral("%1 (#%2)").arg(f.code).arg(f.campaignId) : f.code;
    summary_->setText(tr("<b>%1</b>: <b>%2</b> matching requests, <b>%3</b> of %4 recorded over %5 — %6")
                          .arg(who.toHtmlEscaped(), count(f.matching), percent(f.matching, f.recorded), count(f.recorded),
                               dayCount(f.days.size()), servingWords(f).toHtmlEscaped()));
    trend_->setDays(f.byDay);
    for (Dimension d : kDimensions)
        breakdown_[size_t(d)]->setRows(breakdownRows(f.breakdown[size_t(d)], f.matching));

    QList<TextRow> overlapping;
    overlapIds_.clear();
    for (const Forecast::Overlap &other : f.overlap) {
        overlapping.append({{QStringLiteral("%1 (#%2)").arg(other.code).arg(other.campaignId), count(other.requests),
                             percent(other.requests, f.overlapBasis)},
                            {}});
        overlapIds_.append(other.campaignId);
    }
    overlap_->setRows(overlapping);
    overlapView_->setToolTip(f.overlapBasis < f.matching
                                 ? tr("Counted over its %1 heaviest requests (%2 triples). Double-click one to open it")
                                       .arg(count(f.overlapBasis), count(f.overlapTriples))
                                 : tr("Campaigns serving now that would also answer these requests. Double-click one to open it"));

    QList<TextRow> losses;
    for (const Forecast::Loss &loss : f.lostBy)
        losses.append({{loss.rule, count(loss.blocked), percent(loss.blocked, f.recorded), count(loss.blockedAlone)}, {}});
    loss_->setRows(losses);

    unattributed_->setText(
        f.unattributed ? tr("%1 requests (%2) are unattributed: the recorder folded one of their values into OTHER in a "
                            "dimension this campaign has rules in, so nobody can say whether it would match them.")
                             .arg(count(f.unattributed), percent(f.unattributed, f.recorded))
                       : QString());
}

void ForecastView::clear(const QString &why)
{
    summary_->setText(why);
    unattributed_->clear();
    trend_->clear();
    for (TextTableModel *model : breakdown_)
        model->setRows({});
    overlap_->setRows({});
    overlapIds_.clear();
    loss_->setRows({});
}

QString ForecastView::summary() const
{
    return summary_->text();
}

QString ForecastView::unattributedLine() const
{
    return unattributed_->text();
}

} // namespace adserve
