#pragma once

#include "common/WidgetMemory.h"
#include "settings/ConnectionSettings.h"

#include <QMainWindow>

class QLabel;
class QTabWidget;
class QTimer;

namespace adserve {

class BackgroundJob;
class CachePanel;
class CampaignsPanel;
class InstancesPanel;
class MainMenus;
class ProfileSwitcher;
class ReachPanel;
class ServerPanel;
class SimulatorPanel;
class StudioSession;

// The studio's window: the panels as tabs, the menus, and a status bar with the store and
// cache in use and their health, the server's URL and state, and the requests per second it
// serves. Its layout and the inputs the user typed are remembered from one run to the next.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(StudioSession &session, QWidget *parent = nullptr);

    CampaignsPanel *campaigns() const { return campaigns_; }
    SimulatorPanel *simulator() const { return simulator_; }
    ReachPanel *reach() const { return reach_; }
    CachePanel *cache() const { return cache_; }
    ServerPanel *server() const { return server_; }
    InstancesPanel *instances() const { return instances_; }
    QTabWidget *tabs() const { return tabs_; }

    // Opens the session on new settings (over the current configuration: what the settings
    // do not cover stays), after the editor's unsaved edits are dealt with. On failure the
    // current connection stays; the reason is in `error`. Connection profiles open through it.
    bool switchConnection(const ConnectionSettings &settings, QString *error);
    void refreshHealth();
    QString statusText() const;
    void showStatusMessage(const QString &text);
    void editSettings();
    MainMenus *menus() const { return menus_; }
    ProfileSwitcher &profiles() const { return *profiles_; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void showServerState();
    // The campaign being edited, marked while it has unsaved edits.
    void showTitle();
    // Window, columns, sort, panel, Simulator inputs, server address: as the user left them.
    void rememberLayout();
    // Where no secret store runs and servers are in use: where their passwords are kept.
    QString secretsNote() const;
    void showSecretsNote();

    StudioSession &session_;
    QTabWidget *tabs_;
    CampaignsPanel *campaigns_;
    SimulatorPanel *simulator_;
    ReachPanel *reach_;
    CachePanel *cache_;
    ServerPanel *server_;
    InstancesPanel *instances_;
    QLabel *store_;
    QLabel *cacheState_;
    QLabel *serverState_;
    QLabel *rate_;
    QTimer *healthTimer_;
    QTimer *rateTimer_;
    BackgroundJob *healthJob_;
    MainMenus *menus_ = nullptr;
    WidgetMemory memory_;
    ProfileSwitcher *profiles_;
    qint64 servedBefore_ = 0; // the session's served count a second ago
};

} // namespace adserve
