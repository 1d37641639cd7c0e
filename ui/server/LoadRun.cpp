#include "LoadRun.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>

#include <algorithm>

namespace adserve {

namespace {
constexpr int kConnectionsPerManager = 6;
}

qint64 percentile(const std::vector<qint64> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const size_t index = std::min(sorted.size() - 1, size_t(p / 100.0 * double(sorted.size())));
    return sorted[index];
}

LoadRun::LoadRun(QObject *parent)
    : QObject(parent)
{
}

LoadRun::~LoadRun()
{
    cancel();
}

bool LoadRun::start(const QUrl &url, qint64 requests, int concurrency)
{
    if (running_ || !url.isValid() || requests < 1 || concurrency < 1)
        return false;
    url_ = url;
    runId_ = QByteArray::number(QRandomGenerator::global()->generate64(), 36);
    total_ = requests;
    sent_ = 0;
    result_ = {};
    result_.latencies.reserve(size_t(std::min<qint64>(requests, 10'000'000)));
    qDeleteAll(managers_);
    managers_.clear();
    const int lanes = int(std::min<qint64>(concurrency, requests));
    for (int i = 0; i < (lanes + kConnectionsPerManager - 1) / kConnectionsPerManager; ++i)
        managers_.push_back(new QNetworkAccessManager(this));
    running_ = true;
    clock_.start();
    for (int lane = 0; lane < lanes; ++lane)
        sendNext(lane);
    return true;
}

void LoadRun::sendNext(int lane)
{
    if (!running_ || sent_ >= total_)
        return;
    ++sent_;
    QNetworkRequest request(url_);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setRawHeader(kRunHeader, runId_);
    QNetworkReply *reply = managers_[size_t(lane / kConnectionsPerManager)]->get(request);
    replies_.append(reply);
    const qint64 startedAt = clock_.nsecsElapsed();
    connect(reply, &QNetworkReply::finished, this, [this, reply, lane, startedAt] {
        replies_.removeOne(reply);
        reply->deleteLater();
        if (!running_)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status >= 500)
            ++result_.failures;
        ++result_.requests;
        result_.latencies.push_back((clock_.nsecsElapsed() - startedAt) / 1000);
        if (result_.requests % 100 == 0 || result_.requests == total_)
            Q_EMIT progressed(result_.requests, total_);
        if (result_.requests == total_)
            finish();
        else
            sendNext(lane);
    });
}

void LoadRun::cancel()
{
    if (!running_)
        return;
    result_.cancelled = true;
    finish();
}

void LoadRun::finish()
{
    running_ = false;
    result_.elapsedMicros = clock_.nsecsElapsed() / 1000;
    // Aborting finishes a reply at once; its handler sees running_ false and only cleans up.
    const QList<QNetworkReply *> pending = std::exchange(replies_, {});
    for (QNetworkReply *reply : pending)
        reply->abort();
    std::sort(result_.latencies.begin(), result_.latencies.end());
    Q_EMIT finished(result_);
}

} // namespace adserve
