#pragma once

#include <QChartView>
#include <QList>

class QLineSeries;
class QValueAxis;

namespace adserve {

// A live line chart of a few named figures sampled once a tick (say, a second), the last
// `window` samples shown, newest at the right. The Y axis follows the largest value.
class TimeSeriesChart : public QChartView
{
    Q_OBJECT
public:
    TimeSeriesChart(const QString &title, const QStringList &seriesNames, const QString &unit, int window = 120,
                    QWidget *parent = nullptr);

    // One value per series, in the order of seriesNames.
    void append(const QList<double> &values);
    // Forgets every sample: what follows is measured on something else.
    void clear();
    QList<double> last() const;

private:
    QList<QLineSeries *> series_;
    QValueAxis *x_;
    QValueAxis *y_;
    int window_;
    QList<QList<double>> history_; // the last `window` samples, oldest first
};

} // namespace adserve
