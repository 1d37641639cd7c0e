#pragma once

#include "traffic/Forecast.h"

#include <QChartView>
#include <QList>
#include <QPointF>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace adserve {

// A campaign's forecast per day: the requests recorded and those its targeting matches, one
// point per UTC day of the window (x: the day's start, ms since the epoch).
class DailyReachChart : public QChartView
{
    Q_OBJECT
public:
    explicit DailyReachChart(QWidget *parent = nullptr);

    void setDays(const QList<Forecast::Day> &days);
    void clear() { setDays({}); }
    QList<QPointF> recordedPoints() const;
    QList<QPointF> matchingPoints() const;

private:
    QLineSeries *recorded_;
    QLineSeries *matching_;
    QDateTimeAxis *x_;
    QValueAxis *y_;
};

} // namespace adserve
