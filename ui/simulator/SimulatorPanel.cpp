#include "SimulatorPanel.h"

#include "common/ReadOnlyTable.h"
#include "WhatIfGrid.h"
#include "common/ValueCatalog.h"
#include "session/StudioSession.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace adserve {

namespace {

void setRow(QTableWidget *table, int row, const QStringList &cells, const QColor &background = {})
{
    for (int c = 0; c < cells.size(); ++c) {
        auto *item = new QTableWidgetItem(cells.at(c));
        if (background.isValid())
            item->setBackground(background);
        table->setItem(row, c, item);
    }
}

QString micros(qint64 us)
{
    return us < 1000 ? QStringLiteral("%1 µs").arg(us) : QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', 2);
}

} // namespace

SimulatorPanel::SimulatorPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , country_(new QLineEdit(QStringLiteral("US"), this))
    , os_(new QLineEdit(QStringLiteral("Android"), this))
    , app_(new QLineEdit(QStringLiteral("com.gametion.ludokinggame"), this))
    , endpoint_(new QComboBox(this))
    , status_(new QLabel(this))
    , body_(new QPlainTextEdit(this))
    , delivered_(makeReadOnlyTable({tr("cid"), tr("img"), tr("cta"), tr("details from")}, QStringLiteral("delivered"), this))
    , timing_(new QLabel(this))
    , whyNot_(new QComboBox(this))
    , onlyRejected_(new QCheckBox(tr("only campaigns not delivered"), this))
    , explain_(makeReadOnlyTable({tr("Id"), tr("Campaign"), tr("Verdict"), tr("country"), tr("os"), tr("app"), tr("Why")},
                         QStringLiteral("explain"), this))
    , curl_(new QLineEdit(this))
    , grid_(new WhatIfGrid(session, this))
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
    endpoint_->addItems({QStringLiteral("/v1/delivery"), QStringLiteral("/api/v1/delivery")});
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
    }

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
    auto *curlRow = new QHBoxLayout;
    curlRow->addWidget(curl_, 1);
    curlRow->addWidget(copy);

    auto *response = new QGroupBox(tr("Response"), this);
    auto *responseLayout = new QVBoxLayout(response);
    responseLayout->addWidget(status_);
    responseLayout->addWidget(body_);
    responseLayout->addWidget(delivered_, 1);
    responseLayout->addWidget(timing_);

    auto *why = new QGroupBox(tr("Why, and why not"), this);
    auto *whyLayout = new QVBoxLayout(why);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Campaign"), this));
    filters->addWidget(whyNot_, 1);
    filters->addWidget(onlyRejected_);
    whyLayout->addLayout(filters);
    whyLayout->addWidget(explain_, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(response);
    splitter->addWidget(why);
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("simulatorTabs"));
    tabs->addTab(splitter, tr("Delivery"));
    tabs->addTab(grid_, tr("What-if grid"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(inputs);
    layout->addLayout(curlRow);
    layout->addWidget(tabs, 1);

    connect(run, &QPushButton::clicked, this, &SimulatorPanel::simulate);
    connect(copy, &QPushButton::clicked, this, &SimulatorPanel::copyAsCurl);
    connect(endpoint_, &QComboBox::currentIndexChanged, this, &SimulatorPanel::simulate);
    connect(whyNot_, &QComboBox::currentIndexChanged, this, &SimulatorPanel::showExplanations);
    connect(onlyRejected_, &QCheckBox::toggled, this, &SimulatorPanel::showExplanations);
    connect(&session_, &StudioSession::serverStateChanged, this, [this] { curl_->setText(curlCommand()); });
    session_.forEachEngine(this, [this] {
        connect(&session_.engine(), &Engine::indexRebuilt, this, &SimulatorPanel::refreshCampaignChoices,
                Qt::QueuedConnection);
        refreshCampaignChoices();
    });
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
    for (qint64 id : index->campaignIds().mid(0, kMaxChoices))
        whyNot_->addItem(QStringLiteral("%1 (#%2)").arg(index->codeOf(id)).arg(id), id);
    const int chosenRow = whyNot_->findData(chosen);
    whyNot_->setCurrentIndex(chosenRow < 0 ? 0 : chosenRow);
}

void SimulatorPanel::setRequest(const QString &country, const QString &os, const QString &app)
{
    country_->setText(country);
    os_->setText(os);
    app_->setText(app);
}

DeliveryRequest SimulatorPanel::request() const
{
    return {endpoint_->currentText(), country_->text(), os_->text(), app_->text()};
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

void SimulatorPanel::copyAsCurl()
{
    curl_->setText(curlCommand());
    QApplication::clipboard()->setText(curl_->text());
}

void SimulatorPanel::simulate()
{
    const DeliveryRequest req = request();
    curl_->setText(curlCommand());

    // The delivery path first, for the sources and timing of this very request; then the
    // HTTP API for the bytes the endpoint answers.
    const TargetingQuery query = TargetingQuery::from(req.country, req.os, req.app);
    const bool complete = !query.value(Dimension::Country).isEmpty() && !query.value(Dimension::Os).isEmpty()
                          && !query.value(Dimension::App).isEmpty();
    DeliveryResult result;
    if (complete)
        result = session_.engine().delivery().deliver(query);
    HttpRequest http{"GET", req.path, QUrlQuery(req.queryString()), {}, {}};
    const HttpReply reply = session_.api().handle(http);
    responseStatus_ = reply.status;
    responseBody_ = reply.body;

    status_->setText(tr("HTTP %1 — %2").arg(reply.status).arg(
        reply.status == 204 ? tr("no campaign matches (empty body)") : QString::fromLatin1(reply.contentType)));
    // The bytes exactly as the endpoint sends them, not re-formatted.
    body_->setPlainText(QString::fromUtf8(reply.body));

    delivered_->setRowCount(int(result.campaignIds.size()));
    for (size_t i = 0; i < result.campaignIds.size(); ++i) {
        const QJsonObject fragment = QJsonDocument::fromJson(result.fragments[i]).object();
        const bool cached = result.sources[i] == DetailSource::Cache;
        setRow(delivered_, int(i),
               {fragment.value(QStringLiteral("cid")).toString(), fragment.value(QStringLiteral("img")).toString(),
                fragment.value(QStringLiteral("cta")).toString(), cached ? tr("cache") : tr("store")},
               cached ? QColor(0xe3, 0xf2, 0xfd) : QColor(0xff, 0xf8, 0xe1));
    }
    QString timing = tr("match %1 · cache %2 · store %3 · total %4 · %n batch(es)", nullptr, result.batches)
                         .arg(micros(result.timing.matchMicros), micros(result.timing.cacheMicros),
                              micros(result.timing.storeMicros), micros(result.timing.totalMicros));
    if (!result.cacheError.isEmpty())
        timing += tr(" · cache error: %1 (served from the store)").arg(result.cacheError);
    if (!result.storeError.isEmpty())
        timing += tr(" · store error: %1").arg(result.storeError);
    timing_->setText(complete ? timing : tr("country, OS and app are all needed for a delivery"));
    showExplanations();
}

void SimulatorPanel::showExplanations()
{
    const TargetingQuery query = TargetingQuery::from(country_->text(), os_->text(), app_->text());
    const qint64 chosen = whyNot_->currentData().toLongLong();
    QList<Decision> decisions = session_.engine().explain(query, chosen ? std::optional(chosen) : std::nullopt);
    if (onlyRejected_->isChecked())
        decisions.removeIf([](const Decision &d) { return d.matched(); });
    // Rows beyond a few thousand are unreadable and slow to lay out: pick a campaign instead.
    constexpr qsizetype kMaxRows = 2000;
    const qsizetype total = decisions.size();
    if (total > kMaxRows)
        decisions.resize(kMaxRows);
    explain_->setToolTip(total > kMaxRows ? tr("showing the first %1 of %2 campaigns").arg(kMaxRows).arg(total) : QString());
    explain_->setRowCount(int(decisions.size()));
    for (int row = 0; row < decisions.size(); ++row) {
        const Decision &d = decisions.at(row);
        QStringList cells{QString::number(d.campaignId), d.campaignCode, verdictName(d.verdict)};
        for (const DimensionCheck &check : d.checks)
            cells.append(outcomeName(check.outcome) + (check.ruleCode.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(check.ruleCode)));
        while (cells.size() < 6)
            cells.append(QString());
        cells.append(d.summary());
        setRow(explain_, row, cells, d.matched() ? QColor(0xe8, 0xf5, 0xe9) : QColor(0xff, 0xeb, 0xee));
    }
    explain_->resizeColumnsToContents();
    explain_->horizontalHeader()->setStretchLastSection(true);
}

} // namespace adserve
