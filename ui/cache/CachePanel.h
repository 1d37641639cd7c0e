#pragma once

#include "CacheTarget.h"
#include "KeyBrowsing.h"
#include "common/BackgroundJob.h"

#include <QWidget>

#include <functional>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace adserve {

class CacheStatusView;
class StaleKeysView;
class StudioSession;
class TtlSpinBox;

// The ops engineer's view of the cache: whether it answers (a banner when it does not), the
// hit ratio of the last two minutes and the cache-aside counters live with a chart, the
// server's own figures, a key browser (a Redis pattern or a campaign code; each key with its
// campaign and a TTL counting down), TTL editing, deletes with a preview and confirmation,
// warm-up and a staleness check with the old and new values and a way to fix them. On a cache
// on another host every destructive action asks for the host name, and a read-only switch
// turns them all off. Pings, server figures, scans, deletes, warm-up and the staleness check
// run off the GUI thread.
class CachePanel : public QWidget
{
    Q_OBJECT
public:
    // The key browser's columns.
    enum KeyColumn { KeyName, CampaignOfKey, KeyType, KeyTtlLeft, KeySize };

    explicit CachePanel(StudioSession &session, QWidget *parent = nullptr);

    // The search box: a Redis key pattern or a campaign code.
    void setPattern(const QString &pattern);
    // Starts a new search (first page) / fetches the next page.
    void scan();
    void nextPage();
    // Keys shown in the browser.
    QStringList shownKeys() const;
    void selectKey(const QString &key);
    // Asks (preview + confirmation), then deletes.
    void deleteSelection();
    // Asks for the pattern in a dialog of its own, previews, confirms, deletes.
    void deleteByPattern();
    void warm();
    // Compares the cache with the store and shows the results' tab.
    void checkStaleness();
    // Samples the cache-aside counters (the chart, the hit ratio) and shows them.
    void refreshStats();
    void refreshServerInfo();
    // Asks the cache whether it answers, in the background; the figures and banner say so.
    void checkHealth();

    // No change to the cache from this panel while on; remembered per cache.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const;
    const CacheTarget &target() const { return target_; }

    BackgroundJob *job() const { return job_; }
    QTableWidget *keyTable() const { return keys_; }
    QTableWidget *staleTable() const;
    StaleKeysView *staleView() const { return stale_; }
    QTabWidget *views() const { return views_; }

Q_SIGNALS:
    void message(const QString &text);

protected:
    // Shown again (the tab made current): figures read while hidden are old.
    void showEvent(QShowEvent *event) override;

private:
    // Starts `work` on the panel's job; when another one runs, says so and returns false.
    bool startJob(const QString &title, BackgroundJob::Work work);
    // Everything Refresh reads again.
    void refresh();
    void showPage(const KeyBrowsing::KeyPage &page, bool append);
    // The Type and TTL cells of a row.
    void showDetails(int row, const CacheKeyDetails &details);
    void showValue();
    void showDetailTtl();
    void applyTtl();
    void confirmAndDelete(const QString &what, const QList<QByteArray> &keys, std::function<void()> after = {});
    void refreshStale(const QList<QByteArray> &keys);
    void followEngine();
    void updateActions();

    StudioSession &session_;
    CacheStatusView *status_;
    QLineEdit *pattern_;
    QSpinBox *pageSize_;
    QPushButton *next_;
    QTableWidget *keys_;
    QLabel *keyCount_;
    QLabel *keyHeading_; // the selected key, its campaign and its TTL counting down
    QPlainTextEdit *value_;
    TtlSpinBox *ttl_;
    QPushButton *setTtl_;
    QPushButton *deleteSelected_;
    QCheckBox *readOnly_;
    QList<QAction *> writeActions_; // toolbar actions that change the cache
    StaleKeysView *stale_;
    QTabWidget *views_;
    BackgroundJob *job_; // scans, deletes, warm-up, staleness
    QTimer *ticker_;     // a second: the TTLs counting down
    KeyBrowsing::SearchState search_;
    CacheTarget target_;
    QString shownKey_;   // the key in the value pane
    KeyTtl shownTtl_;    // its TTL, counting down
    QString shownCampaign_;
};

} // namespace adserve
