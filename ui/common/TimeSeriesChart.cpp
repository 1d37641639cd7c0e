#include "TimeSeriesChart.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

namespace adserve {

TimeSeriesChart::TimeSeriesChart(const QString &title, const QStringList &seriesNames, const QString &unit,
                                 int window, QWidget *parent)
    : QChartView(parent)
    , x_(new QValueAxis)
    , y_(new QValueAxis)
    , window_(window)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    x_->setRange(-window, 0);
    x_->setLabelFormat(QStringLiteral("%d s"));
    x_->setTickCount(5);
    y_->setRange(0, 1);
    y_->setTitleText(unit);
    y_->setLabelFormat(QStringLiteral("%.3g"));
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    for (const QString &name : seriesNames) {
        auto *series = new QLineSeries;
        series->setName(name);
        chart->addSeries(series);
        series->attachAxis(x_);
        series->attachAxis(y_);
        series_.append(series);
    }
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
}

void TimeSeriesChart::append(const QList<double> &values)
{
    ++tick_;
    double top = 0;
    for (qsizetype i = 0; i < series_.size(); ++i) {
        QLineSeries *series = series_.at(i);
        // Points are kept at their tick; the X axis slides so "now" is 0.
        series->append(double(tick_), values.value(i));
        if (series->count() > window_ + 1)
            series->removePoints(0, series->count() - window_ - 1);
        for (const QPointF &p : series->points())
            top = std::max(top, p.y());
    }
    x_->setRange(double(tick_ - window_), double(tick_));
    x_->setLabelFormat(QStringLiteral("%d"));
    y_->setRange(0, top > 0 ? top * 1.15 : 1);
}

QList<double> TimeSeriesChart::last() const
{
    QList<double> values;
    for (QLineSeries *series : series_)
        values.append(series->count() ? series->at(series->count() - 1).y() : 0.0);
    return values;
}

} // namespace adserve
