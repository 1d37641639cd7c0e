#include "TrafficFileImport.h"

#include "common/BackgroundJob.h"
#include "session/StudioSession.h"
#include "traffic/TrafficTable.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace adserve {

namespace {

struct Outcome
{
    bool ok = false;
    qint64 requests = 0;
    QString message;
};

// The format a file was read as; `chosen` when reading stopped before it could tell (say, a
// HAR from a journal).
QString formatName(const QString &format, TrafficImport::Format chosen)
{
    if (format.isEmpty())
        return chosen == TrafficImport::Format::Json        ? QObject::tr("JSON")
               : chosen == TrafficImport::Format::AccessLog ? QObject::tr("access log")
                                                            : QObject::tr("CSV");
    if (format == QLatin1String("har"))
        return QObject::tr("HAR file");
    if (format == QLatin1String("journal"))
        return QObject::tr("QA journal");
    if (format == QLatin1String("access-log"))
        return QObject::tr("access log");
    return QObject::tr("CSV");
}

Outcome importFile(const QString &path, StoreSessions &sessions, JobControl &control)
{
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {false, 0, QObject::tr("%1 cannot be read: %2").arg(name, file.errorString())};
    if (file.size() > TrafficFileImport::kMaxFileBytes)
        return {false, 0, QObject::tr("%1 is larger than %2: split it, and import the parts")
                              .arg(name, QLocale().formattedDataSize(TrafficFileImport::kMaxFileBytes))};
    const QByteArray text = file.readAll();
    if (control.cancelled())
        return {};
    const auto format = TrafficFileImport::formatOf(path, text.left(4096));
    if (!format)
        return {false, 0, QObject::tr("%1: not a CSV (country,os,app,requests[,hour]), HAR, QA journal or access log")
                              .arg(name)};
    const TrafficImport::Result read = TrafficImport::read(*format, text, QDateTime::currentSecsSinceEpoch());
    if (!read.ok())
        return {false, 0, QObject::tr("%1 (%2), %3. Nothing was imported.").arg(name, formatName(read.format, *format), read.error)};
    if (control.cancelled())
        return {};
    const auto added = TrafficTable(sessions).add(read.rows, TrafficImport::batchIdOf(read.rows));
    if (!added.ok())
        return {false, 0, QObject::tr("%1: the store refused the rows: %2. Nothing was imported.").arg(name, added.message)};
    if (added.value == 0 && read.requests > 0)
        return {true, 0, QObject::tr("%1 (%2): already imported; its %3 requests were not added again")
                             .arg(name, formatName(read.format, *format), QLocale().toString(read.requests))};
    QString message = QObject::tr("%1 (%2): %3 requests imported from %4 records")
                          .arg(name, formatName(read.format, *format), QLocale().toString(added.value),
                               QLocale().toString(read.recordsRead));
    if (read.skipped)
        message += QObject::tr(", %1 skipped (not delivery requests)").arg(QLocale().toString(read.skipped));
    return {true, added.value, message};
}

} // namespace

TrafficFileImport::TrafficFileImport(StudioSession &session, QObject *parent)
    : QObject(parent)
    , session_(session)
    , job_(new BackgroundJob(this))
{
    connect(&session_, &StudioSession::aboutToClose, job_, &BackgroundJob::cancelAndWait);
}

TrafficFileImport::~TrafficFileImport()
{
    job_->cancelAndWait(); // the import writes to the session's store
}

std::optional<TrafficImport::Format> TrafficFileImport::formatOf(const QString &fileName, const QByteArray &head)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (suffix == QLatin1String("csv"))
        return TrafficImport::Format::Csv;
    if (suffix == QLatin1String("har") || suffix == QLatin1String("json") || suffix == QLatin1String("jsonl")
        || suffix == QLatin1String("ndjson"))
        return TrafficImport::Format::Json;
    if (suffix == QLatin1String("log"))
        return TrafficImport::Format::AccessLog;
    // No telling extension: the first line decides.
    const QByteArray text = head.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    if (text.startsWith('{') || text.startsWith('['))
        return TrafficImport::Format::Json;
    const QByteArray firstLine = text.left(text.indexOf('\n'));
    // An access log line quotes its request line and brackets its time.
    if (firstLine.contains('"') && firstLine.contains('['))
        return TrafficImport::Format::AccessLog;
    if (firstLine.count(',') >= 3)
        return TrafficImport::Format::Csv;
    return std::nullopt;
}

bool TrafficFileImport::start(const QString &path)
{
    if (!session_.isOpen() || job_->isRunning())
        return false;
    StoreSessions &sessions = session_.engine().store().sessions();
    return job_->start(tr("Importing traffic"), [this, path, &sessions](JobControl &control) -> BackgroundJob::Finish {
        const Outcome outcome = importFile(path, sessions, control);
        if (control.cancelled())
            return {};
        return [this, outcome] { Q_EMIT finished(outcome.ok, outcome.requests, outcome.message); };
    });
}

} // namespace adserve
