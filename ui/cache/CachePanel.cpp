#include "CachePanel.h"

#include "CacheStatusView.h"
#include "HostConfirmation.h"
#include "KeyDeletionDialog.h"
#include "KeyTtl.h"
#include "PatternDeletionDialog.h"
#include "StaleKeysView.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "common/ReadOnlyTable.h"
#include "session/StudioSession.h"

#include <QAction>
#include <QCheckBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace adserve {

namespace {

QString readOnlySetting(const CacheTarget &target)
{
    return QStringLiteral("cache/readOnly/") + QString::fromLatin1(QUrl::toPercentEncoding(target.settingsKey));
}

} // namespace

CachePanel::CachePanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , status_(new CacheStatusView(session, this))
    , pattern_(new QLineEdit(QStringLiteral("campaign:*"), this))
    , pageSize_(new QSpinBox(this))
    , next_(new QPushButton(tr("Next page"), this))
    , keys_(makeReadOnlyTable({tr("Key"), tr("Campaign"), tr("Type"), tr("TTL"), tr("Size")}, QStringLiteral("keys"), this))
    , keyCount_(new QLabel(this))
    , keyHeading_(new QLabel(this))
    , value_(new QPlainTextEdit(this))
    , ttl_(new TtlSpinBox(this))
    , setTtl_(new QPushButton(tr("Set TTL…"), this))
    , deleteSelected_(new QPushButton(tr("Delete selected…"), this))
    , readOnly_(new QCheckBox(tr("Read-only"), this))
    , stale_(new StaleKeysView(this))
    , views_(new QTabWidget(this))
    , job_(new BackgroundJob(this))
    , ticker_(new QTimer(this))
{
    setObjectName(QStringLiteral("cachePanel"));
    pattern_->setObjectName(QStringLiteral("keyPattern"));
    pattern_->setPlaceholderText(tr("a campaign code (acme, *sale*) or a key pattern (campaign:*)"));
    pattern_->setToolTip(tr("Type a campaign code, part of one or a glob (acme, *sale*) to list the keys of the "
                            "campaigns whose codes match, or a key pattern with ':' (campaign:*, campaign:4?) "
                            "to SCAN for it. Empty lists every key."));
    pattern_->setClearButtonEnabled(true);
    next_->setObjectName(QStringLiteral("nextPage"));
    keyHeading_->setObjectName(QStringLiteral("keyHeading"));
    keyHeading_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value_->setObjectName(QStringLiteral("keyValue"));
    ttl_->setObjectName(QStringLiteral("keyTtl"));
    setTtl_->setObjectName(QStringLiteral("setTtl"));
    deleteSelected_->setObjectName(QStringLiteral("deleteSelected"));
    keyCount_->setObjectName(QStringLiteral("keyCount"));
    readOnly_->setObjectName(QStringLiteral("readOnly"));
    readOnly_->setToolTip(tr("Browse and check only: deleting keys, setting TTLs, warming and refreshing from the "
                             "store are off.\nOn by default for a cache on another host (most likely shared or "
                             "production), off for this machine's; your choice is remembered for each cache.\n"
                             "Off, every destructive action on another host still asks you to type its name."));
    pageSize_->setRange(10, 10000);
    pageSize_->setValue(200);
    pageSize_->setPrefix(tr("page "));
    value_->setReadOnly(true);
    value_->setFont(QFont(QStringLiteral("monospace")));
    keys_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    keys_->setSortingEnabled(true);
    keys_->sortByColumn(KeyName, Qt::AscendingOrder);
    next_->setEnabled(false);

    auto *tools = new QToolBar(this);
    const auto action = [&](const QString &name, const QString &text, auto slot) {
        QAction *a = tools->addAction(text, this, slot);
        a->setObjectName(name);
        return a;
    };
    action(QStringLiteral("refreshCache"), tr("Refresh"), &CachePanel::refresh);
    writeActions_.append(action(QStringLiteral("warmCache"), tr("Warm with active campaigns"), &CachePanel::warm));
    action(QStringLiteral("checkStaleness"), tr("Check staleness"), &CachePanel::checkStaleness);
    writeActions_.append(action(QStringLiteral("deleteByPattern"), tr("Delete by pattern…"), &CachePanel::deleteByPattern));
    auto *spacer = new QWidget(tools);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    tools->addWidget(spacer);
    tools->addWidget(readOnly_);

    // Right: key browser (search, keys, the selected key's value, TTL), stale keys.
    auto *scanButton = new QPushButton(tr("Search"), this);
    scanButton->setObjectName(QStringLiteral("scan"));
    auto *scanRow = new QHBoxLayout;
    scanRow->addWidget(new QLabel(tr("Search"), this));
    scanRow->addWidget(pattern_, 1);
    scanRow->addWidget(pageSize_);
    scanRow->addWidget(scanButton);
    scanRow->addWidget(next_);
    auto *keyActions = new QHBoxLayout;
    keyActions->addWidget(keyCount_, 1);
    keyActions->addWidget(new QLabel(tr("TTL"), this));
    keyActions->addWidget(ttl_);
    keyActions->addWidget(setTtl_);
    keyActions->addWidget(deleteSelected_);
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(keyHeading_);
    detailLayout->addWidget(value_, 1);
    auto *browser = new QWidget(this);
    auto *browserLayout = new QVBoxLayout(browser);
    browserLayout->setContentsMargins(0, 0, 0, 0);
    browserLayout->addLayout(scanRow);
    auto *keySplit = new QSplitter(Qt::Vertical, browser);
    keySplit->addWidget(keys_);
    keySplit->addWidget(detail);
    browserLayout->addWidget(keySplit, 1);
    browserLayout->addLayout(keyActions);
    views_->setObjectName(QStringLiteral("cacheViews"));
    views_->addTab(browser, tr("Keys"));
    views_->addTab(stale_, tr("Stale keys"));

    auto *splitter = new QSplitter(this);
    splitter->addWidget(status_);
    splitter->addWidget(views_);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tools);
    layout->addWidget(status_->banner());
    layout->addWidget(splitter, 1);
    layout->addWidget(new JobProgress(*job_, this));

    connect(scanButton, &QPushButton::clicked, this, &CachePanel::scan);
    connect(pattern_, &QLineEdit::returnPressed, this, &CachePanel::scan);
    connect(next_, &QPushButton::clicked, this, &CachePanel::nextPage);
    connect(deleteSelected_, &QPushButton::clicked, this, &CachePanel::deleteSelection);
    connect(setTtl_, &QPushButton::clicked, this, &CachePanel::applyTtl);
    connect(keys_, &QTableWidget::itemSelectionChanged, this, [this] {
        showValue();
        updateActions();
    });
    connect(readOnly_, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(readOnlySetting(target_), on);
        updateActions();
    });
    connect(stale_, &StaleKeysView::refreshRequested, this, &CachePanel::refreshStale);
    connect(stale_, &StaleKeysView::deleteRequested, this, [this](const QList<QByteArray> &keys) {
        confirmAndDelete(tr("Stale keys"), keys, [this] { checkStaleness(); });
    });

    // The TTLs count down from what the last read said: a repaint a second, no query.
    ticker_->setInterval(1000);
    connect(ticker_, &QTimer::timeout, this, [this] {
        if (!isVisible())
            return;
        keys_->viewport()->update(); // the TTL cells work their text out as they are painted
        showDetailTtl();
    });
    ticker_->start();
    connect(&session_, &StudioSession::aboutToClose, this, [this] {
        job_->cancelAndWait();
        status_->stop();
    });
    session_.forEachEngine(this, [this] { followEngine(); });
}

void CachePanel::followEngine()
{
    // Another cache: nothing shown came from it.
    search_ = {};
    next_->setEnabled(false);
    keys_->setRowCount(0);
    keyCount_->clear();
    stale_->clear();
    value_->clear();
    shownKey_.clear();
    showDetailTtl();
    target_ = CacheTarget::of(session_.config().cache);
    const QSignalBlocker quiet(readOnly_);
    readOnly_->setChecked(QSettings().value(readOnlySetting(target_), !target_.local).toBool());
    updateActions();
    status_->restart(target_);
}

void CachePanel::setReadOnly(bool readOnly)
{
    readOnly_->setChecked(readOnly);
}

bool CachePanel::isReadOnly() const
{
    return readOnly_->isChecked();
}

void CachePanel::updateActions()
{
    const bool writable = !isReadOnly();
    const bool selected = keys_->selectionModel()->hasSelection();
    for (QAction *a : std::as_const(writeActions_))
        a->setEnabled(writable);
    setTtl_->setEnabled(writable && selected);
    deleteSelected_->setEnabled(writable && selected);
    ttl_->setEnabled(writable);
    stale_->setReadOnly(!writable);
}

QTableWidget *CachePanel::staleTable() const
{
    return stale_->table();
}

void CachePanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void CachePanel::refresh()
{
    status_->refresh();
}

void CachePanel::refreshStats()
{
    status_->refreshStats();
}

void CachePanel::refreshServerInfo()
{
    status_->refreshServerInfo();
}

void CachePanel::checkHealth()
{
    status_->checkHealth();
}

void CachePanel::setPattern(const QString &pattern)
{
    pattern_->setText(pattern);
}

void CachePanel::scan()
{
    search_ = KeyBrowsing::SearchState{KeySearch(pattern_->text())};
    keys_->setRowCount(0);
    nextPage();
}

void CachePanel::nextPage()
{
    CacheBackend &backend = session_.engine().cache().backend();
    CampaignStore &store = session_.engine().store();
    const bool append = search_.cursor != "0" || keys_->rowCount() > 0;
    next_->setEnabled(false);
    const bool started =
        startJob(tr("Searching %1").arg(search_.search.describe()),
                 [this, &backend, &store, state = search_, size = pageSize_->value(), append](JobControl &control) mutable {
                     const auto page = KeyBrowsing::nextPage(backend, store, state, size, control);
                     return BackgroundJob::Finish([this, page, state, append] {
                         search_ = state;
                         showPage(page, append);
                     });
                 });
    if (!started)
        next_->setEnabled(append);
}

bool CachePanel::startJob(const QString &title, BackgroundJob::Work work)
{
    if (job_->start(title, std::move(work)))
        return true;
    // One job at a time: say so, rather than drop what the user asked for.
    Q_EMIT message(tr("Not started: \"%1\" is still running; try again when it is done").arg(job_->title()));
    return false;
}

void CachePanel::showPage(const KeyBrowsing::KeyPage &page, bool append)
{
    if (!page.error.isEmpty()) {
        keyCount_->setText(tr("search failed: %1").arg(page.error));
        return;
    }
    if (!append)
        keys_->setRowCount(0);
    keys_->setSortingEnabled(false);
    int row = keys_->rowCount();
    keys_->setRowCount(row + int(page.keys.size()));
    for (const KeyBrowsing::KeyInfo &info : page.keys) {
        keys_->setItem(row, KeyName, new QTableWidgetItem(QString::fromUtf8(info.key)));
        auto *campaign = new QTableWidgetItem(info.campaign ? info.campaign->text() : QString());
        campaign->setToolTip(campaign->text());
        keys_->setItem(row, CampaignOfKey, campaign);
        keys_->setItem(row, KeyType, new QTableWidgetItem(QString::fromUtf8(info.details.type)));
        keys_->setItem(row, KeyTtlLeft, new TtlItem(info.ttl));
        auto *size = new QTableWidgetItem;
        if (info.size >= 0) // unknown for a key that is gone or holds no string
            size->setData(Qt::DisplayRole, info.size);
        keys_->setItem(row, KeySize, size);
        ++row;
    }
    keys_->setSortingEnabled(true);
    keys_->resizeColumnToContents(CampaignOfKey);
    next_->setEnabled(!page.complete);
    const QString counted = page.complete ? tr("%n key(s); search complete", nullptr, keys_->rowCount())
                                          : tr("%n key(s) shown; more to search", nullptr, keys_->rowCount());
    keyCount_->setText(page.note.isEmpty() ? counted : QStringLiteral("%1 · %2").arg(page.note, counted));
}

void CachePanel::showDetails(int row, const CacheKeyDetails &details)
{
    keys_->setItem(row, KeyType, new QTableWidgetItem(QString::fromUtf8(details.type)));
    keys_->setItem(row, KeyTtlLeft, new TtlItem(KeyTtl::readNow(details.ttlMs)));
}

QStringList CachePanel::shownKeys() const
{
    QStringList keys;
    for (int r = 0; r < keys_->rowCount(); ++r)
        keys.append(keys_->item(r, KeyName)->text());
    return keys;
}

void CachePanel::selectKey(const QString &key)
{
    for (QTableWidgetItem *found : keys_->findItems(key, Qt::MatchExactly)) {
        if (found->column() == KeyName) {
            keys_->selectRow(found->row());
            return;
        }
    }
}

void CachePanel::showDetailTtl()
{
    if (shownKey_.isEmpty()) {
        keyHeading_->clear();
        return;
    }
    keyHeading_->setText(tr("<b>%1</b>%2 · TTL <b>%3</b>")
                             .arg(shownKey_.toHtmlEscaped(),
                                  shownCampaign_.isEmpty() ? QString() : QStringLiteral(" · ") + shownCampaign_.toHtmlEscaped(),
                                  shownTtl_.text()));
}

void CachePanel::showValue()
{
    const auto rows = keys_->selectionModel()->selectedRows();
    shownKey_.clear();
    showDetailTtl();
    if (rows.size() != 1) {
        value_->setPlainText(rows.isEmpty() ? QString() : tr("%1 keys selected").arg(rows.size()));
        return;
    }
    // One key: small enough to read on the GUI thread.
    CacheBackend &backend = session_.engine().cache().backend();
    const int row = rows.first().row();
    const QByteArray key = keys_->item(row, KeyName)->text().toUtf8();
    const auto details = backend.keyDetails({key});
    if (!details.ok()) {
        value_->setPlainText(tr("cannot read: %1").arg(details.error));
        return;
    }
    const CacheKeyDetails &detail = details.value.constFirst();
    shownKey_ = QString::fromUtf8(key);
    shownCampaign_ = keys_->item(row, CampaignOfKey)->text();
    shownTtl_ = KeyTtl::readNow(detail.ttlMs);
    showDetailTtl();
    if (detail.type == "none") {
        value_->setPlainText(tr("(the key is gone)"));
        return;
    }
    ttl_->setValue(detail.ttlMs > 0 ? int((detail.ttlMs + 999) / 1000) : 0);
    if (detail.type != "string") {
        value_->setPlainText(tr("(a %1: the browser shows string values only)").arg(QString::fromUtf8(detail.type)));
        return;
    }
    const auto values = backend.getMany({key});
    if (!values.ok()) {
        value_->setPlainText(tr("cannot read: %1").arg(values.error));
        return;
    }
    const auto &raw = values.value.value(0);
    if (!raw) {
        value_->setPlainText(tr("(the key is gone)"));
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(*raw);
    value_->setPlainText(doc.isNull() ? QString::fromUtf8(*raw) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

void CachePanel::applyTtl()
{
    const auto selected = keys_->selectionModel()->selectedRows();
    if (isReadOnly() || selected.isEmpty())
        return;
    const QString what = ttl_->value() == 0
                             ? tr("Make %n key(s) persistent", nullptr, int(selected.size()))
                             : tr("Set the TTL of %n key(s) to %1", nullptr, int(selected.size())).arg(formatTtl(qint64(ttl_->value()) * 1000));
    if (!confirmOnHost(this, target_, what))
        return;
    CacheBackend &backend = session_.engine().cache().backend();
    QList<int> rows;
    QList<QByteArray> keys;
    QString failure;
    for (const QModelIndex &index : selected) {
        const QByteArray key = keys_->item(index.row(), KeyName)->text().toUtf8();
        const auto result = backend.setTtl(key, std::chrono::seconds(ttl_->value()));
        if (!result.ok()) {
            failure = result.error;
            break;
        }
        rows.append(index.row());
        keys.append(key);
    }
    // Read back what the cache now holds for the keys that were set, in one call.
    const auto details = backend.keyDetails(keys);
    if (details.ok()) {
        keys_->setSortingEnabled(false); // rows stay where they are until all are shown
        for (qsizetype i = 0; i < rows.size(); ++i)
            showDetails(rows.at(i), details.value.at(i));
        keys_->setSortingEnabled(true);
        showValue();
    }
    if (!failure.isEmpty())
        QMessageBox::warning(this, tr("TTL not set"), failure);
    else if (!details.ok())
        QMessageBox::warning(this, tr("TTL set, but not read back"), details.error);
    else
        Q_EMIT message(tr("TTL set on %n key(s)", nullptr, int(rows.size())));
}

void CachePanel::deleteSelection()
{
    if (isReadOnly())
        return;
    QList<QByteArray> keys;
    for (const QModelIndex &index : keys_->selectionModel()->selectedRows())
        keys.append(keys_->item(index.row(), KeyName)->text().toUtf8());
    if (!keys.isEmpty())
        confirmAndDelete(tr("Selected keys"), keys);
}

void CachePanel::deleteByPattern()
{
    if (isReadOnly() || job_->isRunning())
        return;
    PatternDeletionDialog ask(pattern_->text(), session_.engine().cache().backend(), session_.engine().store(), this);
    if (ask.exec() != QDialog::Accepted)
        return;
    confirmAndDelete(tr("Pattern %1").arg(ask.search().text()), ask.keys());
}

void CachePanel::confirmAndDelete(const QString &what, const QList<QByteArray> &keys, std::function<void()> after)
{
    if (isReadOnly())
        return;
    KeyDeletionDialog preview(what, keys, target_, this);
    if (preview.exec() != QDialog::Accepted)
        return;
    CampaignCache &cache = session_.engine().cache();
    startJob(tr("Deleting %n key(s)", nullptr, int(keys.size())), [this, &cache, keys, after](JobControl &control) {
        const auto removed = CacheMaintenance::removeKeys(cache, keys, control);
        return BackgroundJob::Finish([this, removed, after] {
            if (!removed.ok())
                QMessageBox::warning(this, tr("Delete failed"), removed.error);
            else
                Q_EMIT message(tr("%1 cache keys deleted").arg(removed.value));
            refreshServerInfo();
            if (after)
                after();
            else
                scan();
        });
    });
}

void CachePanel::warm()
{
    if (isReadOnly())
        return;
    CampaignCache &cache = session_.engine().cache();
    CampaignStore &store = session_.engine().store();
    startJob(tr("Warming the cache"), [this, &cache, &store](JobControl &control) {
        const auto written = CacheMaintenance::warm(cache, store, control);
        return BackgroundJob::Finish([this, written] {
            if (!written.ok())
                QMessageBox::warning(this, tr("Warm-up failed"), written.error);
            else
                Q_EMIT message(tr("%1 active campaigns written to the cache").arg(written.value));
            refreshServerInfo();
        });
    });
}

void CachePanel::checkStaleness()
{
    CampaignCache &cache = session_.engine().cache();
    CampaignStore &store = session_.engine().store();
    views_->setCurrentWidget(stale_);
    startJob(tr("Comparing the cache with the store"), [this, &cache, &store](JobControl &control) {
        const auto stale = CacheMaintenance::findStale(cache, store, control);
        return BackgroundJob::Finish([this, stale] {
            if (!stale.ok()) {
                QMessageBox::warning(this, tr("Staleness check failed"), stale.error);
                return;
            }
            stale_->showResults(stale.value);
            views_->setCurrentWidget(stale_);
            Q_EMIT message(stale.value.isEmpty() ? tr("No stale keys: the cache agrees with the store")
                                                 : tr("%n stale key(s)", nullptr, int(stale.value.size())));
        });
    });
}

void CachePanel::refreshStale(const QList<QByteArray> &keys)
{
    // Refreshing drops the cached values first: on another host, ask as for a delete.
    if (isReadOnly() || keys.isEmpty() || !confirmOnHost(this, target_, tr("Refresh %n key(s) from the store", nullptr, int(keys.size()))))
        return;
    CampaignCache &cache = session_.engine().cache();
    CampaignStore &store = session_.engine().store();
    startJob(tr("Refreshing %n key(s) from the store", nullptr, int(keys.size())), [this, &cache, &store, keys](JobControl &) {
        const auto refreshed = CacheMaintenance::refreshFromStore(cache, store, keys);
        return BackgroundJob::Finish([this, refreshed] {
            if (!refreshed.ok()) {
                QMessageBox::warning(this, tr("Refresh from the store failed"), refreshed.error);
                return;
            }
            Q_EMIT message(tr("%n cache key(s) rewritten from the store", nullptr, int(refreshed.value)));
            checkStaleness(); // what is still stale, if anything
        });
    });
}

} // namespace adserve
