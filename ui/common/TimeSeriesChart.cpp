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
    x_->setRange(1 - window, 0);
    x_->setLabelFormat(QStringLiteral("%d s"));
    x_->setTickCount(5);
    y_->setRange(0, 1);
    y_->setTitleText(unit);
    y_->setLabelFormat(QStringLiteral("%.2f"));
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
    history_.append(values);
    if (history_.size() > window_)
        history_.removeFirst();
    // "Now" is x = 0; older samples slide to the left.
    const qsizetype n = history_.size();
    double top = 0;
    for (qsizetype s = 0; s < series_.size(); ++s) {
        QList<QPointF> points;
        points.reserve(n);
        for (qsizetype i = 0; i < n; ++i) {
            const double y = history_.at(i).value(s);
            points.append(QPointF(double(i - n + 1), y));
            top = std::max(top, y);
        }
        series_.at(s)->replace(points);
    }
    y_->setRange(0, top > 0 ? top * 1.15 : 1);
    y_->setLabelFormat(top >= 10 ? QStringLiteral("%.0f") : QStringLiteral("%.2f"));
}

void TimeSeriesChart::clear()
{
    history_.clear();
    for (QLineSeries *series : std::as_const(series_))
        series->clear();
    y_->setRange(0, 1);
}

QList<double> TimeSeriesChart::last() const
{
    return history_.isEmpty() ? QList<double>(series_.size(), 0.0) : history_.last();
}

} // namespace adserve
