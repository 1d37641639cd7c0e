#pragma once

#include "RequestLogModel.h"
#include "simulator/DeliveryRequest.h"

#include <QWidget>

#include <deque>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTimer;
class QTreeView;

namespace adserve {

class FlashLabel;
class RequestLogFilter;
class RequestReplay;

// The server's request log as a QA engineer works with it: statuses coloured by class, a
// filter, pause (new requests held and counted, shown in order on resume), clear, a load run
// as one entry, the selected request and its answer in full, and Replay, Copy as curl and
// Open in Simulator on it. Requests arrive one by one and are shown in batches a few times a
// second, so a load run does not repaint the window per request.
class RequestLogView : public QWidget
{
    Q_OBJECT
public:
    explicit RequestLogView(QWidget *parent = nullptr);

    // A request the server answered.
    void add(const RequestRecord &record);
    // Shows what add() received since the last batch (done on a timer; tests call it too).
    void flush();
    // Where the server answers (replays go there); empty while it is stopped.
    void setServerUrl(const QString &url);

    void setPaused(bool paused);
    bool isPaused() const;
    // Requests held while paused.
    qint64 heldCount() const { return qint64(heldRecords_.size()); }
    void clear();

    // The selected entry's actions.
    bool replaySelected();
    QString copySelectedAsCurl();
    bool openSelectedInSimulator();

    RequestLogModel *model() const { return model_; }
    RequestLogFilter *filter() const { return filter_; }
    QTreeView *tree() const { return tree_; }
    QString detailText() const;
    QString confirmationText() const;

Q_SIGNALS:
    void openInSimulator(const adserve::DeliveryRequest &request);
    void message(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    const RequestRecord *selectedRecord() const;
    void showSelected();
    void showCounts();

    RequestLogModel *model_;
    RequestLogFilter *filter_;
    QLineEdit *filterText_;
    QComboBox *statusClass_;
    QPushButton *pause_, *clear_;
    QLabel *held_, *count_;
    QTreeView *tree_;
    QPushButton *replay_, *copyCurl_, *openInSimulator_;
    FlashLabel *confirmation_;
    QPlainTextEdit *detail_;
    RequestReplay *replayer_;
    QTimer *batch_;
    QString serverUrl_, lastUrl_; // lastUrl_: also while stopped, for the text and curl
    std::vector<RequestRecord> pending_; // since the last batch
    std::deque<RequestRecord> heldRecords_;    // while paused, bounded as the log is
    qint64 heldBytes_ = 0; // of heldRecords_
    qint64 droppedWhilePaused_ = 0;
};

} // namespace adserve
