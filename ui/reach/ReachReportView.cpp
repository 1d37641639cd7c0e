#include "ReachReportView.h"

#include "DayCount.h"
#include "RecordedTrafficSource.h"
#include "ReachTableModel.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "common/ReadOnlyTable.h"
#include "common/TextTableModel.h"
#include "session/StudioSession.h"
#include "traffic/ReachCounter.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace adserve {

namespace {

// The count's job title, which tells it from an export.
QString countingTitle()
{
    return QObject::tr("Counting every campaign's reach");
}

} // namespace

ReachReportView::ReachReportView(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , job_(new BackgroundJob(this))
    , count_(new QPushButton(tr("Count reach"), this))
    , export_(new QPushButton(tr("Export CSV…"), this))
    , unreachedOnly_(new QCheckBox(tr("only campaigns no request matches"), this))
    , status_(new QLabel(this))
    , model_(new ReachTableModel(this))
    , view_(makeReadOnlyView(model_, QStringLiteral("reachTable"), this))
    , contested_(new TextTableModel({tr("Country"), tr("OS"), tr("App"), tr("Requests"), tr("Campaigns")}, this))
{
    setObjectName(QStringLiteral("reachReport"));
    count_->setObjectName(QStringLiteral("countReach"));
    count_->setToolTip(tr("Count every campaign's reach over the recorded window, by its targeting alone"));
    export_->setObjectName(QStringLiteral("exportReach"));
    export_->setEnabled(false);
    unreachedOnly_->setObjectName(QStringLiteral("unreachedOnly"));
    status_->setObjectName(QStringLiteral("reachStatus"));
    status_->setWordWrap(true);
    view_->setToolTip(tr("Double-click a campaign to open it"));
    // Widths from the headers, not the contents: measuring a million rows would stall the window.
    QHeaderView *header = view_->horizontalHeader();
    for (int column = 0; column < ReachTableModel::ColumnCount; ++column) {
        const QString title = model_->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(column, std::max(header->fontMetrics().horizontalAdvance(title) + 24, 60));
    }
    header->setSectionResizeMode(ReachTableModel::Code, QHeaderView::Stretch);
    view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6); // uniform rows: no per-row sizing
    QTableView *contestedView = makeReadOnlyView(contested_, QStringLiteral("contested"), this);
    contestedView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    contestedView->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch); // the app

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(count_);
    buttons->addWidget(unreachedOnly_);
    buttons->addStretch(1);
    buttons->addWidget(export_);
    auto *contestedBox = new QGroupBox(tr("Most contested requests (the most campaigns competing)"), this);
    auto *contestedLayout = new QVBoxLayout(contestedBox);
    contestedLayout->setContentsMargins(4, 4, 4, 4);
    contestedLayout->addWidget(contestedView);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(view_);
    splitter->addWidget(contestedBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addWidget(splitter, 1);
    layout->addWidget(new JobProgress(*job_, this));

    connect(count_, &QPushButton::clicked, this, &ReachReportView::count);
    connect(export_, &QPushButton::clicked, this, &ReachReportView::askExport);
    connect(unreachedOnly_, &QCheckBox::toggled, model_, &ReachTableModel::setUnreachedOnly);
    connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const auto *c = model_->campaignAt(index.row()))
            Q_EMIT openCampaign(c->id);
    });
    // One job at a time: a count, or an export.
    connect(job_, &BackgroundJob::started, this, [this] {
        count_->setEnabled(false);
        export_->setEnabled(false);
    });
    connect(job_, &BackgroundJob::finished, this, [this](bool cancelled) {
        count_->setEnabled(true);
        export_->setEnabled(model_->report() != nullptr);
        if (cancelled && job_->title() == countingTitle())
            status_->setText(tr("Counting cancelled: nothing counted."));
    });
    connect(&session_, &StudioSession::aboutToClose, job_, &BackgroundJob::cancelAndWait);
    connect(&session_.recordedTraffic(), &RecordedTrafficSource::changed, this, [this] {
        if (std::exchange(countWhenRead_, false) && session_.recordedTraffic().current())
            count();
    });
    clear();
}

ReachReportView::~ReachReportView()
{
    disconnect(job_, nullptr, this, nullptr);
    job_->cancelAndWait(); // the count uses the session's index
}

void ReachReportView::clear()
{
    job_->cancel();
    ++generation_; // a count that finishes anyway is not shown
    countWhenRead_ = false;
    model_->setReport(nullptr);
    contested_->setRows({});
    export_->setEnabled(false);
    status_->setText(tr("Count reach to list every campaign by the recorded requests its targeting matches."));
}

QString ReachReportView::status() const
{
    return status_->text();
}

void ReachReportView::count()
{
    if (!session_.isOpen() || job_->isRunning())
        return;
    RecordedTrafficSource &source = session_.recordedTraffic();
    const auto traffic = source.current();
    if (!traffic) {
        countWhenRead_ = true;
        status_->setText(source.unavailableText());
        source.request();
        return;
    }
    if (traffic->isEmpty()) {
        clear();
        status_->setText(tr("No traffic is recorded in this window: nothing to count. Serve requests from the Server "
                            "panel, or import traffic."));
        return;
    }
    const auto index = session_.engine().matcher().snapshot();
    // Both are shared, held by the job: a connection switch cannot pull them away.
    const int generation = generation_;
    job_->start(countingTitle(), [this, traffic, index, generation](JobControl &control) -> BackgroundJob::Finish {
        // Cancel is seen at the next progress report, about every percent of the count.
        std::atomic_bool stop{false};
        const auto report = std::make_shared<const ReachReport>(ReachCounter::count(
            *traffic, *index, {},
            [&control, &stop](qint64 done, qint64 total) {
                if (!control.progress(done, total))
                    stop = true;
            },
            &stop));
        if (control.cancelled() || report->cancelled)
            return {};
        // Ordered here: a million campaigns sorted on the GUI thread would stall it.
        auto order = std::make_shared<std::vector<int>>(ReachTableModel::orderByReach(*report));
        return [this, report, order, generation] {
            if (generation == generation_)
                showReport(report, std::move(*order));
        };
    });
}

void ReachReportView::showReport(std::shared_ptr<const ReachReport> report, std::vector<int> order)
{
    QList<TextRow> contested;
    for (const ReachReport::ContestedTriple &t : report->contested)
        contested.append({{t.country, t.os, t.app, QLocale().toString(t.requests), QLocale().toString(t.campaigns)}, {}});
    contested_->setRows(contested);
    status_->setText(tr("%1 campaigns over %2 recorded requests (%3 distinct country × OS × app, %4): "
                        "%5 campaigns no recorded request matches.")
                         .arg(QLocale().toString(qint64(report->campaigns.size())), QLocale().toString(report->recorded),
                              QLocale().toString(qint64(report->triples)), dayCount(report->days.size()),
                              QLocale().toString(qint64(report->unreachedCount()))));
    model_->setReport(std::move(report), std::move(order));
    export_->setEnabled(true);
}

namespace {

// Whole or not at all: QSaveFile leaves an existing file as it was when writing fails.
bool writeCsv(const ReachReport &report, const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(report.toCsv()) < 0 || !file.commit()) {
        *error = QObject::tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

bool ReachReportView::exportCsv(const QString &path, QString *error) const
{
    if (!model_->report()) {
        *error = tr("Count reach first: there is no report to export.");
        return false;
    }
    return writeCsv(*model_->report(), path, error);
}

void ReachReportView::askExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export reach"), QStringLiteral("reach.csv"),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        startExport(path);
}

bool ReachReportView::startExport(const QString &path)
{
    if (!model_->report())
        return false;
    // A million campaigns make tens of megabytes: written off the GUI thread.
    std::shared_ptr<const ReachReport> report = model_->sharedReport();
    return job_->start(tr("Exporting reach"), [this, report, path](JobControl &) -> BackgroundJob::Finish {
        QString error;
        const bool written = writeCsv(*report, path, &error);
        return [this, written, error, path] { Q_EMIT message(written ? tr("Reach exported to %1").arg(path) : error); };
    });
}

} // namespace adserve
