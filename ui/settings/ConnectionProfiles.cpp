#include "ConnectionProfiles.h"

#include "PrivateFile.h"
#include "SecretStore.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace adserve {

namespace {

const QString kBuiltInId = QStringLiteral("embedded");
const QString kGroup = QStringLiteral("profiles");
const QString kCurrent = QStringLiteral("profiles/current");
const QString kOlderStudio = QStringLiteral("connection"); // the one connection an older studio kept

QString groupOf(const QString &id)
{
    return kGroup + QLatin1Char('/') + id;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("adserve::ConnectionProfiles", text);
}

// The built-in profile's store and cache are fixed; only its delivery settings may change.
ConnectionProfile withFixedStorage(ConnectionProfile profile)
{
    const ConnectionProfile fixed = ConnectionProfiles::builtIn();
    profile.name = fixed.name;
    profile.settings.store = fixed.settings.store;
    profile.settings.cache = fixed.settings.cache;
    profile.settings.sqlitePath.clear();
    return profile;
}

} // namespace

bool ConnectionProfile::isBuiltIn() const
{
    return id == kBuiltInId;
}

QString ConnectionProfile::secretPrefix() const
{
    return QStringLiteral("profile-%1.").arg(id);
}

ConnectionProfiles::ConnectionProfiles(QSettings &settings, SecretStore &secrets)
    : settings_(settings)
    , secrets_(secrets)
{
}

ConnectionProfile ConnectionProfiles::builtIn()
{
    return {kBuiltInId, tr("Embedded"), {}};
}

QStringList ConnectionProfiles::secretKeys(QSettings &settings)
{
    QStringList keys;
    if (settings.contains(kOlderStudio + QStringLiteral("/embedded")))
        keys << ConnectionSettings::secretKeys();
    settings.beginGroup(kGroup);
    const QStringList ids = settings.childGroups();
    settings.endGroup();
    for (const QString &id : ids)
        keys << ConnectionSettings::secretKeys(ConnectionProfile{id, {}, {}}.secretPrefix());
    return keys;
}

std::optional<ConnectionProfile> ConnectionProfiles::read(const QString &id) const
{
    settings_.beginGroup(groupOf(id));
    const bool present = settings_.contains(QStringLiteral("name"));
    ConnectionProfile profile{id, settings_.value(QStringLiteral("name")).toString(), {}};
    if (present)
        profile.settings = ConnectionSettings::read(settings_, secrets_, profile.secretPrefix());
    settings_.endGroup();
    if (profile.isBuiltIn())
        return withFixedStorage(present ? profile : builtIn());
    return present ? std::optional(profile) : std::nullopt;
}

QList<ConnectionProfile> ConnectionProfiles::all() const
{
    settings_.beginGroup(kGroup);
    const QStringList ids = settings_.childGroups();
    settings_.endGroup();
    QList<ConnectionProfile> others;
    for (const QString &id : ids) {
        if (id == kBuiltInId)
            continue;
        if (auto profile = read(id))
            others << *profile;
    }
    std::sort(others.begin(), others.end(), [](const ConnectionProfile &a, const ConnectionProfile &b) {
        return a.name.localeAwareCompare(b.name) < 0;
    });
    return QList<ConnectionProfile>{*read(kBuiltInId)} + others;
}

std::optional<ConnectionProfile> ConnectionProfiles::byName(const QString &name) const
{
    for (const ConnectionProfile &profile : all()) {
        if (profile.name == name)
            return profile;
    }
    return std::nullopt;
}

ConnectionProfile ConnectionProfiles::current() const
{
    const QString id = settings_.value(kCurrent).toString();
    const auto profile = id.isEmpty() ? std::nullopt : read(id);
    return profile ? *profile : *read(kBuiltInId);
}

void ConnectionProfiles::setCurrent(const QString &id)
{
    settings_.setValue(kCurrent, id);
    PrivateFile::sync(settings_);
}

void ConnectionProfiles::saveAll(QList<ConnectionProfile> profiles)
{
    const auto builtInAt = std::find_if(profiles.begin(), profiles.end(), [](const auto &p) { return p.isBuiltIn(); });
    if (builtInAt == profiles.end())
        profiles.prepend(*read(kBuiltInId));
    else
        *builtInAt = withFixedStorage(*builtInAt);

    QStringList kept;
    for (const ConnectionProfile &profile : std::as_const(profiles))
        kept << profile.id;
    for (const ConnectionProfile &gone : all()) {
        if (kept.contains(gone.id))
            continue;
        for (const QString &key : ConnectionSettings::secretKeys(gone.secretPrefix()))
            secrets_.setPassword(key, {});
        settings_.remove(groupOf(gone.id));
        if (settings_.value(kCurrent).toString() == gone.id)
            settings_.remove(kCurrent);
    }
    for (const ConnectionProfile &profile : std::as_const(profiles)) {
        settings_.beginGroup(groupOf(profile.id));
        settings_.setValue(QStringLiteral("name"), profile.name.trimmed());
        profile.settings.write(settings_, secrets_, profile.secretPrefix());
        settings_.endGroup();
    }
    PrivateFile::sync(settings_);
}

bool ConnectionProfiles::migrate()
{
    // A file an older studio wrote may be readable by every local user.
    if (QFileInfo::exists(settings_.fileName()))
        PrivateFile::ensure(settings_.fileName());
    if (!settings_.contains(kOlderStudio + QStringLiteral("/embedded")))
        return false;
    // Its passwords move with it: not before the secret store has answered (the next start will).
    if (secrets_.place() == SecretStore::Place::Unknown)
        return false;
    settings_.beginGroup(kOlderStudio);
    ConnectionSettings saved = ConnectionSettings::read(settings_, secrets_, QString());
    // It knew two choices: the embedded pair, or PostgreSQL with Redis when a REDIS_URL was given.
    const bool embedded = settings_.value(QStringLiteral("embedded"), true).toBool();
    settings_.endGroup();
    saved.store = embedded ? ConnectionSettings::Store::Sqlite : ConnectionSettings::Store::Postgres;
    saved.cache = !embedded && !saved.redisUrl.trimmed().isEmpty() ? ConnectionSettings::Cache::Redis
                                                                    : ConnectionSettings::Cache::Memory;

    QList<ConnectionProfile> profiles = all();
    const ConnectionProfile migrated{newId(profiles), freeName(tr("Saved connection"), profiles), saved};
    profiles << migrated;
    saveAll(profiles);
    for (const QString &key : ConnectionSettings::secretKeys())
        secrets_.setPassword(key, {});
    settings_.remove(kOlderStudio);
    setCurrent(migrated.id);
    return true;
}

std::optional<Config> ConnectionProfiles::startupConfig(const Config &given, QString *error)
{
    migrate();
    return current().settings.toConfig(given, error);
}

QString ConnectionProfiles::nameProblem(const QString &name, const QString &id, const QList<ConnectionProfile> &profiles)
{
    const QString wanted = name.trimmed();
    if (wanted.isEmpty())
        return tr("A profile needs a name.");
    for (const ConnectionProfile &other : profiles) {
        if (other.id != id && other.name.trimmed().compare(wanted, Qt::CaseInsensitive) == 0)
            return tr("There is already a profile named “%1”: choose another name.").arg(other.name.trimmed());
    }
    return {};
}

QString ConnectionProfiles::problem(const QList<ConnectionProfile> &profiles, int *at)
{
    // The profile *at first: two of the same name are both wrong, the one being edited is meant.
    QList<int> order;
    if (*at >= 0 && *at < profiles.size())
        order << *at;
    for (int i = 0; i < profiles.size(); ++i)
        order << i;
    for (const int i : std::as_const(order)) {
        *at = i;
        const ConnectionProfile &profile = profiles.at(i);
        if (const QString why = nameProblem(profile.name, profile.id, profiles); !why.isEmpty())
            return why;
        QString why;
        if (!profile.settings.toConfig(&why))
            return tr("Profile “%1”: %2").arg(profile.name.trimmed(), why);
    }
    *at = -1;
    return {};
}

QString ConnectionProfiles::newId(const QList<ConnectionProfile> &profiles)
{
    int highest = 0;
    for (const ConnectionProfile &profile : profiles)
        highest = std::max(highest, profile.id.toInt());
    return QString::number(highest + 1);
}

QString ConnectionProfiles::freeName(const QString &base, const QList<ConnectionProfile> &profiles)
{
    QString name = base;
    for (int n = 2; !nameProblem(name, QString(), profiles).isEmpty(); ++n)
        name = QStringLiteral("%1 %2").arg(base).arg(n);
    return name;
}

} // namespace adserve
