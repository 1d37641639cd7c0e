#include "SecretStore.h"

#include "PrivateFile.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace adserve {

namespace {

const QString kKeepInFile = QStringLiteral("secrets/keepInFile");

// A job of the secret store is not deleted before it finishes (the secret service answers it
// later, maybe after this store is gone): it belongs to no parent and deletes itself.
template<typename Job>
Job *newJob(const QString &service, const QString &key)
{
    auto *job = new Job(service);
    job->setKey(key);
    return job;
}

} // namespace

SecretStore::SecretStore(const QString &service, QObject *parent)
    : QObject(parent)
    , service_(service)
{
}

void SecretStore::load(const QStringList &keys)
{
    if (loadStarted_)
        return;
    loadStarted_ = true;
    // With nothing to read, one read still finds out whether a secret store runs.
    const QStringList reads = keys.isEmpty() ? QStringList{QStringLiteral("adserve-probe")} : keys;
    readsRunning_ = int(reads.size());
    for (const QString &key : reads) {
        auto *job = newJob<QKeychain::ReadPasswordJob>(service_, key);
        connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *done) { read(key, done); });
        job->start();
    }
}

void SecretStore::read(const QString &key, QKeychain::Job *job)
{
    if (job->error() == QKeychain::NoError && !unsaved_.contains(key))
        passwords_.insert(key, static_cast<QKeychain::ReadPasswordJob *>(job)->textData());
    else if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
        keychainError_ = job->errorString();
    if (--readsRunning_ > 0)
        return;
    if (!keychainError_.isEmpty()) {
        place_ = keepsInFile() ? Place::File : Place::Session;
        if (place_ == Place::File)
            readFile();
    } else {
        place_ = Place::Keychain;
    }
    save(); // what was set while loading goes where it belongs now
    Q_EMIT loaded();
}

bool SecretStore::waitForLoaded(std::chrono::milliseconds timeout)
{
    if (place_ != Place::Unknown)
        return true;
    QEventLoop loop;
    connect(this, &SecretStore::loaded, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    loop.exec();
    return place_ != Place::Unknown;
}

QString SecretStore::describe() const
{
    switch (place_) {
    case Place::Unknown:
        return tr("Looking for the desktop's secret store…");
    case Place::Keychain:
        return tr("Passwords are kept in the desktop's secret store, never in the settings file.");
    case Place::Session:
        return tr("No secret store (GNOME Keyring, KWallet) is running: passwords are kept for this session "
                  "only, never on disk, and must be entered again after a restart.");
    case Place::File:
        return tr("No secret store (GNOME Keyring, KWallet) is running: passwords are kept in %1, which only "
                  "you can read.")
            .arg(filePath());
    }
    return {};
}

bool SecretStore::keepsInFile() const
{
    return QSettings().value(kKeepInFile, false).toBool();
}

void SecretStore::setKeepInFile(bool keep)
{
    QSettings settings;
    settings.setValue(kKeepInFile, keep);
    PrivateFile::sync(settings);
    if (!lacksSecretStore())
        return; // a running secret store is always used
    place_ = keep ? Place::File : Place::Session;
    if (keep)
        writeFile();
    else
        QFile::remove(filePath());
}

QString SecretStore::filePath() const
{
    // Next to the settings file: ~/.config/adserve/secrets.
    return QFileInfo(QSettings().fileName()).absolutePath() + QStringLiteral("/secrets");
}

void SecretStore::setPassword(const QString &key, const QString &password)
{
    if (passwords_.value(key) == password)
        return;
    if (password.isEmpty())
        passwords_.remove(key);
    else
        passwords_.insert(key, password);
    unsaved_.insert(key);
    save();
}

void SecretStore::save()
{
    switch (place_) {
    case Place::Unknown:
        return; // kept until load() knows where they go
    case Place::Keychain:
        for (const QString &key : std::as_const(unsaved_)) {
            const QString password = passwords_.value(key);
            QKeychain::Job *job = nullptr;
            if (password.isEmpty()) {
                job = newJob<QKeychain::DeletePasswordJob>(service_, key);
            } else {
                auto *write = newJob<QKeychain::WritePasswordJob>(service_, key);
                write->setTextData(password);
                job = write;
            }
            connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *done) {
                if (done->error() != QKeychain::NoError && done->error() != QKeychain::EntryNotFound)
                    Q_EMIT failed(tr("The password of %1 could not be kept in the secret store: %2")
                                      .arg(key, done->errorString()));
            });
            job->start();
        }
        break;
    case Place::File:
        writeFile();
        break;
    case Place::Session:
        break;
    }
    unsaved_.clear();
}

void SecretStore::readFile()
{
    QSettings file(filePath(), QSettings::IniFormat);
    for (const QString &key : file.childKeys()) {
        if (!unsaved_.contains(key))
            passwords_.insert(key, file.value(key).toString());
    }
}

void SecretStore::writeFile()
{
    QSettings file(filePath(), QSettings::IniFormat);
    file.clear();
    for (auto it = passwords_.cbegin(); it != passwords_.cend(); ++it)
        file.setValue(it.key(), it.value());
    if (!PrivateFile::sync(file))
        Q_EMIT failed(tr("The passwords could not be written to %1").arg(filePath()));
}

} // namespace adserve
