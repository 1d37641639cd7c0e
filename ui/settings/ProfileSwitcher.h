#pragma once

#include "ConnectionProfiles.h"

#include <QObject>

#include <functional>
#include <memory>

class QSettings;
class QWidget;

namespace adserve {

class StudioSession;

// Switches the studio between connection profiles, for the profile manager and the
// "Connection profile" menu alike: opens the session on a profile and remembers it as the
// one in use. The opening itself is `open` (MainWindow::switchConnection, which deals with
// the editor's unsaved edits first); when it fails, the connection in use stays.
class ProfileSwitcher : public QObject
{
    Q_OBJECT
public:
    using Open = std::function<bool(const ConnectionSettings &settings, QString *error)>;

    ProfileSwitcher(StudioSession &session, Open open, QObject *parent = nullptr);

    // For the screenshot tour: profiles from this INI file instead of the user's settings.
    void useSettingsFile(const QString &path) { settingsFile_ = path; }

    SecretStore &secrets();
    // The remembered profiles, their passwords read first (waits for the secret store).
    QList<ConnectionProfile> profiles();
    // The profile in use: "" while the connection came from the command line, the environment
    // or a .env file rather than from a profile.
    QString currentName();
    void setConnectionGiven(bool given) { connectionGiven_ = given; }
    // Keeps exactly `profiles` (valid ones: ConnectionProfiles::problem() found none).
    void saveAll(const QList<ConnectionProfile> &profiles);
    // Opens the profile `name`; false with the reason in `error` (the connection in use stays).
    bool switchTo(const QString &name, QString *error);
    // The same as a user's choice from a menu: the outcome is said in the status bar, or in a
    // message box on `parent` when the profile could not be connected.
    void choose(const QString &name, QWidget *parent);

Q_SIGNALS:
    // What happened, for the status bar.
    void message(const QString &text);

private:
    void loadSecrets();
    std::unique_ptr<QSettings> settings() const;

    StudioSession &session_;
    Open open_;
    QString settingsFile_; // empty: the studio's settings
    bool connectionGiven_ = false;
};

} // namespace adserve
