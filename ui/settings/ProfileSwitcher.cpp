#include "ProfileSwitcher.h"

#include "SecretStore.h"
#include "session/StudioSession.h"

#include <QMessageBox>
#include <QSettings>

namespace adserve {

ProfileSwitcher::ProfileSwitcher(StudioSession &session, Open open, QObject *parent)
    : QObject(parent)
    , session_(session)
    , open_(std::move(open))
{
}

SecretStore &ProfileSwitcher::secrets()
{
    return session_.secrets();
}

std::unique_ptr<QSettings> ProfileSwitcher::settings() const
{
    return settingsFile_.isEmpty() ? std::make_unique<QSettings>()
                                   : std::make_unique<QSettings>(settingsFile_, QSettings::IniFormat);
}

void ProfileSwitcher::loadSecrets()
{
    // Profiles read before their passwords arrived would connect without them. Waits only the
    // first time (start-up usually did already); a locked secret store may ask to be unlocked.
    secrets().load(ConnectionProfiles::secretKeys(*settings()));
    if (!secrets().waitForLoaded(std::chrono::seconds(60)))
        Q_EMIT message(tr("The secret store did not answer: profiles are shown without their passwords."));
}

QList<ConnectionProfile> ProfileSwitcher::profiles()
{
    loadSecrets();
    return ConnectionProfiles(*settings(), secrets()).all();
}

QString ProfileSwitcher::currentName()
{
    return connectionGiven_ ? QString() : ConnectionProfiles(*settings(), secrets()).current().name;
}

void ProfileSwitcher::saveAll(const QList<ConnectionProfile> &profiles)
{
    ConnectionProfiles(*settings(), secrets()).saveAll(profiles);
}

bool ProfileSwitcher::switchTo(const QString &name, QString *error)
{
    loadSecrets();
    const auto stored = settings();
    ConnectionProfiles profiles(*stored, secrets());
    const auto profile = profiles.byName(name);
    if (!profile) {
        *error = tr("there is no connection profile named “%1”").arg(name);
        return false;
    }
    if (!open_(profile->settings, error))
        return false;
    profiles.setCurrent(profile->id);
    connectionGiven_ = false;
    const QString note = profile->settings.usesServers() && secrets().lacksSecretStore() ? secrets().describe() : QString();
    Q_EMIT message(tr("Connected to “%1”: %2, cache %3. %4")
                       .arg(profile->name, session_.engine().store().describe(),
                            redactUrl(session_.engine().cache().backend().describe()), note)
                       .trimmed());
    return true;
}

void ProfileSwitcher::choose(const QString &name, QWidget *parent)
{
    if (name == currentName())
        return;
    QString error;
    if (!switchTo(name, &error))
        QMessageBox::warning(parent, tr("Not connected"),
                             tr("Could not connect to “%1”:\n%2\n\nThe previous connection is still in use.")
                                 .arg(name, redactUrl(error)));
}

} // namespace adserve
