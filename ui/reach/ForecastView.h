#pragma once

#include "traffic/Forecast.h"

#include <QList>
#include <QWidget>

#include <array>

class QLabel;
class QTableView;

namespace adserve {

class DailyReachChart;
class TextTableModel;

// One campaign's forecast as a campaign manager reads it: the requests it would match and
// their share of those recorded, its serving state beside, the trend per day, where its
// requests come from (country, OS, app), which campaigns share them, and which of its rules
// keep the others out.
class ForecastView : public QWidget
{
    Q_OBJECT
public:
    explicit ForecastView(QWidget *parent = nullptr);

    void showForecast(const Forecast &forecast);
    // Empties every part; `why` says what to do to get a forecast.
    void clear(const QString &why);

    QString summary() const;
    QString unattributedLine() const;
    DailyReachChart *trend() const { return trend_; }
    TextTableModel *breakdown(Dimension dimension) const { return breakdown_[size_t(dimension)]; }
    TextTableModel *overlap() const { return overlap_; }
    TextTableModel *loss() const { return loss_; }
    QTableView *overlapView() const { return overlapView_; }

Q_SIGNALS:
    // An overlapping campaign double-clicked: the user wants to open it.
    void openCampaign(qint64 campaignId);

private:
    QLabel *summary_;
    QLabel *unattributed_;
    DailyReachChart *trend_;
    std::array<TextTableModel *, kDimensionCount> breakdown_;
    TextTableModel *overlap_;
    QTableView *overlapView_;
    TextTableModel *loss_;
    QList<qint64> overlapIds_; // the overlap table's campaigns, row by row
};

} // namespace adserve
