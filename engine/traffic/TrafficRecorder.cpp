#include "TrafficRecorder.h"

#include <QLoggingCategory>
#include <QThread>
#include <QUuid>

namespace adserve {

namespace {
Q_LOGGING_CATEGORY(lcTraffic, "adserve.traffic")

constexpr std::chrono::hours kRetentionEvery{1};
} // namespace

TrafficRecorder::TrafficRecorder(StoreSessions &sessions, const TrafficSettings &settings)
    : settings_(settings)
    , counter_(settings.maxTriples)
    , table_(sessions)
    , instanceId_(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

TrafficRecorder::~TrafficRecorder()
{
    stop();
}

void TrafficRecorder::start()
{
    std::lock_guard lock(threadMutex_);
    if (thread_ || stopping_)
        return;
    thread_.reset(QThread::create([this] { run(); }));
    thread_->setObjectName(QStringLiteral("adserve-traffic"));
    thread_->start();
}

void TrafficRecorder::stop()
{
    {
        std::lock_guard lock(threadMutex_);
        if (stopping_)
            return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_) {
        thread_->wait(); // it flushes a last time on its way out
        thread_.reset();
    } else {
        flush(); // never started: what was counted still goes to the store
    }
}

void TrafficRecorder::run()
{
    std::unique_lock lock(threadMutex_);
    while (!stopping_) {
        wake_.wait_for(lock, settings_.flushInterval, [this] { return stopping_; });
        if (stopping_)
            break;
        lock.unlock();
        flush();
        applyRetention();
        lock.lock();
    }
    lock.unlock();
    if (!flush()) // one try: a stop does not wait for a store that is down
        qCWarning(lcTraffic) << "the store did not take the last traffic counts at shutdown; they are lost";
}

bool TrafficRecorder::flush()
{
    std::lock_guard lock(flushMutex_);
    const qint64 nowHour = TrafficCounter::hourOf(QDateTime::currentSecsSinceEpoch());
    if (unstored_) {
        if (!store(*unstored_)) {
            counter_.foldHoursBefore(nowHour - qint64(TrafficCounter::kDetailedHours) * 3600);
            return false;
        }
        unstored_.reset();
    }
    Batch batch{QStringLiteral("%1/%2").arg(instanceId_).arg(++batches_), counter_.takeCounts(nowHour)};
    if (batch.rows.isEmpty() || store(batch))
        return true;
    unstored_ = std::move(batch); // tried again, as it is, before anything new
    return false;
}

bool TrafficRecorder::store(const Batch &batch)
{
    const auto added = table_.add(batch.rows, batch.id);
    std::lock_guard statusLock(statusMutex_);
    ++status_.flushes;
    if (added.ok()) {
        for (const TrafficRow &row : batch.rows)
            status_.requestsStored += row.requests;
        status_.lastError.clear();
        status_.lastFlush = QDateTime::currentDateTimeUtc();
        return true;
    }
    ++status_.failedFlushes;
    if (status_.lastError.isEmpty()) // once per outage, not once a minute
        qCWarning(lcTraffic) << "traffic counts not stored, kept for the next try:" << added.message;
    status_.lastError = added.message;
    return false;
}

void TrafficRecorder::applyRetention()
{
    const auto now = std::chrono::steady_clock::now();
    if (retainedOnce_ && now - lastRetention_ < kRetentionEvery)
        return;
    const qint64 cutoff = TrafficCounter::hourOf(QDateTime::currentSecsSinceEpoch()) - qint64(settings_.retentionDays) * 86400;
    const auto deleted = table_.deleteBefore(cutoff);
    if (!deleted.ok()) {
        qCWarning(lcTraffic) << "cannot delete traffic older than" << settings_.retentionDays << "days:" << deleted.message;
        return; // tried again at the next flush
    }
    retainedOnce_ = true;
    lastRetention_ = now;
    if (deleted.value > 0)
        qCInfo(lcTraffic) << "deleted" << deleted.value << "traffic rows older than" << settings_.retentionDays << "days";
}

TrafficRecorder::Status TrafficRecorder::status() const
{
    std::lock_guard lock(statusMutex_);
    return status_;
}

} // namespace adserve
