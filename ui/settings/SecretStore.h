#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <chrono>

namespace QKeychain {
class Job;
}

namespace adserve {

// Keeps the passwords of the studio's connection profiles, one per key (profile-<id>.DATABASE_URL, …),
// out of its settings file: in the desktop's secret store (Secret Service or KWallet, through
// QtKeychain). Where none is running, they live in this session's memory only, or in a file
// only the user can read when the user agreed to that.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Place { Unknown, Keychain, Session, File };

    // `service`: the name the entries are stored under in the desktop's secret store.
    explicit SecretStore(const QString &service, QObject *parent = nullptr);

    // Reads the passwords of `keys` from where they are kept, in the background, and finds out
    // whether a secret store runs; emits loaded(). Only the first call does anything.
    void load(const QStringList &keys);
    // Waits for load() at most `timeout`; false when it has not finished by then. For start-up
    // only: the remembered connection needs its passwords before the first window opens, and
    // a locked secret store may ask the user to unlock it first.
    bool waitForLoaded(std::chrono::milliseconds timeout);
    Place place() const { return place_; }
    // Whether load() found no secret store running: passwords stay in the session or the file.
    bool lacksSecretStore() const { return place_ == Place::Session || place_ == Place::File; }
    // Where passwords go, in plain words for the settings dialog and the status bar.
    QString describe() const;
    // Why no secret store could be used, as the secret service said it (empty when one is used).
    QString secretStoreError() const { return keychainError_; }

    // Whether the user agreed to keep passwords in filePath() where no secret store runs.
    bool keepsInFile() const;
    void setKeepInFile(bool keep);
    QString filePath() const;

    QString password(const QString &key) const { return passwords_.value(key); }
    // Remembers `password` for `key` where passwords are kept; an empty one is forgotten.
    void setPassword(const QString &key, const QString &password);

Q_SIGNALS:
    void loaded();
    // A password could not be stored or removed: why, in plain words.
    void failed(const QString &why);

private:
    void read(const QString &key, QKeychain::Job *job);
    void save();
    void readFile();
    void writeFile();

    const QString service_;
    bool loadStarted_ = false;
    int readsRunning_ = 0;
    Place place_ = Place::Unknown;
    QString keychainError_;
    QHash<QString, QString> passwords_;
    QSet<QString> unsaved_; // set before load() knew where they go, or not yet written there
};

} // namespace adserve
