#include "ServerPanel.h"

#include "LoadRun.h"
#include "QaPanel.h"
#include "RequestLogView.h"
#include "common/TimeSeriesChart.h"
#include "session/StudioSession.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

namespace adserve {

namespace {

// Latency histogram buckets: upper bounds in microseconds; the last one is open.
const std::vector<qint64> kBucketMicros{250, 500, 1000, 2000, 5000, 10000, 25000, 50000, 100000};

QString bucketLabel(size_t i)
{
    const auto ms = [](qint64 us) { return QString::number(double(us) / 1000.0); };
    return i < kBucketMicros.size() ? QStringLiteral("≤%1").arg(ms(kBucketMicros[i]))
                                    : QStringLiteral(">%1").arg(ms(kBucketMicros.back()));
}

} // namespace

ServerPanel::ServerPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , address_(new QLineEdit(this))
    , port_(new QSpinBox(this))
    , start_(new QPushButton(tr("Start"), this))
    , stop_(new QPushButton(tr("Stop"), this))
    , state_(new QLabel(this))
    , log_(new RequestLogView(this))
    , rate_(new TimeSeriesChart(tr("Requests per second"), {tr("requests/s")}, tr("per second"), 120, this))
    , latency_(new TimeSeriesChart(tr("Server time percentiles"), {tr("p50"), tr("p95"), tr("p99")}, tr("ms"), 120, this))
    , loadRequests_(new QSpinBox(this))
    , loadConcurrency_(new QSpinBox(this))
    , loadTarget_(new QLineEdit(QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android"), this))
    , loadStart_(new QPushButton(tr("Run"), this))
    , loadCancel_(new QPushButton(tr("Cancel"), this))
    , loadResult_(new QLabel(this))
    , histogram_(new QBarSet(tr("requests")))
    , histogramAxis_(new QBarCategoryAxis)
    , histogramY_(new QValueAxis)
    , load_(new LoadRun(this))
    , ticker_(new QTimer(this))
{
    setObjectName(QStringLiteral("serverPanel"));
    address_->setObjectName(QStringLiteral("serverAddress"));
    port_->setObjectName(QStringLiteral("serverPort"));
    start_->setObjectName(QStringLiteral("startServer"));
    stop_->setObjectName(QStringLiteral("stopServer"));
    state_->setObjectName(QStringLiteral("serverState"));
    loadRequests_->setObjectName(QStringLiteral("loadRequests"));
    loadConcurrency_->setObjectName(QStringLiteral("loadConcurrency"));
    loadTarget_->setObjectName(QStringLiteral("loadTarget"));
    loadStart_->setObjectName(QStringLiteral("runLoad"));
    loadCancel_->setObjectName(QStringLiteral("cancelLoad"));
    loadResult_->setObjectName(QStringLiteral("loadResult"));
    port_->setRange(0, 65535);
    port_->setSpecialValueText(tr("any free port"));
    state_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    latency_->setToolTip(tr("Server time: measured inside the server, from reading a request to handing the answer to "
                            "the connection; no network. A client sees more (the load run's client time)."));
    loadRequests_->setRange(1, 10'000'000);
    loadRequests_->setValue(2000);
    loadConcurrency_->setRange(1, 256);
    loadConcurrency_->setValue(8);
    loadCancel_->setEnabled(false);
    loadResult_->setWordWrap(true);
    loadResult_->setToolTip(tr("Client time: each request's round trip as the load run's client measured it (waiting "
                               "for a connection, sending, the server's work, receiving). The server's own time is in "
                               "the log and the chart above."));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Address"), this));
    controls->addWidget(address_);
    controls->addWidget(new QLabel(tr("Port"), this));
    controls->addWidget(port_);
    controls->addWidget(start_);
    controls->addWidget(stop_);
    controls->addWidget(state_, 1);

    auto *histogramSeries = new QBarSeries;
    histogramSeries->append(histogram_);
    QStringList labels;
    for (size_t i = 0; i <= kBucketMicros.size(); ++i) {
        labels.append(bucketLabel(i));
        histogram_->append(0);
    }
    histogramAxis_->append(labels);
    histogramAxis_->setTitleText(tr("latency (ms)"));
    auto *histogramChart = new QChart;
    histogramChart->setTitle(tr("Load run latency histogram"));
    histogramChart->addSeries(histogramSeries);
    histogramChart->addAxis(histogramAxis_, Qt::AlignBottom);
    histogramChart->addAxis(histogramY_, Qt::AlignLeft);
    histogramSeries->attachAxis(histogramAxis_);
    histogramSeries->attachAxis(histogramY_);
    histogramChart->legend()->setVisible(false);
    auto *histogramView = new QChartView(histogramChart, this);
    histogramView->setMinimumHeight(160);

    // The run's inputs and result beside its histogram: the request log keeps the height.
    auto *loadBox = new QGroupBox(tr("Load run against the embedded server"), this);
    auto *loadLayout = new QHBoxLayout(loadBox);
    auto *loadForm = new QFormLayout;
    loadLayout->addLayout(loadForm, 1);
    loadLayout->addWidget(histogramView, 1);
    auto *loadRow = new QHBoxLayout;
    loadRow->addWidget(new QLabel(tr("Requests"), loadBox));
    loadRow->addWidget(loadRequests_);
    loadRow->addWidget(new QLabel(tr("Concurrency"), loadBox));
    loadRow->addWidget(loadConcurrency_);
    loadRow->addWidget(loadStart_);
    loadRow->addWidget(loadCancel_);
    loadForm->addRow(tr("Request"), loadTarget_);
    loadForm->addRow(loadRow);
    loadForm->addRow(loadResult_);

    auto *charts = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(charts);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(rate_);
    chartLayout->addWidget(latency_);
    auto *top = new QSplitter(this);
    top->addWidget(log_);
    top->addWidget(charts);
    charts->setMinimumWidth(280);
    top->setSizes({1000, 360}); // proportions: the splitter scales them to its width
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    // The log over the load run and QA mode; the log gets the larger share.
    halves_ = new QSplitter(Qt::Vertical, this);
    QSplitter *halves = halves_;
    halves->addWidget(top);
    layout->addWidget(halves, 1);
    // The load run and QA mode share the lower half.
    tools_ = new QTabWidget(this);
    tools_->setObjectName(QStringLiteral("serverTools"));
    tools_->addTab(loadBox, tr("Load run"));
    qa_ = new QaPanel(session_, this);
    tools_->addTab(qa_, tr("QA mode"));
    connect(qa_, &QaPanel::message, this, &ServerPanel::message);
    connect(tools_, &QTabWidget::currentChanged, this, &ServerPanel::fitTools);
    halves->addWidget(tools_);
    // The tools start at a third of the height (QA mode's editor and journal would take more);
    // the splitter gives them more on demand, and a taller window is a taller log.
    tools_->setMinimumHeight(200);
    halves->setStretchFactor(0, 1);
    halves->setStretchFactor(1, 0);
    halves->setSizes({600, 300});

    connect(start_, &QPushButton::clicked, this, &ServerPanel::start);
    connect(stop_, &QPushButton::clicked, this, &ServerPanel::stop);
    connect(loadStart_, &QPushButton::clicked, this, [this] {
        startLoadRun(loadRequests_->value(), loadConcurrency_->value(), loadTarget_->text());
    });
    connect(loadCancel_, &QPushButton::clicked, load_, &LoadRun::cancel);
    connect(load_, &LoadRun::progressed, this, [this](qint64 done, qint64 total) {
        loadResult_->setText(tr("running: %1 / %2").arg(done).arg(total));
    });
    connect(load_, &LoadRun::finished, this, &ServerPanel::showLoadResult);
    connect(log_, &RequestLogView::message, this, &ServerPanel::message);
    connect(log_, &RequestLogView::openInSimulator, this, &ServerPanel::openInSimulator);
    connect(&session_, &StudioSession::requestServed, this, &ServerPanel::record);
    connect(&session_, &StudioSession::serverStateChanged, this, &ServerPanel::showState);
    connect(&session_, &StudioSession::aboutToClose, load_, &LoadRun::cancel);
    connect(&session_, &StudioSession::opened, this, [this] {
        setEndpoint(session_.config().listenAddress.toString(), session_.config().port);
        showState();
    });
    ticker_->setInterval(1000);
    connect(ticker_, &QTimer::timeout, this, &ServerPanel::tick);
    ticker_->start();
    if (session_.isOpen())
        setEndpoint(session_.config().listenAddress.toString(), session_.config().port);
    showState();
}

void ServerPanel::showQa(bool qa)
{
    tools_->setCurrentWidget(qa ? static_cast<QWidget *>(qa_) : tools_->widget(0));
}

void ServerPanel::fitTools()
{
    // The tab shown gets the height it needs, taken from the log.
    const QList<int> sizes = halves_->sizes();
    const int needed = tools_->currentWidget()->sizeHint().height() + tools_->tabBar()->sizeHint().height();
    if (sizes.size() == 2 && sizes[1] < needed)
        halves_->setSizes({std::max(sizes[0] + sizes[1] - needed, 150), needed});
}

void ServerPanel::setEndpoint(const QString &address, quint16 port)
{
    address_->setText(address);
    port_->setValue(port);
}

bool ServerPanel::start()
{
    const QHostAddress address(address_->text().trimmed() == QLatin1String("localhost") ? QStringLiteral("127.0.0.1")
                                                                                         : address_->text().trimmed());
    if (address.isNull()) {
        state_->setText(tr("✘ \"%1\" is not an IP address").arg(address_->text()));
        return false;
    }
    QString error;
    if (!session_.startServer(address, quint16(port_->value()), &error)) {
        state_->setText(tr("✘ not started: %1").arg(error));
        return false;
    }
    Q_EMIT message(tr("Serving on %1").arg(session_.server().url()));
    return true;
}

void ServerPanel::stop()
{
    load_->cancel();
    session_.stopServer();
}

QString ServerPanel::stateText() const
{
    return state_->text();
}

void ServerPanel::showState()
{
    const bool running = session_.isOpen() && session_.server().isRunning();
    start_->setEnabled(!running);
    stop_->setEnabled(running);
    address_->setEnabled(!running);
    port_->setEnabled(!running);
    loadStart_->setEnabled(running && !load_->isRunning());
    state_->setText(running ? tr("● running at <a href=\"%1\">%1</a>").arg(session_.server().url()) : tr("○ stopped"));
    log_->setServerUrl(running ? session_.server().url() : QString());
    state_->setOpenExternalLinks(true);
}

void ServerPanel::record(const RequestRecord &record)
{
    latencies_.push_back(record.micros);
    log_->add(record);
}

void ServerPanel::tick()
{
    // Requests per second and this second's server-time percentiles.
    std::vector<qint64> latencies = std::exchange(latencies_, {});
    std::sort(latencies.begin(), latencies.end());
    const auto ms = [&](double p) { return double(percentile(latencies, p)) / 1000.0; };
    rate_->append({double(latencies.size())});
    latency_->append({ms(50), ms(95), ms(99)});
}

void ServerPanel::startLoadRun(qint64 requests, int concurrency, const QString &target)
{
    if (!session_.server().isRunning()) {
        loadResult_->setText(tr("Start the server first."));
        return;
    }
    const QUrl url(session_.server().url() + (target.startsWith(QLatin1Char('/')) ? target : QLatin1Char('/') + target));
    if (!load_->start(url, requests, concurrency)) {
        loadResult_->setText(tr("Cannot run: check the request."));
        return;
    }
    log_->model()->beginLoadRun(load_->runId(), url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority), requests);
    loadStart_->setEnabled(false);
    loadCancel_->setEnabled(true);
    loadResult_->setText(tr("running…"));
}

void ServerPanel::showLoadResult()
{
    const LoadRun::Result &r = load_->result();
    loadCancel_->setEnabled(false);
    showState();
    log_->model()->finishLoadRun(load_->runId(), r);
    loadResult_->setText(tr("%1%2 requests in %3 s: <b>%4 requests/s</b> · client time (round trip) p50 %5 ms · "
                            "p90 %6 ms · p99 %7 ms · max %8 ms · %9 failed")
                             .arg(r.cancelled ? tr("cancelled: ") : QString())
                             .arg(r.requests)
                             .arg(double(r.elapsedMicros) / 1e6, 0, 'f', 2)
                             .arg(r.throughput(), 0, 'f', 0)
                             .arg(double(r.percentile(50)) / 1000.0, 0, 'f', 2)
                             .arg(double(r.percentile(90)) / 1000.0, 0, 'f', 2)
                             .arg(double(r.percentile(99)) / 1000.0, 0, 'f', 2)
                             .arg(r.latencies.empty() ? 0.0 : double(r.latencies.back()) / 1000.0, 0, 'f', 2)
                             .arg(r.failures));
    std::vector<qint64> counts(kBucketMicros.size() + 1, 0);
    for (qint64 us : r.latencies) {
        const auto bucket = std::lower_bound(kBucketMicros.begin(), kBucketMicros.end(), us) - kBucketMicros.begin();
        ++counts[size_t(bucket)];
    }
    qint64 top = 1;
    for (size_t i = 0; i < counts.size(); ++i) {
        histogram_->replace(int(i), double(counts[i]));
        top = std::max(top, counts[i]);
    }
    histogramY_->setRange(0, double(top) * 1.1);
    Q_EMIT message(tr("Load run: %1 requests/s").arg(r.throughput(), 0, 'f', 0));
}

} // namespace adserve
