#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QStringListModel;
class QTabWidget;

namespace adserve {

class BackgroundJob;
class ForecastView;
class ReachReportView;
class StudioSession;
class TrafficFileImport;

// Reach over recorded traffic, for a campaign manager: the window of the last days, what it
// holds, importing traffic into it; one campaign's forecast (how many requests, where from,
// shared with whom, lost to which rule); and the store-wide report of every campaign's reach.
// Everything slow runs off the GUI thread; a connection switch empties every view.
class ReachPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kWindowDays[] = {1, 7, 14, 35};

    explicit ReachPanel(StudioSession &session, QWidget *parent = nullptr);
    ~ReachPanel() override;

    // Shows the forecast of this campaign (computed in the background: forecastJob()).
    void showCampaign(qint64 id);
    qint64 campaign() const { return campaignId_; }
    // The window: the last `days` days.
    void setDays(int days);
    // Imports a traffic file (in the background: importer()); the outcome is in importMessage().
    void importFile(const QString &path);

    QString trafficLine() const;
    QString importMessage() const;
    ForecastView *forecast() const { return forecast_; }
    ReachReportView *report() const { return report_; }
    BackgroundJob *forecastJob() const { return forecastJob_; }
    TrafficFileImport *importer() const { return importer_; }
    QTabWidget *tabs() const { return tabs_; }

Q_SIGNALS:
    // The user wants to open this campaign (an overlapping one, or one of the report).
    void openCampaign(qint64 campaignId);
    void message(const QString &text);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void engineChanged();
    void refreshCampaignChoices();
    // The campaign typed (code or id), forecast; an unknown one is said so.
    void chooseTyped();
    void askImport();
    void trafficChanged();
    void computeForecast();

    StudioSession &session_;
    QComboBox *days_;
    QLabel *traffic_;
    QLabel *imported_;
    QLineEdit *campaignEdit_;
    QStringListModel *codes_;
    QTabWidget *tabs_;
    ForecastView *forecast_;
    ReachReportView *report_;
    BackgroundJob *forecastJob_;
    TrafficFileImport *importer_;
    qint64 campaignId_ = 0;
    bool forecastWhenRead_ = false; // a forecast waits for the traffic to be read
    bool forecastAgain_ = false;    // asked for while one ran
};

} // namespace adserve
