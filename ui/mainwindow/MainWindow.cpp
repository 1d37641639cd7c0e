#include "MainWindow.h"

#include "cache/CachePanel.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "instances/InstancesPanel.h"
#include "server/ServerPanel.h"
#include "session/StudioSession.h"
#include "settings/SettingsDialog.h"
#include "simulator/SimulatorPanel.h"

#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
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
    tabs_->addTab(cache_, tr("Cache"));
    tabs_->addTab(server_, tr("Server"));
    tabs_->addTab(instances_, tr("Instances"));
    setCentralWidget(tabs_);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Connection settings…"), this, &MainWindow::editSettings)->setObjectName(QStringLiteral("connectionSettings"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    for (QLabel *label : {store_, cacheState_, serverState_, rate_})
        statusBar()->addPermanentWidget(label);
    connect(campaigns_, &CampaignsPanel::message, this, &MainWindow::showStatusMessage);
    connect(simulator_, &SimulatorPanel::openCampaign, this, [this](qint64 id) {
        tabs_->setCurrentWidget(campaigns_);
        campaigns_->openInEditor(id);
    });
    connect(cache_, &CachePanel::message, this, &MainWindow::showStatusMessage);
    connect(server_, &ServerPanel::message, this, &MainWindow::showStatusMessage);
    connect(server_, &ServerPanel::openInSimulator, this, [this](const DeliveryRequest &request) {
        tabs_->setCurrentWidget(simulator_);
        simulator_->openRequest(request);
    });
    connect(&session_.secrets(), &SecretStore::failed, this, &MainWindow::showStatusMessage);
    connect(&session_.secrets(), &SecretStore::loaded, this, &MainWindow::showSecretsNote);

    connect(&session_, &StudioSession::serverStateChanged, this, &MainWindow::showServerState);
    connect(&session_, &StudioSession::requestServed, this, [this] { ++servedThisSecond_; });
    connect(&session_, &StudioSession::aboutToClose, healthJob_, &BackgroundJob::cancelAndWait);
    rateTimer_->setInterval(1000);
    connect(rateTimer_, &QTimer::timeout, this, [this] {
        rate_->setText(tr("%1 req/s").arg(std::exchange(servedThisSecond_, 0)));
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
    resize(1280, 800);
    showSecretsNote();
}

void MainWindow::showSecretsNote()
{
    if (const QString note = secretsNote(); !note.isEmpty())
        showStatusMessage(note);
}

QString MainWindow::secretsNote() const
{
    const SecretStore &secrets = session_.secrets();
    const bool withServers = session_.isOpen() && !ConnectionSettings::fromConfig(session_.config()).embedded;
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
    if (!session_.open(*config, error))
        return false;
    QSettings stored;
    settings.save(stored, session_.secrets());
    return true;
}

void MainWindow::editSettings()
{
    SecretStore &secrets = session_.secrets();
    secrets.load(ConnectionSettings::secretKeys()); // the dialog says where passwords go once known
    SettingsDialog dialog(ConnectionSettings::fromConfig(session_.config()), secrets, this);
    while (dialog.exec() == QDialog::Accepted) {
        QString error;
        secrets.setKeepInFile(dialog.keepsPasswordsInFile());
        if (switchConnection(dialog.settings(), &error)) {
            showStatusMessage(tr("Connected: %1, cache %2. %3")
                                  .arg(session_.engine().store().describe(),
                                       redactUrl(session_.engine().cache().backend().describe()), secretsNote())
                                  .trimmed());
            return;
        }
        QMessageBox::warning(this, tr("Not connected"),
                             tr("%1\n\nThe previous connection is still in use.").arg(redactUrl(error)));
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!campaigns_->confirmDiscard()) {
        event->ignore();
        return;
    }
    session_.stopServer();
    event->accept();
}

} // namespace adserve
