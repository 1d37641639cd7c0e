#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QUrl>

#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace adserve {

// The p-th percentile of `sorted` (ascending); 0 when it is empty.
qint64 percentile(const std::vector<qint64> &sorted, double p);

// A small load run against a URL: N GET requests with C in flight, over real HTTP
// connections, asynchronously on the GUI thread's event loop (so the window stays live).
// QNetworkAccessManager opens at most six connections per host, so one manager is used per
// six concurrent requests. Every request carries kRunHeader with the run's id, so the request
// log can tell the run's requests from others served meanwhile.
class LoadRun : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        qint64 requests = 0;
        qint64 failures = 0; // transport errors and 5xx
        qint64 elapsedMicros = 0;
        std::vector<qint64> latencies; // micros per completed request, sorted
        bool cancelled = false;

        double throughput() const { return elapsedMicros ? double(requests) * 1e6 / double(elapsedMicros) : 0.0; }
        qint64 percentile(double p) const { return adserve::percentile(latencies, p); }
    };

    static constexpr char kRunHeader[] = "X-Adserve-Load-Run";

    explicit LoadRun(QObject *parent = nullptr);
    ~LoadRun() override;

    // False when a run is already going or the arguments are unusable.
    bool start(const QUrl &url, qint64 requests, int concurrency);
    void cancel();
    bool isRunning() const { return running_; }
    const Result &result() const { return result_; }
    // The id the current (or last) run sends in kRunHeader: new for every start().
    QByteArray runId() const { return runId_; }

Q_SIGNALS:
    void progressed(qint64 done, qint64 total);
    void finished(const adserve::LoadRun::Result &result);

private:
    void sendNext(int lane);
    void finish();

    QUrl url_;
    QByteArray runId_;
    qint64 total_ = 0;
    qint64 sent_ = 0;
    bool running_ = false;
    Result result_;
    QElapsedTimer clock_;
    std::vector<QNetworkAccessManager *> managers_;
    QList<QNetworkReply *> replies_;
};

} // namespace adserve
