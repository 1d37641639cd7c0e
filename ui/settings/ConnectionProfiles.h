#pragma once

#include "ConnectionSettings.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace adserve {

class SecretStore;

// A named set of connection settings the user can switch to.
struct ConnectionProfile
{
    QString id;   // stable across renames: the settings group and the passwords' keys
    QString name; // what the user sees and picks, unique
    ConnectionSettings settings;

    // The "Embedded" profile: always there, never deleted or renamed, always the SQLite file at
    // its default place and the in-memory cache, so there is always something that connects.
    bool isBuiltIn() const;
    // The prefix of the keys its passwords are kept under in a SecretStore.
    QString secretPrefix() const;
    bool operator==(const ConnectionProfile &) const = default;
};

// The connection profiles remembered between runs, and which one was used last. Each profile
// is a group "profiles/<id>" of the studio's settings file (mode 0600, no passwords); its
// passwords are in the SecretStore under "profile-<id>.DATABASE_URL" and "….REDIS_URL".
class ConnectionProfiles
{
public:
    ConnectionProfiles(QSettings &settings, SecretStore &secrets);

    static ConnectionProfile builtIn();
    // Every key a password of a remembered profile (or of an older studio's connection) may be
    // kept under: what SecretStore::load() must read before profiles are.
    static QStringList secretKeys(QSettings &settings);

    // An older studio remembered one connection (group "connection"): it becomes the profile
    // "Saved connection", the one used last, its passwords moved to the profile's keys. True
    // when there was one; left for later while the secret store has not answered.
    bool migrate();
    // The built-in profile first, then the others by name.
    QList<ConnectionProfile> all() const;
    std::optional<ConnectionProfile> byName(const QString &name) const;
    // The profile used last (the built-in one when none was, or it is gone).
    ConnectionProfile current() const;
    void setCurrent(const QString &id);
    // Keeps exactly `profiles`: the built-in one is added when missing (keeping its fixed
    // store and cache), a profile left out is removed with its passwords. Call valid() first.
    void saveAll(QList<ConnectionProfile> profiles);
    // What the start-up opens: migrate(), then the profile used last laid over `given`.
    std::optional<Config> startupConfig(const Config &given, QString *error);

    // Why `name` cannot name the profile `id` among `profiles`, in words (empty: it can).
    static QString nameProblem(const QString &name, const QString &id, const QList<ConnectionProfile> &profiles);
    // The first problem of `profiles` (a bad name or setting), naming the profile, looking at the
    // one at index *at first (-1: none); the index of the profile at fault in `at`.
    static QString problem(const QList<ConnectionProfile> &profiles, int *at);
    // An id no profile of `profiles` has.
    static QString newId(const QList<ConnectionProfile> &profiles);
    // `base`, or "`base` 2", "`base` 3"…: the first no profile of `profiles` is named.
    static QString freeName(const QString &base, const QList<ConnectionProfile> &profiles);

private:
    std::optional<ConnectionProfile> read(const QString &id) const;

    QSettings &settings_;
    SecretStore &secrets_;
};

} // namespace adserve
