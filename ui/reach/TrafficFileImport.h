#pragma once

#include "traffic/TrafficImport.h"

#include <QObject>

#include <optional>

namespace adserve {

class BackgroundJob;
class StudioSession;

// Imports a traffic file into the store in use: a CSV of counts, a HAR file or QA journal, or
// an access log, the format told by the file's extension or else its first line (as the API
// is told by a Content-Type). Read, parsed and added off the GUI thread, all or nothing: a
// bad line adds no row.
class TrafficFileImport : public QObject
{
    Q_OBJECT
public:
    // Files beyond this are refused before they are read: an import holds the file in memory.
    static constexpr qint64 kMaxFileBytes = qint64(1) << 30;

    explicit TrafficFileImport(StudioSession &session, QObject *parent = nullptr);
    ~TrafficFileImport() override;

    // The format of a file named `fileName` starting with `head`; nullopt: cannot tell.
    static std::optional<TrafficImport::Format> formatOf(const QString &fileName, const QByteArray &head);

    // False when an import is under way already.
    bool start(const QString &path);
    BackgroundJob *job() const { return job_; }

Q_SIGNALS:
    // The import ended: `requests` added (0 when `ok` is false), and what to tell the user.
    void finished(bool ok, qint64 requests, const QString &message);

private:
    StudioSession &session_;
    BackgroundJob *job_;
};

} // namespace adserve
