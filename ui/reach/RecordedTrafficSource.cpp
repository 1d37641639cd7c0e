#include "RecordedTrafficSource.h"

#include "common/BackgroundJob.h"
#include "session/StudioSession.h"
#include "traffic/TrafficTable.h"

#include <QDateTime>

namespace adserve {

namespace {

constexpr qint64 kFreshForMs = 60'000;

TrafficWindow lastDays(int days)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QString unused;
    return *TrafficWindow::fromQuery({}, now - now % 3600 + 3600, days, &unused);
}

} // namespace

RecordedTrafficSource::RecordedTrafficSource(StudioSession &session, QObject *parent)
    : QObject(parent)
    , session_(session)
    , reader_(new BackgroundJob(this))
{
    connect(&session_, &StudioSession::aboutToClose, reader_, &BackgroundJob::cancelAndWait);
    connect(reader_, &BackgroundJob::finished, this, [this] {
        if (std::exchange(again_, false))
            read();
    });
    session_.forEachEngine(this, [this] {
        const bool had = current_ || !error_.isEmpty();
        current_.reset();
        error_.clear();
        readAtMs_ = 0;
        if (had)
            Q_EMIT changed();
    });
}

RecordedTrafficSource::~RecordedTrafficSource()
{
    reader_->cancelAndWait(); // the read uses the session's store
}

void RecordedTrafficSource::setDays(int days)
{
    if (days == days_)
        return;
    days_ = days;
    current_.reset();
    readAtMs_ = 0;
    Q_EMIT changed();
    refresh();
}

void RecordedTrafficSource::request()
{
    const bool fresh = current_ && QDateTime::currentMSecsSinceEpoch() - readAtMs_ < kFreshForMs
                       && window_.to == lastDays(days_).to;
    if (!fresh && !reader_->isRunning())
        read();
}

void RecordedTrafficSource::refresh()
{
    if (reader_->isRunning())
        again_ = true;
    else
        read();
}

QString RecordedTrafficSource::unavailableText() const
{
    return error_.isEmpty() ? tr("Reading the recorded traffic…") : tr("The recorded traffic cannot be read: %1").arg(error_);
}

bool RecordedTrafficSource::isReading() const
{
    return reader_->isRunning();
}

void RecordedTrafficSource::read()
{
    if (!session_.isOpen())
        return;
    const TrafficWindow window = lastDays(days_);
    StoreSessions &sessions = session_.engine().store().sessions();
    reader_->start(tr("Reading recorded traffic"), [this, window, &sessions](JobControl &control) -> BackgroundJob::Finish {
        const auto rows = TrafficTable(sessions).read(window.fromHour, window.to);
        if (control.cancelled())
            return {};
        QString problem = rows.ok() ? QString() : rows.message;
        std::shared_ptr<const RecordedTraffic> prepared;
        if (rows.ok()) {
            prepared = std::make_shared<const RecordedTraffic>(RecordedTraffic::from(rows.value));
            problem = prepared->error();
        }
        return [this, window, prepared, problem] {
            error_ = problem;
            current_ = problem.isEmpty() ? prepared : nullptr;
            window_ = window;
            readAtMs_ = QDateTime::currentMSecsSinceEpoch();
            Q_EMIT changed();
        };
    });
}

} // namespace adserve
