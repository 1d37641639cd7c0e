#include "RequestLogView.h"

#include "RequestDetails.h"
#include "RequestLogFilter.h"
#include "RequestReplay.h"
#include "common/FlashLabel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace adserve {

namespace {
constexpr int kBatchMillis = 200;
}

RequestLogView::RequestLogView(QWidget *parent)
    : QWidget(parent)
    , model_(new RequestLogModel(this))
    , filter_(new RequestLogFilter(this))
    , filterText_(new QLineEdit(this))
    , statusClass_(new QComboBox(this))
    , pause_(new QPushButton(tr("Pause"), this))
    , clear_(new QPushButton(tr("Clear"), this))
    , held_(new QLabel(this))
    , count_(new QLabel(this))
    , tree_(new QTreeView(this))
    , replay_(new QPushButton(tr("Replay"), this))
    , copyCurl_(new QPushButton(tr("Copy as curl"), this))
    , openInSimulator_(new QPushButton(tr("Open in Simulator"), this))
    , confirmation_(new FlashLabel(this))
    , detail_(new QPlainTextEdit(this))
    , replayer_(new RequestReplay(this))
    , batch_(new QTimer(this))
{
    setObjectName(QStringLiteral("requestLog"));
    filterText_->setObjectName(QStringLiteral("logFilter"));
    statusClass_->setObjectName(QStringLiteral("logStatusClass"));
    pause_->setObjectName(QStringLiteral("logPause"));
    clear_->setObjectName(QStringLiteral("logClear"));
    held_->setObjectName(QStringLiteral("logHeld"));
    count_->setObjectName(QStringLiteral("logCount"));
    tree_->setObjectName(QStringLiteral("logEntries"));
    replay_->setObjectName(QStringLiteral("logReplay"));
    copyCurl_->setObjectName(QStringLiteral("logCopyCurl"));
    openInSimulator_->setObjectName(QStringLiteral("logOpenInSimulator"));
    confirmation_->setObjectName(QStringLiteral("logConfirmation"));
    detail_->setObjectName(QStringLiteral("logDetail"));

    filterText_->setPlaceholderText(tr("Filter: method, path or query"));
    filterText_->setClearButtonEnabled(true);
    statusClass_->addItem(tr("Any status"), RequestLogFilter::AnyStatus);
    statusClass_->addItem(tr("2xx success"), RequestLogFilter::Success);
    statusClass_->addItem(tr("3xx redirect"), RequestLogFilter::Redirect);
    statusClass_->addItem(tr("4xx client error"), RequestLogFilter::ClientError);
    statusClass_->addItem(tr("5xx server error"), RequestLogFilter::ServerError);
    statusClass_->addItem(tr("4xx and 5xx"), RequestLogFilter::AnyError);
    pause_->setCheckable(true);
    pause_->setToolTip(tr("Hold new requests (counted) without showing them; Resume shows them in order"));
    clear_->setToolTip(tr("Remove every entry, and the requests held while paused"));
    count_->setToolTip(tr("The log keeps at most %1 entries; the oldest go first").arg(QLocale().toString(model_->limits().maxEntries)));

    filter_->setSourceModel(model_);
    tree_->setModel(filter_);
    tree_->setUniformRowHeights(true);
    tree_->setAlternatingRowColors(true);
    tree_->setSelectionMode(QAbstractItemView::SingleSelection);
    tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tree_->header()->setStretchLastSection(false);
    tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree_->header()->setSectionResizeMode(RequestLogModel::RequestColumn, QHeaderView::Stretch);
    model_->setPalette(palette());

    replay_->setToolTip(tr("Send this request again to the running server; the answer appears as a new entry"));
    copyCurl_->setToolTip(tr("Copy a curl command that sends this request (the Authorization header is left out)"));
    openInSimulator_->setToolTip(tr("Open this delivery request in the Simulator and run it there"));
    detail_->setReadOnly(true);
    detail_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    detail_->setPlaceholderText(tr("Select an entry to see the request and the response"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(filterText_, 1);
    bar->addWidget(statusClass_);
    bar->addWidget(pause_);
    bar->addWidget(clear_);
    bar->addWidget(held_);
    bar->addWidget(count_);
    auto *actions = new QHBoxLayout;
    actions->addWidget(replay_);
    actions->addWidget(copyCurl_);
    actions->addWidget(openInSimulator_);
    actions->addWidget(confirmation_, 1);
    auto *lower = new QWidget(this);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addLayout(actions);
    lowerLayout->addWidget(detail_, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(tree_);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(filterText_, &QLineEdit::textChanged, filter_, &RequestLogFilter::setText);
    connect(statusClass_, &QComboBox::currentIndexChanged, this,
            [this] { filter_->setStatusClass(statusClass_->currentData().toInt()); });
    connect(pause_, &QPushButton::toggled, this, &RequestLogView::setPaused);
    connect(clear_, &QPushButton::clicked, this, &RequestLogView::clear);
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this, &RequestLogView::showSelected);
    connect(replay_, &QPushButton::clicked, this, &RequestLogView::replaySelected);
    connect(copyCurl_, &QPushButton::clicked, this, &RequestLogView::copySelectedAsCurl);
    connect(openInSimulator_, &QPushButton::clicked, this, &RequestLogView::openSelectedInSimulator);
    connect(replayer_, &RequestReplay::finished, this, [this](int, const QString &text) {
        confirmation_->flash(text);
        Q_EMIT message(text);
    });
    connect(model_, &QAbstractItemModel::rowsInserted, this, &RequestLogView::showCounts);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &RequestLogView::showCounts);
    connect(model_, &QAbstractItemModel::modelReset, this, &RequestLogView::showCounts);
    // A load run's row changes as its requests come: its detail follows.
    connect(model_, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from) {
        if (model_->isLoadRun(from) && filter_->mapToSource(tree_->currentIndex()).siblingAtColumn(0) == from)
            showSelected();
    });
    batch_->setInterval(kBatchMillis);
    connect(batch_, &QTimer::timeout, this, &RequestLogView::flush);
    batch_->start();
    showSelected();
    showCounts();
}

void RequestLogView::add(const RequestRecord &record)
{
    pending_.push_back(record);
}

void RequestLogView::flush()
{
    if (pending_.empty())
        return;
    if (isPaused()) {
        for (RequestRecord &record : pending_) {
            heldBytes_ += record.heldBytes();
            heldRecords_.push_back(std::move(record));
        }
        pending_.clear();
        // Bounded as the log is, by count and by the bytes of headers and bodies.
        const RequestLogModel::Limits limits = model_->limits();
        while (qint64(heldRecords_.size()) > limits.maxEntries || heldBytes_ > limits.maxBytes) {
            heldBytes_ -= heldRecords_.front().heldBytes();
            heldRecords_.pop_front();
            ++droppedWhilePaused_;
        }
        showCounts();
        return;
    }
    model_->append(std::exchange(pending_, {}));
}

void RequestLogView::setServerUrl(const QString &url)
{
    serverUrl_ = url;
    if (!url.isEmpty())
        lastUrl_ = url;
    showSelected();
}

bool RequestLogView::isPaused() const
{
    return pause_->isChecked();
}

void RequestLogView::setPaused(bool paused)
{
    if (pause_->isChecked() != paused) {
        pause_->setChecked(paused); // comes back here through toggled()
        return;
    }
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    if (paused) {
        showCounts();
        return;
    }
    // What came meanwhile, in the order it came, then what is pending.
    std::vector<RequestRecord> resumed(std::make_move_iterator(heldRecords_.begin()), std::make_move_iterator(heldRecords_.end()));
    heldRecords_.clear();
    heldBytes_ = 0;
    droppedWhilePaused_ = 0;
    for (RequestRecord &record : pending_)
        resumed.push_back(std::move(record));
    pending_.clear();
    model_->append(resumed);
    showCounts();
}

void RequestLogView::clear()
{
    heldRecords_.clear();
    heldBytes_ = 0;
    pending_.clear();
    droppedWhilePaused_ = 0;
    model_->clear();
    showSelected();
}

void RequestLogView::showCounts()
{
    const qint64 held = heldCount();
    held_->setVisible(isPaused());
    held_->setText(droppedWhilePaused_ ? tr("%1 new while paused (%2 older dropped)").arg(held).arg(droppedWhilePaused_)
                                       : tr("%1 new while paused").arg(held));
    count_->setText(tr("%1 entries").arg(QLocale().toString(model_->entryCount())));
}

void RequestLogView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        model_->setPalette(palette());
    QWidget::changeEvent(event);
}

const RequestRecord *RequestLogView::selectedRecord() const
{
    return model_->record(filter_->mapToSource(tree_->currentIndex()));
}

void RequestLogView::showSelected()
{
    const QModelIndex current = filter_->mapToSource(tree_->currentIndex());
    const RequestRecord *record = model_->record(current);
    replay_->setEnabled(record && !serverUrl_.isEmpty());
    copyCurl_->setEnabled(record);
    openInSimulator_->setEnabled(record && RequestDetails::deliveryRequest(*record));
    detail_->setPlainText(record ? RequestDetails::text(*record, lastUrl_) : model_->loadRunText(current));
    detail_->moveCursor(QTextCursor::Start); // the request line first
}

QString RequestLogView::detailText() const
{
    return detail_->toPlainText();
}

QString RequestLogView::confirmationText() const
{
    return confirmation_->text();
}

bool RequestLogView::replaySelected()
{
    const RequestRecord *record = selectedRecord();
    if (!record)
        return false;
    QString why;
    if (!replayer_->send(*record, serverUrl_, &why)) {
        confirmation_->flash(why);
        return false;
    }
    return true;
}

QString RequestLogView::copySelectedAsCurl()
{
    const RequestRecord *record = selectedRecord();
    if (!record)
        return {};
    QStringList leftOut;
    const QString command = RequestDetails::curl(*record, lastUrl_, &leftOut);
    QApplication::clipboard()->setText(command);
    const QString note = leftOut.isEmpty() ? tr("Copied") : tr("Copied, without %1").arg(leftOut.join(tr(" and ")));
    confirmation_->flash(QStringLiteral("✔ ") + note);
    Q_EMIT message(tr("%1: the curl command is on the clipboard").arg(note));
    return command;
}

bool RequestLogView::openSelectedInSimulator()
{
    const RequestRecord *record = selectedRecord();
    const auto request = record ? RequestDetails::deliveryRequest(*record) : std::nullopt;
    if (!request)
        return false;
    Q_EMIT openInSimulator(*request);
    return true;
}

} // namespace adserve
