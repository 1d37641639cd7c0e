#pragma once

#include "CacheMaintenance.h"
#include "Engine.h"
#include "HitRatioWindow.h"
#include "cache/CacheStats.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace adserve {

class BackgroundJob;
class StudioSession;
class TimeSeriesChart;

// The ops engineer's view of the cache: whether it answers, the hit ratio of the last two
// minutes and the cache-aside counters live with a chart, the server's own figures, a key
// browser on SCAN with type, TTL, size and the pretty-printed value, TTL editing, deletes with
// a preview and confirmation, warm-up and a staleness check. Pings, server figures, scans,
// pattern deletes, warm-up and the staleness check run off the GUI thread.
class CachePanel : public QWidget
{
    Q_OBJECT
public:
    explicit CachePanel(StudioSession &session, QWidget *parent = nullptr);

    void setPattern(const QString &pattern);
    // Starts a new scan (first page) / fetches the next page.
    void scan();
    void nextPage();
    // Keys shown in the browser.
    QStringList shownKeys() const;
    void selectKey(const QString &key);
    // Asks (preview + confirmation), then deletes.
    void deleteSelection();
    void deleteByPattern();
    void warm();
    void checkStaleness();
    // Samples the cache-aside counters (the chart, the hit ratio) and shows them.
    void refreshStats();
    void refreshServerInfo();
    // Asks the cache whether it answers, in the background; the figures say so.
    void checkHealth();

    BackgroundJob *job() const { return job_; }
    QTableWidget *keyTable() const { return keys_; }
    QTableWidget *staleTable() const { return stale_; }

Q_SIGNALS:
    void message(const QString &text);

protected:
    // Shown again (the tab made current): figures read while hidden are old.
    void showEvent(QShowEvent *event) override;

private:
    // Everything Refresh reads again.
    void refresh();
    void showFigures(const CacheStatsSnapshot &counters);
    void showPage(const CacheMaintenance::KeyPage &page, bool append);
    // The Type and TTL cells of a row.
    void showDetails(int row, const CacheKeyDetails &details);
    void showValue();
    void applyTtl();
    void confirmAndDelete(const QString &what, const QList<QByteArray> &keys);

    StudioSession &session_;
    QLabel *figures_;
    TimeSeriesChart *chart_;
    QTableWidget *serverInfo_;
    QLineEdit *pattern_;
    QSpinBox *pageSize_;
    QPushButton *next_;
    QTableWidget *keys_;
    QLabel *keyCount_;
    QPlainTextEdit *value_;
    QSpinBox *ttl_;
    QTableWidget *stale_;
    BackgroundJob *job_;     // scans, deletes, warm-up, staleness
    BackgroundJob *infoJob_; // server figures, refreshed in the background
    BackgroundJob *healthJob_; // the ping behind "up" / "DOWN"
    QTimer *sampler_;
    QByteArray cursor_ = "0";
    CacheStatsSnapshot last_{};
    bool haveLast_ = false;
    QElapsedTimer clock_; // when each sample of the hit ratio was taken
    HitRatioWindow hitRatio_;
    std::optional<BackendHealth> health_; // none until the cache in use answered a ping or failed to
};

} // namespace adserve
