#include "CachePanel.h"

#include "common/ReadOnlyTable.h"
#include "KeyDeletionDialog.h"
#include "cache/CampaignCodec.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "common/TimeSeriesChart.h"
#include "session/StudioSession.h"

#include <QGroupBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace adserve {

namespace {

// The chart and the hit ratio look at the same stretch of time, one sample a second.
constexpr int kWindowSeconds = 120;

QString ttlText(qint64 ms)
{
    if (ms == kTtlMissingKey)
        return QObject::tr("gone");
    if (ms == kTtlNoExpiry)
        return QObject::tr("no expiry");
    const qint64 s = ms / 1000;
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}


// The server figures an ops engineer looks at first, in this order; the rest follow.
const QStringList kHeadlineFigures{
    QStringLiteral("redis_version"), QStringLiteral("redis_mode"), QStringLiteral("used_memory_human"),
    QStringLiteral("keys"), QStringLiteral("db0"), QStringLiteral("keyspace_hits"), QStringLiteral("keyspace_misses"),
    QStringLiteral("connected_clients"), QStringLiteral("cluster_nodes"), QStringLiteral("cluster_state")};

} // namespace

CachePanel::CachePanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , figures_(new QLabel(this))
    , chart_(new TimeSeriesChart(tr("Cache-aside lookups per second (last 2 minutes)"),
                                 {tr("hits/s"), tr("misses/s"), tr("errors/s")}, tr("per second"), kWindowSeconds, this))
    , serverInfo_(makeReadOnlyTable({tr("Figure"), tr("Value")}, QStringLiteral("serverInfo"), this))
    , pattern_(new QLineEdit(QStringLiteral("campaign:*"), this))
    , pageSize_(new QSpinBox(this))
    , next_(new QPushButton(tr("Next page"), this))
    , keys_(makeReadOnlyTable({tr("Key"), tr("Type"), tr("TTL"), tr("Size")}, QStringLiteral("keys"), this))
    , keyCount_(new QLabel(this))
    , value_(new QPlainTextEdit(this))
    , ttl_(new QSpinBox(this))
    , stale_(makeReadOnlyTable({tr("Key"), tr("Why stale")}, QStringLiteral("stale"), this))
    , job_(new BackgroundJob(this))
    , infoJob_(new BackgroundJob(this))
    , healthJob_(new BackgroundJob(this))
    , sampler_(new QTimer(this))
    , hitRatio_(kWindowSeconds * 1000)
{
    setObjectName(QStringLiteral("cachePanel"));
    figures_->setObjectName(QStringLiteral("cacheFigures"));
    pattern_->setObjectName(QStringLiteral("keyPattern"));
    next_->setObjectName(QStringLiteral("nextPage"));
    value_->setObjectName(QStringLiteral("keyValue"));
    ttl_->setObjectName(QStringLiteral("keyTtl"));
    keyCount_->setObjectName(QStringLiteral("keyCount"));
    figures_->setTextFormat(Qt::RichText);
    figures_->setWordWrap(true);
    pageSize_->setRange(10, 10000);
    pageSize_->setValue(200);
    pageSize_->setPrefix(tr("page "));
    value_->setReadOnly(true);
    value_->setFont(QFont(QStringLiteral("monospace")));
    ttl_->setRange(0, 365 * 24 * 3600);
    ttl_->setSuffix(tr(" s"));
    ttl_->setSpecialValueText(tr("no expiry"));
    keys_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    keys_->setSortingEnabled(true);
    keys_->sortByColumn(0, Qt::AscendingOrder);
    next_->setEnabled(false);

    auto *tools = new QToolBar(this);
    const auto action = [&](const QString &name, const QString &text, auto slot) {
        tools->addAction(text, this, slot)->setObjectName(name);
    };
    action(QStringLiteral("refreshCache"), tr("Refresh"), &CachePanel::refresh);
    action(QStringLiteral("warmCache"), tr("Warm with active campaigns"), &CachePanel::warm);
    action(QStringLiteral("checkStaleness"), tr("Staleness check"), &CachePanel::checkStaleness);
    action(QStringLiteral("deleteByPattern"), tr("Delete by pattern…"), &CachePanel::deleteByPattern);

    // Left: figures, chart, server info.
    auto *stats = new QWidget(this);
    auto *statsLayout = new QVBoxLayout(stats);
    statsLayout->setContentsMargins(0, 0, 0, 0);
    statsLayout->addWidget(figures_);
    statsLayout->addWidget(chart_, 2);
    auto *infoBox = new QGroupBox(tr("Cache server"), stats);
    auto *infoLayout = new QVBoxLayout(infoBox);
    infoLayout->addWidget(serverInfo_);
    statsLayout->addWidget(infoBox, 1);

    // Right: key browser, value, TTL, stale keys.
    auto *scanButton = new QPushButton(tr("Scan"), this);
    scanButton->setObjectName(QStringLiteral("scan"));
    auto *deleteButton = new QPushButton(tr("Delete selected…"), this);
    deleteButton->setObjectName(QStringLiteral("deleteSelected"));
    auto *ttlButton = new QPushButton(tr("Set TTL"), this);
    ttlButton->setObjectName(QStringLiteral("setTtl"));
    auto *scanRow = new QHBoxLayout;
    scanRow->addWidget(new QLabel(tr("Pattern"), this));
    scanRow->addWidget(pattern_, 1);
    scanRow->addWidget(pageSize_);
    scanRow->addWidget(scanButton);
    scanRow->addWidget(next_);
    auto *keyActions = new QHBoxLayout;
    keyActions->addWidget(keyCount_, 1);
    keyActions->addWidget(new QLabel(tr("TTL"), this));
    keyActions->addWidget(ttl_);
    keyActions->addWidget(ttlButton);
    keyActions->addWidget(deleteButton);
    auto *browser = new QWidget(this);
    auto *browserLayout = new QVBoxLayout(browser);
    browserLayout->setContentsMargins(0, 0, 0, 0);
    browserLayout->addLayout(scanRow);
    auto *keySplit = new QSplitter(Qt::Vertical, browser);
    keySplit->addWidget(keys_);
    keySplit->addWidget(value_);
    browserLayout->addWidget(keySplit, 1);
    browserLayout->addLayout(keyActions);
    auto *right = new QTabWidget(this);
    right->addTab(browser, tr("Keys"));
    right->addTab(stale_, tr("Stale keys"));

    auto *splitter = new QSplitter(this);
    splitter->addWidget(stats);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tools);
    layout->addWidget(splitter, 1);
    layout->addWidget(new JobProgress(*job_, this));

    connect(scanButton, &QPushButton::clicked, this, &CachePanel::scan);
    connect(pattern_, &QLineEdit::returnPressed, this, &CachePanel::scan);
    connect(next_, &QPushButton::clicked, this, &CachePanel::nextPage);
    connect(deleteButton, &QPushButton::clicked, this, &CachePanel::deleteSelection);
    connect(ttlButton, &QPushButton::clicked, this, &CachePanel::applyTtl);
    connect(keys_, &QTableWidget::itemSelectionChanged, this, &CachePanel::showValue);
    connect(stale_, &QTableWidget::itemDoubleClicked, this, [this](QTableWidgetItem *item) {
        setPattern(stale_->item(item->row(), 0)->text());
        scan();
    });

    sampler_->setInterval(1000);
    connect(sampler_, &QTimer::timeout, this, [this] {
        refreshStats();
        if (isVisible()) // a ping a second, only while someone looks
            checkHealth();
    });
    sampler_->start();
    clock_.start();
    connect(&session_, &StudioSession::aboutToClose, this, [this] {
        job_->cancelAndWait();
        infoJob_->cancelAndWait();
        healthJob_->cancelAndWait();
    });
    session_.forEachEngine(this, [this] {
        // Another cache: its counters start again, and nothing shown came from it.
        haveLast_ = false;
        hitRatio_.clear();
        health_.reset();
        chart_->clear();
        serverInfo_->setRowCount(0);
        cursor_ = "0";
        next_->setEnabled(false);
        keys_->setRowCount(0);
        keyCount_->clear();
        stale_->setRowCount(0);
        value_->clear();
        refresh();
    });
}

void CachePanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void CachePanel::refresh()
{
    refreshStats();
    checkHealth();
    refreshServerInfo();
}

void CachePanel::refreshStats()
{
    if (!session_.isOpen())
        return;
    const CacheStatsSnapshot s = session_.engine().cache().stats();
    if (haveLast_)
        chart_->append({double(s.hits - last_.hits), double(s.misses - last_.misses), double(s.errors - last_.errors)});
    last_ = s;
    haveLast_ = true;
    hitRatio_.add(s, clock_.elapsed());
    showFigures(s);
}

void CachePanel::showFigures(const CacheStatsSnapshot &s)
{
    const CacheBackend &backend = session_.engine().cache().backend();
    QString state;
    if (!health_)
        state = tr("checking whether it answers…");
    else if (health_->up)
        state = QStringLiteral("<span style='color:#2e7d32'>%1</span>").arg(tr("up"));
    else
        state = QStringLiteral("<b style='color:#c62828'>%1</b> %2")
                    .arg(tr("DOWN:"), tr("%1. Deliveries read the store meanwhile.").arg(health_->error.toHtmlEscaped()));
    // Down, the ratio would count only what the near cache still answers: it says nothing.
    QString ratio;
    if (health_ && !health_->up)
        ratio = tr("hit ratio: none while the cache is down");
    else if (const std::optional<double> r = hitRatio_.ratio())
        ratio = tr("hit ratio <b>%1%</b> over the last %2 s").arg(*r * 100.0, 0, 'f', 1).arg(kWindowSeconds);
    else
        ratio = tr("hit ratio: no lookups in the last %1 s").arg(kWindowSeconds);
    figures_->setText(tr("<b>%1</b> %2 · %3<br>%4 · since opened: hits %5 · misses %6 · errors %7 · rejected %8"
                         " · refills %9 · invalidations %10")
                          .arg(backend.kind(), backend.describe().toHtmlEscaped(), state, ratio,
                               QString::number(s.hits), QString::number(s.misses), QString::number(s.errors),
                               QString::number(s.rejected), QString::number(s.refills), QString::number(s.invalidations)));
}

void CachePanel::checkHealth()
{
    if (!session_.isOpen() || healthJob_->isRunning())
        return;
    Engine &engine = session_.engine();
    healthJob_->start(tr("Checking the cache"), [this, &engine](JobControl &) -> BackgroundJob::Finish {
        const BackendHealth health = engine.cacheHealth();
        return [this, health] {
            const bool changed = health_ && health_->up != health.up;
            health_ = health;
            showFigures(last_);
            if (changed) // the server's figures, or why there are none
                refreshServerInfo();
        };
    });
}

void CachePanel::refreshServerInfo()
{
    if (infoJob_->isRunning())
        return;
    CacheBackend &backend = session_.engine().cache().backend();
    infoJob_->start(tr("Reading the cache server's figures"), [this, &backend](JobControl &) -> BackgroundJob::Finish {
        auto info = backend.serverInfo();
        auto count = backend.keyCount();
        return [this, info, count] {
            QList<std::pair<QString, QString>> rows;
            if (!info.ok())
                rows.append({tr("error"), info.error});
            if (count.ok() && !info.value.contains(QStringLiteral("keys")))
                rows.append({tr("keys"), QString::number(count.value)});
            QVariantMap rest = info.value;
            for (const QString &key : kHeadlineFigures) {
                if (rest.contains(key))
                    rows.append({key, rest.take(key).toString()});
            }
            for (auto it = rest.cbegin(); it != rest.cend(); ++it)
                rows.append({it.key(), it.value().toString()});
            serverInfo_->setRowCount(int(rows.size()));
            for (int r = 0; r < rows.size(); ++r) {
                serverInfo_->setItem(r, 0, new QTableWidgetItem(rows.at(r).first));
                serverInfo_->setItem(r, 1, new QTableWidgetItem(rows.at(r).second));
            }
            serverInfo_->resizeColumnToContents(0);
        };
    });
}

void CachePanel::setPattern(const QString &pattern)
{
    pattern_->setText(pattern);
}

void CachePanel::scan()
{
    cursor_ = "0";
    keys_->setRowCount(0);
    nextPage();
}

void CachePanel::nextPage()
{
    CacheBackend &backend = session_.engine().cache().backend();
    const QByteArray pattern = pattern_->text().trimmed().isEmpty() ? QByteArrayLiteral("*") : pattern_->text().trimmed().toUtf8();
    const bool append = cursor_ != "0";
    next_->setEnabled(false);
    job_->start(tr("Scanning %1").arg(QString::fromUtf8(pattern)),
                [this, &backend, pattern, cursor = cursor_, size = pageSize_->value(), append](JobControl &) {
                    const auto page = CacheMaintenance::scanPage(backend, pattern, cursor, size);
                    return BackgroundJob::Finish([this, page, append] { showPage(page, append); });
                });
}

void CachePanel::showPage(const CacheMaintenance::KeyPage &page, bool append)
{
    if (!page.error.isEmpty()) {
        keyCount_->setText(tr("scan failed: %1").arg(page.error));
        return;
    }
    if (!append)
        keys_->setRowCount(0);
    keys_->setSortingEnabled(false);
    int row = keys_->rowCount();
    keys_->setRowCount(row + int(page.keys.size()));
    for (const CacheMaintenance::KeyInfo &info : page.keys) {
        keys_->setItem(row, 0, new QTableWidgetItem(QString::fromUtf8(info.key)));
        showDetails(row, info.details);
        auto *size = new QTableWidgetItem;
        if (info.size >= 0) // unknown for a key that is gone or holds no string
            size->setData(Qt::DisplayRole, info.size);
        keys_->setItem(row, 3, size);
        ++row;
    }
    keys_->setSortingEnabled(true);
    cursor_ = page.nextCursor;
    const bool more = cursor_ != "0";
    next_->setEnabled(more);
    keyCount_->setText(more ? tr("%1 keys shown; more to scan").arg(keys_->rowCount())
                            : tr("%1 keys; scan complete").arg(keys_->rowCount()));
}

void CachePanel::showDetails(int row, const CacheKeyDetails &details)
{
    keys_->setItem(row, 1, new QTableWidgetItem(QString::fromUtf8(details.type)));
    keys_->setItem(row, 2, new QTableWidgetItem(ttlText(details.ttlMs)));
}

QStringList CachePanel::shownKeys() const
{
    QStringList keys;
    for (int r = 0; r < keys_->rowCount(); ++r)
        keys.append(keys_->item(r, 0)->text());
    return keys;
}

void CachePanel::selectKey(const QString &key)
{
    const auto found = keys_->findItems(key, Qt::MatchExactly);
    if (!found.isEmpty())
        keys_->selectRow(found.first()->row());
}

void CachePanel::showValue()
{
    const auto rows = keys_->selectionModel()->selectedRows();
    if (rows.size() != 1) {
        value_->setPlainText(rows.isEmpty() ? QString() : tr("%1 keys selected").arg(rows.size()));
        return;
    }
    // One key: small enough to read on the GUI thread.
    CacheBackend &backend = session_.engine().cache().backend();
    const QByteArray key = keys_->item(rows.first().row(), 0)->text().toUtf8();
    const auto details = backend.keyDetails({key});
    if (!details.ok()) {
        value_->setPlainText(tr("cannot read: %1").arg(details.error));
        return;
    }
    const CacheKeyDetails &detail = details.value.constFirst();
    if (detail.type == "none") {
        value_->setPlainText(tr("(the key is gone)"));
        return;
    }
    ttl_->setValue(detail.ttlMs > 0 ? int(detail.ttlMs / 1000) : 0);
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
    CacheBackend &backend = session_.engine().cache().backend();
    QList<int> rows;
    QList<QByteArray> keys;
    QString failure;
    for (const QModelIndex &index : keys_->selectionModel()->selectedRows()) {
        const QByteArray key = keys_->item(index.row(), 0)->text().toUtf8();
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
    QList<QByteArray> keys;
    for (const QModelIndex &index : keys_->selectionModel()->selectedRows())
        keys.append(keys_->item(index.row(), 0)->text().toUtf8());
    if (!keys.isEmpty())
        confirmAndDelete(tr("Selected keys"), keys);
}

void CachePanel::deleteByPattern()
{
    const QByteArray pattern = pattern_->text().trimmed().toUtf8();
    if (pattern.isEmpty())
        return;
    CacheBackend &backend = session_.engine().cache().backend();
    job_->start(tr("Finding keys matching %1").arg(QString::fromUtf8(pattern)),
                [this, &backend, pattern](JobControl &control) {
                    const auto keys = CacheMaintenance::allKeys(backend, pattern, control);
                    const bool cancelled = control.cancelled();
                    return BackgroundJob::Finish([this, keys, pattern, cancelled] {
                        if (!keys.ok())
                            QMessageBox::warning(this, tr("Scan failed"), keys.error);
                        else if (!cancelled)
                            confirmAndDelete(tr("Pattern %1").arg(QString::fromUtf8(pattern)), keys.value);
                    });
                });
}

void CachePanel::confirmAndDelete(const QString &what, const QList<QByteArray> &keys)
{
    KeyDeletionDialog preview(what, keys, this);
    if (preview.exec() != QDialog::Accepted)
        return;
    CampaignCache &cache = session_.engine().cache();
    job_->start(tr("Deleting %n key(s)", nullptr, int(keys.size())), [this, &cache, keys](JobControl &control) {
        const auto removed = CacheMaintenance::removeKeys(cache, keys, control);
        return BackgroundJob::Finish([this, removed] {
            if (!removed.ok())
                QMessageBox::warning(this, tr("Delete failed"), removed.error);
            else
                Q_EMIT message(tr("%1 cache keys deleted").arg(removed.value));
            scan();
            refreshServerInfo();
        });
    });
}

void CachePanel::warm()
{
    CampaignCache &cache = session_.engine().cache();
    CampaignStore &store = session_.engine().store();
    job_->start(tr("Warming the cache"), [this, &cache, &store](JobControl &control) {
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
    job_->start(tr("Comparing the cache with the store"), [this, &cache, &store](JobControl &control) {
        const auto stale = CacheMaintenance::findStale(cache, store, control);
        return BackgroundJob::Finish([this, stale] {
            if (!stale.ok()) {
                QMessageBox::warning(this, tr("Staleness check failed"), stale.error);
                return;
            }
            stale_->setRowCount(int(stale.value.size()));
            for (int r = 0; r < stale.value.size(); ++r) {
                stale_->setItem(r, 0, new QTableWidgetItem(QString::fromUtf8(stale.value.at(r).key)));
                stale_->setItem(r, 1, new QTableWidgetItem(stale.value.at(r).reason));
            }
            stale_->resizeColumnToContents(0);
            Q_EMIT message(stale.value.isEmpty() ? tr("No stale keys: the cache agrees with the store")
                                                 : tr("%n stale key(s)", nullptr, int(stale.value.size())));
        });
    });
}

} // namespace adserve
