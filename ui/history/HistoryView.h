#pragma once

#include "changes/ChangeHistory.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTextBrowser;

namespace adserve {

class BackgroundJob;
class StudioSession;

// One campaign's history, newest first: who changed what and when, each change shown in
// words (fields before → after, rules added, removed, changed), whoever made it (the studio,
// the admin API, psql). Restore makes the campaign as it was right after the selected
// change, once the user has seen what that will do; the restore is a change of its own.
// The change log is read in the background.
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryView(StudioSession &session, QWidget *parent = nullptr);

    // Shows this campaign's history (0: none); `code` names it in the heading.
    void showCampaign(qint64 campaignId, const QString &code = {});
    qint64 campaignId() const { return campaignId_; }
    // Reads the history again (it changed).
    void refresh();
    // Restores the selected change, after the preview unless `confirm` is false; false when
    // nothing was restored (cancelled, or it failed: said in a message).
    bool restoreSelected(bool confirm = true);

    const QList<CampaignChange> &changes() const { return changes_; }
    QListWidget *timeline() const { return timeline_; }
    QTextBrowser *details() const { return details_; }
    BackgroundJob *loader() const { return loader_; }

    // A change in words, as HTML: what the details pane and the restore preview show.
    static QString toHtml(const CampaignChange &change);

protected:
    // Shown again: read it again, it may have changed meanwhile.
    void showEvent(QShowEvent *event) override;

Q_SIGNALS:
    // The campaign was restored; `changeId` is the restore's own change.
    void restored(qint64 campaignId, qint64 changeId);
    void message(const QString &text);

private:
    void load(qint64 beforeChangeId);
    void showSelected();

    StudioSession &session_;
    qint64 campaignId_ = 0;
    QString code_;
    QList<CampaignChange> changes_;
    bool more_ = false;
    QLabel *heading_;
    QListWidget *timeline_;
    QTextBrowser *details_;
    QPushButton *restore_;
    QPushButton *older_;
    BackgroundJob *loader_;
    quint64 reads_ = 0;        // the reads asked for; only the last one's page is shown
    qint64 reselect_ = 0; // the change picked before the history was read again
};

} // namespace adserve
