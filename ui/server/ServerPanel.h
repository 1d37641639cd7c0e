#pragma once

#include "http/HttpServerPool.h"
#include "simulator/DeliveryRequest.h"

#include <QWidget>

#include <vector>

class QBarSet;
class QBarCategoryAxis;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QTimer;
class QValueAxis;

namespace adserve {

class LoadRun;
class QaPanel;
class RequestLogView;
class StudioSession;
class TimeSeriesChart;

// The QA engineer's panel: start and stop the embedded delivery server, see every request
// it answers (a live log, requests/s and server-time percentiles), and run a small load test
// against it (N requests at C concurrency) with throughput and a latency histogram.
class ServerPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ServerPanel(StudioSession &session, QWidget *parent = nullptr);

    void setEndpoint(const QString &address, quint16 port);
    bool start();
    void stop();
    void startLoadRun(qint64 requests, int concurrency, const QString &target);
    LoadRun *loadRun() const { return load_; }
    RequestLogView *requestLog() const { return log_; }
    QString stateText() const;
    QaPanel *qaPanel() const { return qa_; }
    // Brings the QA mode tab (true) or the load run (false) to the front.
    void showQa(bool qa);

Q_SIGNALS:
    void message(const QString &text);
    // "Open in Simulator" on a delivery request of the log.
    void openInSimulator(const adserve::DeliveryRequest &request);

private:
    void showState();
    void record(const RequestRecord &record);
    void tick();
    void showLoadResult();
    void fitTools();

    StudioSession &session_;
    QLineEdit *address_;
    QSpinBox *port_;
    QPushButton *start_, *stop_;
    QLabel *state_;
    RequestLogView *log_;
    TimeSeriesChart *rate_;
    TimeSeriesChart *latency_;
    QSpinBox *loadRequests_, *loadConcurrency_;
    QLineEdit *loadTarget_;
    QPushButton *loadStart_, *loadCancel_;
    QLabel *loadResult_;
    QBarSet *histogram_;
    QBarCategoryAxis *histogramAxis_;
    QValueAxis *histogramY_;
    LoadRun *load_;
    QTabWidget *tools_ = nullptr; // the load run and QA mode
    QSplitter *halves_ = nullptr; // the log above, tools_ below
    QaPanel *qa_ = nullptr;
    QTimer *ticker_;
    std::vector<qint64> latencies_; // server time of the requests served since the last tick
};

} // namespace adserve
