#include "DailyReachChart.h"

#include <QDateTimeAxis>
#include <QLineSeries>
#include <QTimeZone>
#include <QValueAxis>

#include <algorithm>

namespace adserve {

namespace {

// Ticks on days, not between them: the most ticks (up to 18, a label each fits a wide chart)
// that split the days into equal steps.
int tickCount(qsizetype days)
{
    if (days < 3)
        return 2;
    for (int ticks = 18; ticks > 2; --ticks) {
        if ((days - 1) % (ticks - 1) == 0)
            return ticks;
    }
    return 2;
}

} // namespace

DailyReachChart::DailyReachChart(QWidget *parent)
    : QChartView(parent)
    , recorded_(new QLineSeries)
    , matching_(new QLineSeries)
    , x_(new QDateTimeAxis)
    , y_(new QValueAxis)
{
    recorded_->setName(tr("Recorded"));
    matching_->setName(tr("Matching"));
    auto *chart = new QChart;
    chart->setTitle(tr("Requests per day (UTC)"));
    chart->addSeries(recorded_);
    chart->addSeries(matching_);
    x_->setFormat(QStringLiteral("MMM d"));
    x_->setTitleText(tr("day"));
    y_->setLabelFormat(QStringLiteral("%.0f"));
    y_->setTitleText(tr("requests"));
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    for (QLineSeries *series : {recorded_, matching_}) {
        series->setPointsVisible(true);
        series->attachAxis(x_);
        series->attachAxis(y_);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    clear();
}

void DailyReachChart::setDays(const QList<Forecast::Day> &days)
{
    QList<QPointF> recorded, matching;
    qint64 most = 0;
    for (const Forecast::Day &day : days) {
        const double x = double(day.day.startOfDay(QTimeZone::utc()).toMSecsSinceEpoch());
        recorded.append({x, double(day.recorded)});
        matching.append({x, double(day.matching)});
        most = std::max(most, day.recorded);
    }
    recorded_->replace(recorded);
    matching_->replace(matching);
    const QDateTime first = days.isEmpty() ? QDateTime::currentDateTimeUtc() : days.first().day.startOfDay(QTimeZone::utc());
    // One day alone still gets an axis a day wide.
    const QDateTime last = days.size() < 2 ? first.addDays(1) : days.last().day.startOfDay(QTimeZone::utc());
    x_->setRange(first, last);
    x_->setTickCount(tickCount(days.size()));
    y_->setRange(0, most > 0 ? double(most) * 1.05 : 1.0);
    y_->applyNiceNumbers();
}

QList<QPointF> DailyReachChart::recordedPoints() const
{
    return recorded_->points();
}

QList<QPointF> DailyReachChart::matchingPoints() const
{
    return matching_->points();
}

} // namespace adserve
