#include "MainWindow.h"

#include "LoadingStatus.h"
#include "MainMenus.h"
#include "cache/CachePanel.h"
#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "instances/InstancesPanel.h"
#include "server/ServerPanel.h"
#include "session/StudioSession.h"
#include "settings/ProfileSwitcher.h"
#include "settings/SettingsDialog.h"
#include "reach/ReachPanel.h"
#include "simulator/SimulatorPanel.h"

#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

namespace adserve {

namespace {

QString healthText(const BackendHealth &h)
{
    // In words as well: a glyph alone is easy to miss or misread.
    return h.up ? QStringLiteral("● %1: %2").arg(h.name, h.kind)
                : QObject::tr("✘ %1: %2 down").arg(h.name, h.kind);
}

QString healthTip(const BackendHealth &h)
{
    // describe() never contains a password; redact anyway in case a URL slipped through.
    return redactUrl(h.target) + (h.error.isEmpty() ? QString() : QStringLiteral("\n") + h.error);
}

} // namespace

MainWindow::MainWindow(StudioSession &session, QWidget *parent)
    : QMainWindow(parent)
    , session_(session)
    , tabs_(new QTabWidget(this))
    , campaigns_(new CampaignsPanel(session, this))
    , simulator_(new SimulatorPanel(session, this))
    , reach_(new ReachPanel(session, this))
    , cache_(new CachePanel(session, this))
    , server_(new ServerPanel(session, this))
    , instances_(new InstancesPanel(session, this))
    , store_(new QLabel(this))
    , cacheState_(new QLabel(this))
    , serverState_(new QLabel(this))
    , rate_(new QLabel(this))
    , healthTimer_(new QTimer(this))
    , rateTimer_(new QTimer(this))
    , healthJob_(new BackgroundJob(this))
    , profiles_(new ProfileSwitcher(
          session, [this](const auto &settings, QString *error) { return switchConnection(settings, error); }, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("adserve studio"));
    tabs_->setObjectName(QStringLiteral("panels"));
    store_->setObjectName(QStringLiteral("storeHealth"));
    cacheState_->setObjectName(QStringLiteral("cacheHealth"));
    serverState_->setObjectName(QStringLiteral("serverStatus"));
    rate_->setObjectName(QStringLiteral("requestRate"));
    tabs_->addTab(campaigns_, tr("Campaigns"));
    tabs_->addTab(simulator_, tr("Simulator"));
    tabs_->addTab(reach_, tr("Reach"));
    tabs_->addTab(cache_, tr("Cache"));
    tabs_->addTab(server_, tr("Server"));
    tabs_->addTab(instances_, tr("Instances"));
    setCentralWidget(tabs_);

    menus_ = new MainMenus(*this, session_);

    statusBar()->addPermanentWidget(new LoadingStatus(session_, this));
    for (QLabel *label : {store_, cacheState_, serverState_, rate_})
        statusBar()->addPermanentWidget(label);
    connect(campaigns_, &CampaignsPanel::message, this, &MainWindow::showStatusMessage);
    const auto openInEditor = [this](qint64 id) {
        tabs_->setCurrentWidget(campaigns_);
        campaigns_->openInEditor(id);
    };
    connect(simulator_, &SimulatorPanel::openCampaign, this, openInEditor);
    connect(reach_, &ReachPanel::openCampaign, this, openInEditor);
    connect(campaigns_, &CampaignsPanel::showReach, this, [this](qint64 id) {
        tabs_->setCurrentWidget(reach_);
        reach_->showCampaign(id);
    });
    connect(reach_, &ReachPanel::message, this, &MainWindow::showStatusMessage);
    connect(cache_, &CachePanel::message, this, &MainWindow::showStatusMessage);
    connect(server_, &ServerPanel::message, this, &MainWindow::showStatusMessage);
    connect(profiles_, &ProfileSwitcher::message, this, &MainWindow::showStatusMessage);
    connect(server_, &ServerPanel::openInSimulator, this, [this](const DeliveryRequest &request) {
        tabs_->setCurrentWidget(simulator_);
        simulator_->openRequest(request);
    });
    connect(&session_.secrets(), &SecretStore::failed, this, &MainWindow::showStatusMessage);
    connect(&session_.secrets(), &SecretStore::loaded, this, &MainWindow::showSecretsNote);

    connect(&session_, &StudioSession::serverStateChanged, this, &MainWindow::showServerState);
    connect(&session_, &StudioSession::aboutToClose, healthJob_, &BackgroundJob::cancelAndWait);
    rateTimer_->setInterval(1000);
    connect(rateTimer_, &QTimer::timeout, this, [this] {
        const qint64 served = session_.servedCount(); // every request, logged or not
        rate_->setText(tr("%1 req/s").arg(served - std::exchange(servedBefore_, served)));
    });
    rateTimer_->start();
    healthTimer_->setInterval(5000);
    connect(healthTimer_, &QTimer::timeout, this, &MainWindow::refreshHealth);
    healthTimer_->start();
    rate_->setText(tr("0 req/s"));
    session_.forEachEngine(this, [this] {
        refreshHealth();
        showServerState();
    });
    connect(campaigns_->editor(), &CampaignEditor::modifiedChanged, this, &MainWindow::showTitle);
    connect(campaigns_->editor(), &CampaignEditor::modifiedChanged, this, &QWidget::setWindowModified);
    showTitle();
    resize(1280, 800);
    rememberLayout();
    showSecretsNote();
}

void MainWindow::rememberLayout()
{
    memory_.keep(this, QStringLiteral("window"));
    memory_.keep(tabs_, QStringLiteral("panel"));
    memory_.keep(campaigns_->table()->horizontalHeader(), QStringLiteral("campaigns/columns"));
    memory_.keep(campaigns_->findChild<QSplitter *>(), QStringLiteral("campaigns/splitter"));
    for (const char *field : {"simCountry", "simOs", "simApp", "simLimit"})
        memory_.keep(simulator_->findChild<QWidget *>(QLatin1String(field)), QStringLiteral("simulator/") + QLatin1String(field));
    for (const char *field : {"serverAddress", "serverPort"})
        memory_.keep(server_->findChild<QWidget *>(QLatin1String(field)), QStringLiteral("server/") + QLatin1String(field));
    memory_.restore();
}

void MainWindow::showTitle()
{
    // "[*]" is where Qt shows the modified mark while the window is modified.
    const QString campaign = campaigns_->editor()->documentName();
    setWindowTitle(campaign.isEmpty() ? tr("adserve studio") : tr("%1[*] — adserve studio").arg(campaign));
}

void MainWindow::showSecretsNote()
{
    if (const QString note = secretsNote(); !note.isEmpty())
        showStatusMessage(note);
}

QString MainWindow::secretsNote() const
{
    const SecretStore &secrets = session_.secrets();
    const bool withServers = session_.isOpen() && ConnectionSettings::fromConfig(session_.config()).usesServers();
    return withServers && secrets.lacksSecretStore() ? secrets.describe() : QString();
}

void MainWindow::showStatusMessage(const QString &text)
{
    statusBar()->showMessage(text, 8000);
}

void MainWindow::refreshHealth()
{
    if (!session_.isOpen() || healthJob_->isRunning())
        return;
    Engine &engine = session_.engine();
    // Pings go over the network: never on the GUI thread.
    healthJob_->start(tr("Checking health"), [this, &engine](JobControl &) -> BackgroundJob::Finish {
        const BackendHealth store = engine.storeHealth();
        const BackendHealth cache = engine.cacheHealth();
        return [this, store, cache] {
            store_->setText(healthText(store));
            store_->setToolTip(healthTip(store));
            cacheState_->setText(healthText(cache));
            cacheState_->setToolTip(healthTip(cache));
        };
    });
}

void MainWindow::showServerState()
{
    const bool running = session_.isOpen() && session_.server().isRunning();
    const QString qa = session_.isOpen() && session_.qa() ? tr(" · QA mode") : QString();
    serverState_->setText((running ? tr("● server %1").arg(session_.server().url()) : tr("○ server stopped")) + qa);
}

QString MainWindow::statusText() const
{
    return QStringList{store_->text(), cacheState_->text(), serverState_->text(), rate_->text()}.join(QStringLiteral(" | "));
}

bool MainWindow::switchConnection(const ConnectionSettings &settings, QString *error)
{
    if (!campaigns_->confirmDiscard()) {
        *error = tr("the campaign being edited has unsaved edits");
        return false;
    }
    const auto config = session_.isOpen() ? settings.toConfig(session_.config(), error) : settings.toConfig(error);
    if (!config)
        return false;
    return session_.open(*config, error);
}

void MainWindow::editSettings()
{
    SettingsDialog(*profiles_, this).exec();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!campaigns_->confirmDiscard()) {
        event->ignore();
        return;
    }
    memory_.save();
    session_.stopServer();
    event->accept();
}

} // namespace adserve
