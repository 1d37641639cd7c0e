#pragma once

#include "CacheTarget.h"
#include "Engine.h"
#include "HitRatioWindow.h"
#include "cache/CacheStats.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QTableWidget;
class QTimer;

namespace adserve {

class BackgroundJob;
class StudioSession;
class TimeSeriesChart;

// How the cache is doing: whether it answers (and a banner across the panel when it does
// not, with the error and the target, password hidden), the hit ratio of the last two
// minutes (only over lookups, never while down), the cache-aside counters live with a chart,
// and the server's own figures. Samples a second; pings only while shown.
class CacheStatusView : public QWidget
{
    Q_OBJECT
public:
    explicit CacheStatusView(StudioSession &session, QWidget *parent = nullptr);

    // The banner, for the panel to place across its whole width.
    QLabel *banner() const { return banner_; }
    // Another engine: everything shown starts again, for this target.
    void restart(const CacheTarget &target);
    // Stops the background reads before the engine goes.
    void stop();

    void refresh();
    void refreshStats();
    void refreshServerInfo();
    void checkHealth();

private:
    void showFigures(const CacheStatsSnapshot &counters);
    void showBanner();

    StudioSession &session_;
    QLabel *banner_;
    QLabel *figures_;
    TimeSeriesChart *chart_;
    QTableWidget *serverInfo_;
    BackgroundJob *infoJob_;   // server figures, refreshed in the background
    BackgroundJob *healthJob_; // the ping behind "up" / "DOWN"
    QTimer *sampler_;
    CacheStatsSnapshot last_{};
    bool haveLast_ = false;
    QElapsedTimer clock_; // when each sample of the hit ratio was taken
    HitRatioWindow hitRatio_;
    std::optional<BackendHealth> health_; // none until the cache in use answered a ping or failed to
    CacheTarget target_;
};

} // namespace adserve
