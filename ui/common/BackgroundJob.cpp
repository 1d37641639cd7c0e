#include "BackgroundJob.h"

#include "Engine.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace adserve {

namespace {

// Enough for every panel's reads at once: they mostly wait on a store or a cache.
constexpr int kJobThreads = 8;

struct JobThreads : QThreadPool
{
    JobThreads() { setMaxThreadCount(kJobThreads); }
};
Q_GLOBAL_STATIC(JobThreads, jobThreads)

} // namespace

QThreadPool *BackgroundJob::pool()
{
    return jobThreads();
}

void BackgroundJob::releaseLater(std::shared_ptr<const void> data, Size size)
{
    pool()->start([data = std::move(data), size]() mutable {
        if (size == Size::Large && data.use_count() == 1) {
            data.reset();
            Engine::releaseFreedMemory(); // else the peak stays with the studio
        }
    });
}

BackgroundJob::BackgroundJob(QObject *parent)
    : QObject(parent)
{
    poll_.setInterval(100);
    connect(&poll_, &QTimer::timeout, this, [this] {
        if (!running_)
            return;
        Q_EMIT progressed(control_->done(), control_->total());
        if (future_.isFinished())
            complete();
    });
}

BackgroundJob::~BackgroundJob()
{
    cancelAndWait();
}

bool BackgroundJob::start(const QString &title, Work work)
{
    if (running_)
        return false;
    title_ = title;
    running_ = true;
    control_ = std::make_shared<JobControl>();
    future_ = QtConcurrent::run(pool(), [control = control_, work = std::move(work)]() { return work(*control); });
    poll_.start();
    Q_EMIT started(title);
    return true;
}

void BackgroundJob::cancel()
{
    if (control_)
        control_->cancel();
}

void BackgroundJob::whenDone(std::function<void()> next)
{
    if (running_)
        next_ = std::move(next);
    else
        next();
}

void BackgroundJob::cancelAndWait()
{
    next_ = {};
    if (!running_)
        return;
    control_->cancel();
    future_.waitForFinished();
    running_ = false;
    poll_.stop();
    Q_EMIT finished(true);
}

void BackgroundJob::abandon()
{
    next_ = {};
    if (!running_)
        return;
    control_->cancel();
    future_ = {};
    running_ = false;
    poll_.stop();
    Q_EMIT finished(true);
}

bool BackgroundJob::waitForFinished(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (running_ && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (future_.isFinished())
            complete();
        else
            QThread::msleep(5);
    }
    return !running_;
}

void BackgroundJob::complete()
{
    if (!running_)
        return;
    running_ = false;
    poll_.stop();
    Q_EMIT progressed(control_->done(), control_->total());
    auto finish = std::make_shared<Finish>(future_.result());
    future_ = {}; // what the outcome holds (a bulk edit's record) is not kept until the next job
    if (*finish)
        (*finish)();
    releaseLater(std::move(finish)); // the last hold on a large outcome, often: not freed on this thread
    Q_EMIT finished(control_->cancelled());
    if (const auto next = std::exchange(next_, {}))
        next();
}

} // namespace adserve
