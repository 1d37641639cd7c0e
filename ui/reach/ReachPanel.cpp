#include "ReachPanel.h"

#include "DayCount.h"
#include "ForecastView.h"
#include "ReachReportView.h"
#include "RecordedTrafficSource.h"
#include "TrafficFileImport.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "common/Tones.h"
#include "session/StudioSession.h"
#include "traffic/ReachForecast.h"

#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QStringListModel>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace adserve {

namespace {

// Completion offers the first campaigns' codes: a list of a million helps nobody, and any
// other code (or id) can still be typed.
constexpr qsizetype kMaxCompletions = 20000;

QString howToGetTraffic()
{
    return QObject::tr("Serve requests from the Server panel (the server records every request it answers), or "
                       "Import traffic… from a CSV (country,os,app,requests[,hour]), a HAR file, a QA journal or an "
                       "access log.");
}

} // namespace

ReachPanel::ReachPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , days_(new QComboBox(this))
    , traffic_(new QLabel(this))
    , imported_(new QLabel(this))
    , campaignEdit_(new QLineEdit(this))
    , codes_(new QStringListModel(this))
    , tabs_(new QTabWidget(this))
    , forecast_(new ForecastView(this))
    , report_(new ReachReportView(session, this))
    , forecastJob_(new BackgroundJob(this))
    , importer_(new TrafficFileImport(session, this))
{
    setObjectName(QStringLiteral("reachPanel"));
    days_->setObjectName(QStringLiteral("reachDays"));
    traffic_->setObjectName(QStringLiteral("reachTraffic"));
    traffic_->setWordWrap(true);
    imported_->setObjectName(QStringLiteral("reachImported"));
    imported_->setWordWrap(true);
    campaignEdit_->setObjectName(QStringLiteral("reachCampaign"));
    campaignEdit_->setPlaceholderText(tr("campaign code or id"));
    campaignEdit_->setClearButtonEnabled(true);
    auto *completer = new QCompleter(codes_, campaignEdit_);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    campaignEdit_->setCompleter(completer);
    tabs_->setObjectName(QStringLiteral("reachTabs"));
    for (int days : kWindowDays)
        days_->addItem(days == 1 ? tr("last day") : tr("last %1 days").arg(days), days);
    days_->setCurrentIndex(std::max(0, days_->findData(session_.recordedTraffic().days())));

    auto *import = new QPushButton(tr("Import traffic…"), this);
    import->setObjectName(QStringLiteral("importTraffic"));
    import->setToolTip(tr("Add recorded requests from a CSV (country,os,app,requests[,hour]), HAR file, QA journal or "
                          "access log to the store's traffic"));
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Window"), this));
    top->addWidget(days_);
    top->addWidget(traffic_, 1);
    top->addWidget(import);

    auto *forecastTab = new QWidget(this);
    auto *forecastLayout = new QVBoxLayout(forecastTab);
    auto *choose = new QHBoxLayout;
    auto *run = new QPushButton(tr("Forecast"), this);
    run->setObjectName(QStringLiteral("forecastCampaign"));
    choose->addWidget(new QLabel(tr("Campaign"), this));
    choose->addWidget(campaignEdit_, 1);
    choose->addWidget(run);
    forecastLayout->addLayout(choose);
    forecastLayout->addWidget(forecast_, 1);
    forecastLayout->addWidget(new JobProgress(*forecastJob_, this));
    tabs_->addTab(forecastTab, tr("Campaign forecast"));
    tabs_->addTab(report_, tr("Store-wide report"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(imported_);
    layout->addWidget(tabs_, 1);
    layout->addWidget(new JobProgress(*importer_->job(), this));
    imported_->hide();

    connect(days_, &QComboBox::currentIndexChanged, this, [this] { setDays(days_->currentData().toInt()); });
    connect(import, &QPushButton::clicked, this, &ReachPanel::askImport);
    connect(run, &QPushButton::clicked, this, &ReachPanel::chooseTyped);
    connect(campaignEdit_, &QLineEdit::returnPressed, this, &ReachPanel::chooseTyped);
    connect(completer, qOverload<const QString &>(&QCompleter::activated), this, &ReachPanel::chooseTyped);
    connect(forecast_, &ForecastView::openCampaign, this, &ReachPanel::openCampaign);
    connect(report_, &ReachReportView::openCampaign, this, &ReachPanel::openCampaign);
    connect(report_, &ReachReportView::message, this, &ReachPanel::message);
    connect(forecastJob_, &BackgroundJob::finished, this, [this] {
        if (std::exchange(forecastAgain_, false))
            computeForecast();
    });
    connect(importer_, &TrafficFileImport::finished, this, [this](bool ok, qint64, const QString &text) {
        imported_->setText(text);
        Tones::setTextTone(imported_, ok ? Tones::Good : Tones::Bad);
        imported_->show();
        Q_EMIT message(text);
        if (ok) {
            report_->clear(); // counted over the traffic before the import
            session_.recordedTraffic().refresh();
        }
    });
    connect(&session_, &StudioSession::aboutToClose, forecastJob_, &BackgroundJob::cancelAndWait);
    connect(&session_.recordedTraffic(), &RecordedTrafficSource::changed, this, &ReachPanel::trafficChanged);
    session_.forEachEngine(this, [this] { engineChanged(); });
}

ReachPanel::~ReachPanel()
{
    disconnect(forecastJob_, nullptr, this, nullptr);
    forecastJob_->cancelAndWait(); // the forecast reads the session's store
}

void ReachPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    session_.recordedTraffic().request();
}

void ReachPanel::engineChanged()
{
    // Nothing of the previous store stays: its campaign, forecast, report and choices.
    forecastJob_->cancel();
    forecastWhenRead_ = forecastAgain_ = false;
    campaignId_ = 0;
    campaignEdit_->clear();
    imported_->clear();
    imported_->hide();
    forecast_->clear(tr("Choose a campaign to see what it would reach."));
    report_->clear();
    connect(&session_.engine(), &Engine::indexRebuilt, this, &ReachPanel::refreshCampaignChoices, Qt::QueuedConnection);
    refreshCampaignChoices();
    trafficChanged();
    if (isVisible())
        session_.recordedTraffic().request();
}

void ReachPanel::refreshCampaignChoices()
{
    const auto index = session_.engine().matcher().snapshot();
    QStringList codes;
    const QList<qint64> ids = index->campaignIds(kMaxCompletions);
    codes.reserve(ids.size());
    for (qint64 id : ids)
        codes.append(index->codeOf(id));
    codes_->setStringList(codes);
}

void ReachPanel::setDays(int days)
{
    const int row = days_->findData(days);
    if (row >= 0 && row != days_->currentIndex()) {
        days_->setCurrentIndex(row); // comes back here
        return;
    }
    if (days == session_.recordedTraffic().days())
        return;
    report_->clear(); // counted over another window
    session_.recordedTraffic().setDays(days);
}

void ReachPanel::trafficChanged()
{
    const RecordedTrafficSource &source = session_.recordedTraffic();
    const auto traffic = source.current();
    const int days = source.days();
    if (!traffic) {
        traffic_->setText(source.unavailableText());
    } else if (traffic->isEmpty()) {
        traffic_->setText(tr("No requests recorded in the last %1. ").arg(dayCount(days)) + howToGetTraffic());
    } else {
        const QString window = days == 1 ? tr("The last day holds") : tr("The last %1 days hold").arg(days);
        const auto withTraffic = std::count_if(traffic->requestsByDay().cbegin(), traffic->requestsByDay().cend(),
                                               [](qint64 requests) { return requests > 0; });
        traffic_->setText(tr("%1 %2 recorded requests on %3 with traffic, over %4 distinct country × OS × app.")
                              .arg(window, QLocale().toString(traffic->totalRequests()), dayCount(withTraffic),
                                   QLocale().toString(qint64(traffic->triples().size()))));
    }
    // The forecast shown follows the window it was asked over.
    if (campaignId_ && traffic) {
        forecastWhenRead_ = false;
        computeForecast();
    }
}

QString ReachPanel::trafficLine() const
{
    return traffic_->text();
}

QString ReachPanel::importMessage() const
{
    return imported_->text();
}

void ReachPanel::chooseTyped()
{
    const QString typed = campaignEdit_->text().trimmed();
    if (typed.isEmpty() || !session_.isOpen())
        return;
    const auto index = session_.engine().matcher().snapshot();
    bool isNumber = false;
    const qint64 number = typed.toLongLong(&isNumber);
    std::optional<qint64> id = index->idOfCode(typed);
    if (!id && isNumber && !index->codeOf(number).isEmpty())
        id = number;
    if (!id) {
        campaignId_ = 0;
        forecast_->clear(tr("No campaign has the code or id \"%1\".").arg(typed));
        return;
    }
    showCampaign(*id);
}

void ReachPanel::showCampaign(qint64 id)
{
    campaignId_ = id;
    const QString code = session_.isOpen() ? session_.engine().matcher().snapshot()->codeOf(id) : QString();
    campaignEdit_->setText(code.isEmpty() ? QString::number(id) : code);
    tabs_->setCurrentIndex(0);
    computeForecast();
}

void ReachPanel::computeForecast()
{
    if (!campaignId_ || !session_.isOpen())
        return;
    RecordedTrafficSource &source = session_.recordedTraffic();
    const auto traffic = source.current();
    if (!traffic) {
        forecastWhenRead_ = true;
        forecast_->clear(source.unavailableText());
        source.request();
        return;
    }
    if (traffic->isEmpty()) {
        forecast_->clear(tr("No requests recorded in this window: nothing to forecast over. ") + howToGetTraffic());
        return;
    }
    if (forecastJob_->isRunning()) {
        forecastAgain_ = true;
        forecastJob_->cancel();
        return;
    }
    forecast_->clear(tr("Forecasting…"));
    const qint64 id = campaignId_;
    CampaignStore &store = session_.engine().store();
    const auto index = session_.engine().matcher().snapshot();
    forecastJob_->start(tr("Forecasting"), [this, id, traffic, index, &store](JobControl &control) -> BackgroundJob::Finish {
        const auto stored = store.campaign(id);
        if (control.cancelled())
            return {};
        if (!stored.ok()) {
            const QString problem = stored.message;
            return [this, id, problem] {
                if (id == campaignId_)
                    forecast_->clear(tr("Campaign #%1 cannot be read: %2").arg(id).arg(problem));
            };
        }
        auto forecast = std::make_shared<const Forecast>(
            ReachForecast(*traffic, index).forecast(stored.value, QDateTime::currentMSecsSinceEpoch()));
        if (control.cancelled())
            return {};
        return [this, id, forecast] {
            if (id == campaignId_)
                forecast_->showForecast(*forecast);
        };
    });
}

void ReachPanel::askImport()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import traffic"), QString(),
        tr("Traffic files (*.csv *.har *.json *.jsonl *.log *.txt);;CSV (*.csv);;HAR or QA journal (*.har *.json *.jsonl);;"
           "Access logs (*.log *.txt);;All files (*)"));
    if (!path.isEmpty())
        importFile(path);
}

void ReachPanel::importFile(const QString &path)
{
    if (!importer_->start(path)) {
        imported_->setText(tr("An import is under way: wait for it to finish."));
        imported_->show();
    }
}

} // namespace adserve
