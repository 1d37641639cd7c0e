#pragma once

#include "traffic/ReachReport.h"

#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;

namespace adserve {

class BackgroundJob;
class ReachTableModel;
class StudioSession;
class TextTableModel;

// The store-wide report: every campaign's reach over the recorded window, counted in the
// background with progress and Cancel (ReachCounter over the delivery index), then listed by
// reach, with the campaigns no request matches, the most contested requests, and a CSV export.
class ReachReportView : public QWidget
{
    Q_OBJECT
public:
    explicit ReachReportView(StudioSession &session, QWidget *parent = nullptr);
    ~ReachReportView() override;

    // Counts over the session's recorded traffic (read first when it is not yet).
    void count();
    // Writes the report's CSV to `path`; false with `error` when it cannot.
    bool exportCsv(const QString &path, QString *error) const;
    // The same in the background (job()), the outcome told by message(); false when there is
    // no report or a job runs.
    bool startExport(const QString &path);
    // Forgets the report: another window or store.
    void clear();

    BackgroundJob *job() const { return job_; }
    ReachTableModel *campaigns() const { return model_; }
    TextTableModel *contested() const { return contested_; }
    QString status() const;

Q_SIGNALS:
    void openCampaign(qint64 campaignId);
    void message(const QString &text);

private:
    void showReport(std::shared_ptr<const ReachReport> report, std::vector<int> order);
    void askExport();

    StudioSession &session_;
    BackgroundJob *job_;
    QPushButton *count_;
    QPushButton *export_;
    QCheckBox *unreachedOnly_;
    QLabel *status_;
    ReachTableModel *model_;
    QTableView *view_;
    TextTableModel *contested_;
    bool countWhenRead_ = false; // Count reach pressed before the traffic was read
    int generation_ = 0;         // one more at every clear()
};

} // namespace adserve
