#pragma once

#include "traffic/RecordedTraffic.h"
#include "traffic/TrafficWindow.h"

#include <QObject>

#include <memory>

namespace adserve {

class BackgroundJob;
class StudioSession;

// The recorded traffic of the last few days, read from the store and prepared off the GUI
// thread, shared by everything in the studio that counts requests (the Reach panel, the
// editor's and the bulk edit's impact previews). One per session. A prepared window is
// reused for a minute (the recorders flush once a minute); a connection change drops it.
class RecordedTrafficSource : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultDays = 7;

    explicit RecordedTrafficSource(StudioSession &session, QObject *parent = nullptr);
    ~RecordedTrafficSource() override;

    // The window: the last `days` days, up to the end of the current hour.
    int days() const { return days_; }
    // Drops what was prepared for the previous window and reads the new one.
    void setDays(int days);

    // The traffic as last prepared, null before the first read of this window and engine.
    std::shared_ptr<const RecordedTraffic> current() const { return current_; }
    // The hours current() covers.
    const TrafficWindow &window() const { return window_; }
    // Reads the window unless a read of it younger than a minute is there or under way.
    void request();
    // Reads it again now: after an import.
    void refresh();
    bool isReading() const;
    // Why the last read failed; empty after one that succeeded.
    QString error() const { return error_; }
    // Why current() is null, in words for a panel: the traffic is being read, or cannot be.
    QString unavailableText() const;
    // The reader: tests wait on it.
    BackgroundJob *reader() const { return reader_; }

Q_SIGNALS:
    // current() or error() changed: a read finished, or a connection change dropped them.
    void changed();

private:
    void read();

    StudioSession &session_;
    BackgroundJob *reader_;
    int days_ = kDefaultDays;
    std::shared_ptr<const RecordedTraffic> current_;
    TrafficWindow window_;
    qint64 readAtMs_ = 0;
    QString error_;
    bool again_ = false; // asked for a fresh read while one ran
};

} // namespace adserve
