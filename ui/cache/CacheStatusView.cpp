#include "CacheStatusView.h"

#include "common/BackgroundJob.h"
#include "common/ReadOnlyTable.h"
#include "common/TimeSeriesChart.h"
#include "common/Tones.h"
#include "session/StudioSession.h"

#include <QGroupBox>
#include <QLabel>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace adserve {

namespace {

// The chart and the hit ratio look at the same stretch of time, one sample a second.
constexpr int kWindowSeconds = 120;

// The server figures an ops engineer looks at first, in this order; the rest follow.
const QStringList kHeadlineFigures{
    QStringLiteral("redis_version"), QStringLiteral("redis_mode"), QStringLiteral("used_memory_human"),
    QStringLiteral("keys"), QStringLiteral("db0"), QStringLiteral("keyspace_hits"), QStringLiteral("keyspace_misses"),
    QStringLiteral("connected_clients"), QStringLiteral("cluster_nodes"), QStringLiteral("cluster_state")};

} // namespace

CacheStatusView::CacheStatusView(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , banner_(new QLabel(parent))
    , figures_(new QLabel(this))
    , chart_(new TimeSeriesChart(tr("Cache-aside lookups per second (last 2 minutes)"),
                                 {tr("hits/s"), tr("misses/s"), tr("errors/s")}, tr("per second"), kWindowSeconds, this))
    , serverInfo_(makeReadOnlyTable({tr("Figure"), tr("Value")}, QStringLiteral("serverInfo"), this))
    , infoJob_(new BackgroundJob(this))
    , healthJob_(new BackgroundJob(this))
    , sampler_(new QTimer(this))
    , hitRatio_(kWindowSeconds * 1000)
{
    banner_->setObjectName(QStringLiteral("cacheDownBanner"));
    banner_->setWordWrap(true);
    banner_->setTextFormat(Qt::RichText);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->setStyleSheet(QStringLiteral("QLabel { background: #c62828; color: white; padding: 10px; font-size: 11pt; }"));
    banner_->hide();
    figures_->setObjectName(QStringLiteral("cacheFigures"));
    figures_->setTextFormat(Qt::RichText);
    figures_->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(figures_);
    layout->addWidget(chart_, 2);
    auto *infoBox = new QGroupBox(tr("Cache server"), this);
    auto *infoLayout = new QVBoxLayout(infoBox);
    infoLayout->addWidget(serverInfo_);
    layout->addWidget(infoBox, 1);

    sampler_->setInterval(1000);
    connect(sampler_, &QTimer::timeout, this, [this] {
        refreshStats();
        if (isVisible()) // a ping a second, only while someone looks
            checkHealth();
    });
    sampler_->start();
    clock_.start();
}

void CacheStatusView::restart(const CacheTarget &target)
{
    // Another cache: its counters start again, and nothing shown came from it.
    target_ = target;
    haveLast_ = false;
    hitRatio_.clear();
    health_.reset();
    chart_->clear();
    serverInfo_->setRowCount(0);
    showBanner();
    refresh();
}

void CacheStatusView::stop()
{
    infoJob_->cancelAndWait();
    healthJob_->cancelAndWait();
}

void CacheStatusView::refresh()
{
    refreshStats();
    checkHealth();
    refreshServerInfo();
}

void CacheStatusView::refreshStats()
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

void CacheStatusView::showFigures(const CacheStatsSnapshot &s)
{
    const CacheBackend &backend = session_.engine().cache().backend();
    QString state;
    if (!health_)
        state = tr("checking whether it answers…");
    else if (health_->up)
        state = QStringLiteral("<span style='color:%1'>%2</span>").arg(Tones::text(Tones::Good).name(), tr("up"));
    else
        state = QStringLiteral("<b style='color:%1'>%2</b> %3")
                    .arg(Tones::text(Tones::Bad).name(), tr("DOWN:"), tr("%1. Deliveries read the store meanwhile.").arg(health_->error.toHtmlEscaped()));
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

void CacheStatusView::showBanner()
{
    const bool down = health_ && !health_->up;
    banner_->setVisible(down);
    if (!down)
        return;
    banner_->setText(tr("<b>The cache is down.</b> %1 at <b>%2</b> does not answer: %3<br>"
                        "Deliveries are served from the store meanwhile (slower, and the store takes the whole load); "
                        "no hit ratio is counted. Checked again every second.")
                         .arg(health_->kind.toHtmlEscaped(), target_.shown.toHtmlEscaped(),
                              health_->error.toHtmlEscaped()));
}

void CacheStatusView::checkHealth()
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
            showBanner();
            if (changed) // the server's figures, or why there are none
                refreshServerInfo();
        };
    });
}

void CacheStatusView::refreshServerInfo()
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

} // namespace adserve
