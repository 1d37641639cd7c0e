#include "SimulatorPanel.h"

#include "WhatIfGrid.h"
#include "common/BackgroundJob.h"
#include "common/FlashLabel.h"
#include "common/JobProgress.h"
#include "common/ReadOnlyTable.h"
#include "common/TextTableModel.h"
#include "common/Tones.h"
#include "common/ValueCatalog.h"
#include "http/DeliveryParams.h"
#include "session/StudioSession.h"
#include "targeting/DecisionWording.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace adserve {

namespace {

// Rows beyond a few thousand are unreadable and slow to lay out: pick a campaign instead.
constexpr qsizetype kMaxExplainRows = 2000;
// A text box lays out a body of megabytes (one JSON line) for seconds: it shows the first
// characters, and the status says so. responseBody() and curl keep all of it.
constexpr qsizetype kMaxBodyChars = 64 * 1024;
// The explain table: id, campaign, verdict, then a column per dimension, then why.
constexpr int kFirstCheckColumn = 3;

TextRow explainRow(const Decision &d)
{
    QStringList cells{QString::number(d.campaignId), d.campaignCode, verdictName(d.verdict)};
    for (const DimensionCheck &check : d.checks)
        cells.append(DecisionWording::check(check));
    while (cells.size() < kFirstCheckColumn + kDimensionCount)
        cells.append(QString());
    cells.append(d.summary());
    // Ranked out qualified: amber, between delivered and rejected.
    const QColor background = Tones::tint(d.matched()                                ? Tones::Good
                                          : d.verdict == Decision::Verdict::RankedOut ? Tones::Warn
                                                                                      : Tones::Bad);
    return {cells, background};
}

QString micros(qint64 us)
{
    return us < 1000 ? QStringLiteral("%1 µs").arg(us) : QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', 2);
}

// Where the "another time" choice starts: the next whole hour, local time.
QDateTime nextWholeHour()
{
    const QDateTime now = QDateTime::currentDateTime();
    return QDateTime(now.date(), QTime(now.time().hour(), 0)).addSecs(3600);
}

} // namespace

// One request's answer, made off the GUI thread.
struct SimulatorPanel::Simulation
{
    bool complete = false; // country, OS and app all given: the delivery path ran
    DeliveryResult result;
    QList<TextRow> delivered; // the result's fragments, read
    std::optional<HttpReply> reply; // none at another instant: nothing was sent
    QByteArray body;          // the reply's; at another instant, the campaigns /v1/delivery would send then
    QString bodyShown;        // the body, up to kMaxBodyChars
    bool bodyCut = false;
    Explanations explanations;
};

SimulatorPanel::SimulatorPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , country_(new QLineEdit(QStringLiteral("US"), this))
    , os_(new QLineEdit(QStringLiteral("Android"), this))
    , app_(new QLineEdit(QStringLiteral("com.gametion.ludokinggame"), this))
    , endpoint_(new QComboBox(this))
    , limit_(new QSpinBox(this))
    , atNow_(new QRadioButton(tr("now"), this))
    , atOther_(new QRadioButton(tr("another time"), this))
    , at_(new QDateTimeEdit(nextWholeHour(), this))
    , status_(new QLabel(this))
    , body_(new QPlainTextEdit(this))
    , delivered_(new TextTableModel({tr("cid"), tr("img"), tr("cta"), tr("details from")}, this))
    , timing_(new QLabel(this))
    , whyNot_(new QComboBox(this))
    , onlyRejected_(new QCheckBox(tr("only campaigns not delivered"), this))
    , explain_(new TextTableModel({tr("Id"), tr("Campaign"), tr("Verdict"), tr("country"), tr("os"), tr("app"), tr("Why")}, this))
    , explainView_(makeReadOnlyView(explain_, QStringLiteral("explain"), this))
    , curl_(new QLineEdit(this))
    , copied_(new FlashLabel(this))
    , tabs_(new QTabWidget(this))
    , grid_(new WhatIfGrid(session, this))
    , job_(new BackgroundJob(this))
{
    setObjectName(QStringLiteral("simulatorPanel"));
    country_->setObjectName(QStringLiteral("simCountry"));
    os_->setObjectName(QStringLiteral("simOs"));
    app_->setObjectName(QStringLiteral("simApp"));
    endpoint_->setObjectName(QStringLiteral("simEndpoint"));
    status_->setObjectName(QStringLiteral("simStatus"));
    body_->setObjectName(QStringLiteral("simBody"));
    timing_->setObjectName(QStringLiteral("simTiming"));
    whyNot_->setObjectName(QStringLiteral("whyNot"));
    curl_->setObjectName(QStringLiteral("curl"));
    copied_->setObjectName(QStringLiteral("curlCopied"));
    endpoint_->addItems({QStringLiteral("/v1/delivery"), QStringLiteral("/api/v1/delivery")});
    limit_->setObjectName(QStringLiteral("simLimit"));
    limit_->setRange(0, int(DeliveryParams::kMaxLimit));
    limit_->setSpecialValueText(tr("all"));
    limit_->setToolTip(tr("At most this many campaigns, the highest priority first (the routes' limit); 0: all"));
    atNow_->setObjectName(QStringLiteral("simAtNow"));
    atOther_->setObjectName(QStringLiteral("simAtOther"));
    atNow_->setChecked(true);
    at_->setObjectName(QStringLiteral("simAt"));
    at_->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    at_->setCalendarPopup(true);
    at_->setEnabled(false);
    at_->setToolTip(tr("Local time (%1): the delivery, why not and the what-if grid as flights and hours are then")
                        .arg(QDateTime::currentDateTime().timeZoneAbbreviation()));
    body_->setReadOnly(true);
    body_->setMaximumHeight(90);
    body_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    body_->setWordWrapMode(QTextOption::WrapAnywhere);
    curl_->setReadOnly(true);
    const std::array<QLineEdit *, kDimensionCount> edits{country_, os_, app_};
    for (Dimension d : kDimensions) {
        QLineEdit *edit = edits[size_t(d)];
        edit->setCompleter(session_.valueCatalog().completer(d, edit));
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::returnPressed, this, &SimulatorPanel::simulate);
        // The what-if grid answers for the request bar's inputs.
        connect(edit, &QLineEdit::textChanged, this, [this] {
            grid_->setRequest(country_->text(), os_->text(), app_->text());
            showCurl();
        });
    }
    grid_->setRequest(country_->text(), os_->text(), app_->text());

    auto *run = new QPushButton(tr("Deliver"), this);
    run->setObjectName(QStringLiteral("simulate"));
    run->setDefault(true);
    auto *copy = new QPushButton(tr("Copy as curl"), this);
    copy->setObjectName(QStringLiteral("copyCurl"));
    auto *inputs = new QHBoxLayout;
    inputs->addWidget(new QLabel(tr("Country"), this));
    inputs->addWidget(country_);
    inputs->addWidget(new QLabel(tr("OS"), this));
    inputs->addWidget(os_);
    inputs->addWidget(new QLabel(tr("App"), this));
    inputs->addWidget(app_, 2);
    inputs->addWidget(endpoint_);
    inputs->addWidget(run);
    auto *scope = new QHBoxLayout;
    scope->addWidget(new QLabel(tr("Limit"), this));
    scope->addWidget(limit_);
    scope->addSpacing(16);
    scope->addWidget(new QLabel(tr("At"), this));
    scope->addWidget(atNow_);
    scope->addWidget(atOther_);
    scope->addWidget(at_);
    scope->addStretch(1);
    auto *curlRow = new QHBoxLayout;
    curlRow->addWidget(curl_, 1);
    curlRow->addWidget(copy);
    curlRow->addWidget(copied_);

    auto *response = new QGroupBox(tr("Response"), this);
    auto *responseLayout = new QVBoxLayout(response);
    responseLayout->addWidget(status_);
    responseLayout->addWidget(body_);
    responseLayout->addWidget(makeReadOnlyView(delivered_, QStringLiteral("delivered"), this), 1);
    responseLayout->addWidget(timing_);

    auto *why = new QGroupBox(tr("Why, and why not"), this);
    auto *whyLayout = new QVBoxLayout(why);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Campaign"), this));
    filters->addWidget(whyNot_, 1);
    filters->addWidget(onlyRejected_);
    whyLayout->addLayout(filters);
    whyLayout->addWidget(explainView_, 1);
    auto *openInEditor = new QPushButton(tr("Open in editor"), this);
    openInEditor->setObjectName(QStringLiteral("openInEditor"));
    openInEditor->setToolTip(tr("Edit the campaign of the selected row (or double-click the row)"));
    openInEditor->setEnabled(false);
    auto *whyButtons = new QHBoxLayout;
    whyButtons->addStretch(1);
    whyButtons->addWidget(openInEditor);
    whyLayout->addLayout(whyButtons);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(response);
    splitter->addWidget(why);
    tabs_->setObjectName(QStringLiteral("simulatorTabs"));
    tabs_->addTab(splitter, tr("Delivery"));
    tabs_->addTab(grid_, tr("What-if grid"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(inputs);
    layout->addLayout(scope);
    layout->addLayout(curlRow);
    layout->addWidget(tabs_, 1);
    layout->addWidget(new JobProgress(*job_, this));

    connect(run, &QPushButton::clicked, this, &SimulatorPanel::simulate);
    connect(copy, &QPushButton::clicked, this, &SimulatorPanel::copyAsCurl);
    connect(endpoint_, &QComboBox::currentIndexChanged, this, &SimulatorPanel::simulate);
    connect(limit_, &QSpinBox::valueChanged, this, &SimulatorPanel::scopeChanged);
    connect(atOther_, &QRadioButton::toggled, this, [this](bool other) {
        at_->setEnabled(other);
        scopeChanged();
    });
    connect(at_, &QDateTimeEdit::dateTimeChanged, this, [this] {
        if (atOther_->isChecked())
            scopeChanged();
    });
    connect(explainView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [openInEditor](const QModelIndex &current) { openInEditor->setEnabled(current.isValid()); });
    connect(openInEditor, &QPushButton::clicked, this, [this] { openCampaignOfRow(explainView_->currentIndex().row()); });
    connect(explainView_, &QTableView::doubleClicked, this, [this](const QModelIndex &index) { openCampaignOfRow(index.row()); });
    connect(grid_, &WhatIfGrid::requestChosen, this, &SimulatorPanel::showRequestOfGrid);
    connect(whyNot_, &QComboBox::currentIndexChanged, this, &SimulatorPanel::showExplanations);
    connect(onlyRejected_, &QCheckBox::toggled, this, &SimulatorPanel::showExplanations);
    // The command is what Deliver would send now: it follows every input as it changes.
    connect(&session_, &StudioSession::serverStateChanged, this, &SimulatorPanel::showCurl);
    connect(endpoint_, &QComboBox::currentIndexChanged, this, &SimulatorPanel::showCurl);
    connect(limit_, &QSpinBox::valueChanged, this, &SimulatorPanel::showCurl);
    connect(atOther_, &QRadioButton::toggled, this, &SimulatorPanel::showCurl);
    connect(at_, &QDateTimeEdit::dateTimeChanged, this, &SimulatorPanel::showCurl);
    connect(job_, &BackgroundJob::finished, this, [this] {
        if (std::exchange(simulateAgain_, false))
            simulate();
        else if (awaitingResult_)
            showCancelled();
    });
    connect(&session_, &StudioSession::aboutToClose, this, [this] {
        simulateAgain_ = false;
        job_->cancelAndWait();
    });
    connect(&session_, &StudioSession::indexLoaded, this, [this] {
        if (std::exchange(simulateWhenLoaded_, false))
            simulate();
    });
    connect(&session_, &StudioSession::indexLoadFailed, this, [this](const QString &error) {
        if (std::exchange(simulateWhenLoaded_, false))
            clearResult(tr("Nothing delivered: the store's campaigns could not be read (%1)").arg(error));
    });
    session_.forEachEngine(this, [this] {
        simulateWhenLoaded_ = false;
        connect(&session_.engine(), &Engine::indexRebuilt, this, &SimulatorPanel::refreshCampaignChoices,
                Qt::QueuedConnection);
        // Another store: nothing the last one answered stays, not even the campaign picked by id.
        clearResult(tr("Nothing delivered yet from %1").arg(session_.engine().store().describe()));
        {
            QSignalBlocker block(whyNot_);
            whyNot_->setCurrentIndex(0);
        }
        refreshCampaignChoices();
    });
}

SimulatorPanel::~SimulatorPanel()
{
    // A simulation still running must not report to widgets being destroyed.
    disconnect(job_, nullptr, this, nullptr);
    job_->cancelAndWait();
}

void SimulatorPanel::refreshCampaignChoices()
{
    // The "why not" choice lists every campaign the index knows.
    const qint64 chosen = whyNot_->currentData().toLongLong();
    QSignalBlocker block(whyNot_);
    whyNot_->clear();
    whyNot_->addItem(tr("All campaigns"), 0);
    // Named from the index, not explained: explaining a million campaigns would stall the window.
    const auto index = session_.engine().matcher().snapshot();
    constexpr qsizetype kMaxChoices = 2000; // a combo box of 100k entries helps nobody
    for (qint64 id : index->campaignIds(kMaxChoices))
        whyNot_->addItem(QStringLiteral("%1 (#%2)").arg(index->codeOf(id)).arg(id), id);
    const int chosenRow = whyNot_->findData(chosen);
    whyNot_->setCurrentIndex(chosenRow < 0 ? 0 : chosenRow);
}

void SimulatorPanel::openCampaignOfRow(int row)
{
    bool ok = false;
    const qint64 id = explain_->text(row, 0).toLongLong(&ok);
    if (ok && id > 0)
        Q_EMIT openCampaign(id);
}

void SimulatorPanel::showRequestOfGrid(const QString &country, const QString &os, qint64 campaignId)
{
    setRequest(country, os, app_->text());
    if (campaignId) {
        // The grid's campaign may be past the choices listed: it is added.
        if (whyNot_->findData(campaignId) < 0)
            whyNot_->addItem(QStringLiteral("%1 (#%2)").arg(session_.engine().matcher().snapshot()->codeOf(campaignId)).arg(campaignId),
                             campaignId);
        QSignalBlocker block(whyNot_);
        whyNot_->setCurrentIndex(whyNot_->findData(campaignId));
    }
    tabs_->setCurrentIndex(0);
    simulate();
}

void SimulatorPanel::setRequest(const QString &country, const QString &os, const QString &app)
{
    country_->setText(country);
    os_->setText(os);
    app_->setText(app);
}

DeliveryRequest SimulatorPanel::request() const
{
    DeliveryRequest request{endpoint_->currentText(), country_->text(), os_->text(), app_->text(), limit_->value()};
    if (atOther_->isChecked())
        request.at = at_->dateTime().toMSecsSinceEpoch();
    return request;
}

void SimulatorPanel::scopeChanged()
{
    grid_->setScope(request().scope());
    simulate();
}

QString SimulatorPanel::curlCommand() const
{
    const HttpServerPool &server = session_.server();
    QString base = server.isRunning() ? server.url() : QString();
    if (base.isEmpty()) {
        const Config &config = session_.config();
        base = QStringLiteral("http://%1:%2").arg(config.listenAddress.toString()).arg(config.port);
    }
    return request().curl(base);
}

void SimulatorPanel::showCurl()
{
    curl_->setText(curlCommand());
}

void SimulatorPanel::copyAsCurl()
{
    showCurl();
    QApplication::clipboard()->setText(curl_->text());
    copied_->flash(tr("✔ Copied"));
}

QString SimulatorPanel::copyConfirmation() const
{
    return copied_->text();
}

void SimulatorPanel::openRequest(const DeliveryRequest &request)
{
    {
        // One run for the whole request, not one per input it changes.
        const QSignalBlocker blockEndpoint(endpoint_), blockLimit(limit_), blockAt(atOther_);
        const int endpoint = endpoint_->findText(request.path);
        endpoint_->setCurrentIndex(endpoint < 0 ? 0 : endpoint);
        limit_->setValue(int(request.limit));
        atNow_->setChecked(true);
        at_->setEnabled(false);
    }
    grid_->setScope(this->request().scope());
    setRequest(request.country, request.os, request.app);
    tabs_->setCurrentIndex(0);
    simulate();
}

void SimulatorPanel::simulate()
{
    const DeliveryRequest req = request();
    if (!session_.isLoaded()) {
        // An index still empty would answer "nothing matches": the request waits instead.
        simulateWhenLoaded_ = true;
        clearResult(tr("Waiting for the store's campaigns to load; %1 is delivered once they are in").arg(req.target()));
        return;
    }
    // The previous answer goes at once: it never stands under a request it did not answer.
    clearResult(tr("Delivering %1 …").arg(req.target()));
    awaitingResult_ = true;
    if (job_->isRunning()) {
        simulateAgain_ = true;
        job_->cancel();
        return;
    }
    showCurl();

    Engine &engine = session_.engine();
    HttpApi &api = session_.api();
    job_->start(tr("Delivering"), [this, req, &engine, &api](JobControl &control) -> BackgroundJob::Finish {
        auto simulation = std::make_shared<Simulation>();
        const AnswerScope scope = req.scope();
        // The delivery path first, for the sources and timing of this very request; then the
        // HTTP API for the bytes the endpoint answers. The routes answer as of now only: at
        // another instant the body is the array /v1/delivery would send then.
        const TargetingQuery query = TargetingQuery::from(req.country, req.os, req.app);
        simulation->complete = !query.value(Dimension::Country).isEmpty() && !query.value(Dimension::Os).isEmpty()
                               && !query.value(Dimension::App).isEmpty();
        if (simulation->complete)
            simulation->result = engine.delivery().deliver(query, scope);
        if (control.cancelled())
            return {};
        const DeliveryResult &result = simulation->result;
        if (!req.at) {
            simulation->reply = api.handle({"GET", req.path, QUrlQuery(req.queryString()), {}, {}, true});
            if (control.cancelled())
                return {};
            simulation->body = simulation->reply->body;
        } else if (!result.fragments.empty()) {
            simulation->body = result.jsonArray();
        }
        simulation->delivered.reserve(qsizetype(result.campaignIds.size()));
        for (size_t i = 0; i < result.campaignIds.size(); ++i) {
            const QJsonObject fragment = QJsonDocument::fromJson(result.fragments[i]).object();
            const bool cached = result.sources[i] == DetailSource::Cache;
            simulation->delivered.append({{fragment.value(QStringLiteral("cid")).toString(),
                                           fragment.value(QStringLiteral("img")).toString(),
                                           fragment.value(QStringLiteral("cta")).toString(), cached ? tr("cache") : tr("store")},
                                          Tones::tint(cached ? Tones::Info : Tones::Warn)});
        }
        simulation->bodyShown = QString::fromUtf8(simulation->body);
        simulation->bodyCut = simulation->bodyShown.size() > kMaxBodyChars;
        if (simulation->bodyCut) {
            simulation->bodyShown.truncate(kMaxBodyChars);
            if (simulation->bodyShown.back().isHighSurrogate())
                simulation->bodyShown.chop(1);
        }
        // Only the rows the table can show are explained, for both filters at once.
        const auto index = engine.matcher().snapshot();
        simulation->explanations = {
            query, scope, index->explainFirst(query, MatchIndex::ExplainScope::AllCampaigns, kMaxExplainRows, scope),
            index->explainFirst(query, MatchIndex::ExplainScope::NotDelivered, kMaxExplainRows, scope)};
        return [this, simulation] { showSimulation(*simulation); };
    });
}

void SimulatorPanel::showSimulation(const Simulation &simulation)
{
    awaitingResult_ = false;
    responseStatus_ = simulation.reply ? simulation.reply->status : 0;
    responseBody_ = simulation.reply ? simulation.body : QByteArray();
    status_->setText(statusOf(simulation));
    // The bytes exactly as the endpoint sends them, not re-formatted.
    body_->setPlainText(simulation.bodyShown);
    delivered_->setRows(simulation.delivered);
    const DeliveryResult &result = simulation.result;
    QString timing = tr("match %1 · cache %2 · store %3 · total %4 · %n batch(es)", nullptr, result.batches)
                         .arg(micros(result.timing.matchMicros), micros(result.timing.cacheMicros),
                              micros(result.timing.storeMicros), micros(result.timing.totalMicros));
    if (!result.cacheError.isEmpty())
        timing += tr(" · cache error: %1 (what it missed came from the store)").arg(result.cacheError);
    if (!result.storeError.isEmpty())
        timing += tr(" · store error: %1").arg(result.storeError);
    timing_->setText(simulation.complete ? timing : tr("country, OS and app are all needed for a delivery"));
    explanations_ = simulation.explanations;
    showExplanations();
}

QString SimulatorPanel::statusOf(const Simulation &simulation) const
{
    QString status;
    if (const std::optional<HttpReply> &reply = simulation.reply) {
        status = tr("HTTP %1 — %2").arg(reply->status).arg(
            reply->status == 204 ? tr("no campaign matches (empty body)") : QString::fromLatin1(reply->contentType));
    } else {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(*simulation.explanations.scope.at);
        status = tr("At %1: %n campaign(s) delivered then. Not sent: the delivery routes answer as of now",
                    nullptr, int(simulation.result.campaignIds.size()))
                     .arg(QLocale().toString(at, QLocale::ShortFormat));
    }
    if (simulation.bodyCut)
        status += tr(" · %1, the first %2 characters shown")
                      .arg(QLocale().formattedDataSize(simulation.body.size()))
                      .arg(simulation.bodyShown.size());
    return status;
}

void SimulatorPanel::showCancelled()
{
    awaitingResult_ = false;
    clearResult(tr("Cancelled: no response"));
}

void SimulatorPanel::clearResult(const QString &status)
{
    responseStatus_ = 0;
    responseBody_.clear();
    status_->setText(status);
    body_->clear();
    delivered_->setRows({});
    timing_->clear();
    explanations_.reset();
    showExplanations();
}

void SimulatorPanel::showExplanations()
{
    const qint64 chosen = whyNot_->currentData().toLongLong();
    MatchIndex::ExplainPage page;
    if (explanations_ && chosen) {
        // One campaign is decided in microseconds, against the index in use now.
        page.decisions = session_.engine().explain(explanations_->query, chosen, explanations_->scope);
        if (onlyRejected_->isChecked())
            page.decisions.removeIf([](const Decision &d) { return d.matched(); });
        page.total = page.decisions.size();
    } else if (explanations_) {
        page = onlyRejected_->isChecked() ? explanations_->notDelivered : explanations_->everyCampaign;
    }
    explainView_->setToolTip(page.total > page.decisions.size()
                                 ? tr("showing the first %1 of %2 campaigns").arg(page.decisions.size()).arg(page.total)
                                 : QString());
    QList<TextRow> rows;
    rows.reserve(page.decisions.size());
    for (const Decision &d : std::as_const(page.decisions))
        rows.append(explainRow(d));
    explain_->setRows(std::move(rows));
    explainView_->resizeColumnsToContents();
    // Long rule codes give way, so that "why" reads whole.
    QHeaderView *header = explainView_->horizontalHeader();
    const int widest = fontMetrics().horizontalAdvance(QLatin1Char('x')) * 30;
    for (int column = kFirstCheckColumn; column < kFirstCheckColumn + kDimensionCount; ++column)
        header->resizeSection(column, std::min(header->sectionSize(column), widest));
    header->setStretchLastSection(true);
}

} // namespace adserve
