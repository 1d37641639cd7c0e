#include "InstancesPanel.h"

#include "common/BackgroundJob.h"
#include "common/ReadOnlyTable.h"
#include "common/TextTableModel.h"
#include "common/Tones.h"
#include "session/StudioSession.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace adserve {

namespace {
constexpr int kSelfMissingRetryMs = 500;
} // namespace

namespace {

QString age(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return {};
    const qint64 seconds = std::max<qint64>(0, then.secsTo(now));
    if (seconds < 60)
        return QObject::tr("%1 s ago").arg(seconds);
    if (seconds < 3600)
        return QObject::tr("%1 min ago").arg(seconds / 60);
    return QObject::tr("%1 h ago").arg(seconds / 3600);
}

} // namespace

InstancesPanel::InstancesPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , model_(new TextTableModel({tr("Instance"), tr("Kind"), tr("Serves on"), tr("State"), tr("Applied change"),
                                 tr("Behind"), tr("Heartbeat"), tr("Version"), tr("Problem")},
                                this))
    , table_(makeReadOnlyView(model_, QStringLiteral("instances"), this))
    , summary_(new QLabel(this))
    , refreshTimer_(new QTimer(this))
    , loader_(new BackgroundJob(this))
{
    setObjectName(QStringLiteral("instancesPanel"));
    summary_->setObjectName(QStringLiteral("instancesSummary"));
    summary_->setWordWrap(true);
    table_->horizontalHeader()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(table_, 1);
    auto *hint = new QLabel(tr("Every adserve over this store registers here and keeps its row fresh. A change is live "
                               "on an instance once its applied change is at least the change's id. Stale: changes "
                               "wait that it cannot apply yet (the store is locked, slow or down); it serves what it "
                               "knew meanwhile. Gone: no heartbeat for %1 s.")
                                .arg(std::chrono::seconds(InstanceRegistry::kGoneAfter).count()),
                            this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    refreshTimer_->setInterval(2000);
    connect(refreshTimer_, &QTimer::timeout, this, &InstancesPanel::refresh);
    connect(&session_, &StudioSession::aboutToClose, loader_, &BackgroundJob::cancelAndWait);
    session_.forEachEngine(this, [this] {
        // The registry of another store: no row of the last one stays while it is read.
        model_->setRows({});
        summary_->setText(tr("Reading the instances of %1…").arg(session_.engine().store().describe()));
        refresh();
    });
}

void InstancesPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    refreshTimer_->start();
}

void InstancesPanel::hideEvent(QHideEvent *event)
{
    refreshTimer_->stop();
    QWidget::hideEvent(event);
}

void InstancesPanel::refresh()
{
    if (!session_.isOpen() || loader_->isRunning())
        return;
    ChangeFollower &changes = session_.engine().changes();
    loader_->start(tr("Reading instances"), [this, &changes](JobControl &) -> BackgroundJob::Finish {
        const auto instances = changes.registry().list();
        const auto newest = changes.log().newestId();
        const QString self = changes.registry().id();
        return [this, instances, newest, self] {
            if (!instances.ok() || !newest.ok()) {
                summary_->setText(tr("Cannot read the registry: %1").arg(instances.ok() ? newest.message : instances.message));
                return;
            }
            show(instances.value, newest.value, self);
            // Right after a connection switch this studio may not have registered yet: read
            // again shortly (when shown, the refresh timer does) rather than show a list
            // without it until the tab is next shown.
            const bool listsSelf = std::any_of(instances.value.cbegin(), instances.value.cend(),
                                               [&](const InstanceRecord &r) { return r.id == self; });
            if (!listsSelf && !refreshTimer_->isActive())
                QTimer::singleShot(kSelfMissingRetryMs, this, &InstancesPanel::refresh);
        };
    });
}

void InstancesPanel::show(const QList<InstanceRecord> &instances, qint64 newestChangeId, const QString &selfId)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<TextRow> rows;
    int running = 0, current = 0;
    for (const InstanceRecord &r : instances) {
        QString state = tr("live");
        QColor background;
        if (r.gone) {
            state = tr("gone");
            background = Tones::tint(Tones::Muted);
        } else if (!r.appliedChangeId) {
            state = tr("starting");
        } else if (r.behindChanges > 0 || !r.problem.isEmpty()) {
            state = tr("stale");
            background = Tones::tint(Tones::Warn);
        }
        if (!r.gone) {
            ++running;
            if (r.hasApplied(newestChangeId))
                ++current;
        }
        const QString behind = r.behindChanges > 0
            ? (r.behindChanges == 1 ? tr("1 change") : tr("%1 changes").arg(r.behindChanges)) + tr(", oldest ")
                  + age(r.behindSince, now)
            : QString();
        const QString instance = tr("%1 · pid %2").arg(r.host).arg(r.pid);
        rows.append({{instance + (r.id == selfId ? tr(" (this studio)") : QString()), r.kind,
                      r.address.isEmpty() ? tr("%1 (not serving)").arg(r.host) : r.address, state,
                      r.appliedChangeId ? QString::number(*r.appliedChangeId) : QString(), behind, age(r.heartbeatAt, now),
                      r.version, r.problem},
                     background});
    }
    model_->setRows(rows);
    table_->resizeColumnsToContents();
    summary_->setText(tr("%1 of %2 running %3 applied the newest change (%4).")
                          .arg(current)
                          .arg(running)
                          .arg(running == 1 ? tr("instance has") : tr("instances have"))
                          .arg(newestChangeId));
}

} // namespace adserve
