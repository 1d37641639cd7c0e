#include "SettingsDialog.h"

#include "ConnectionTester.h"
#include "SecretStore.h"
#include "common/BackgroundJob.h"
#include "config/UrlPassword.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace adserve {

namespace {

void showOutcome(QLabel *label, const ConnectionTester::Outcome &outcome)
{
    label->setText((outcome.ok ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + outcome.message);
    label->setStyleSheet(outcome.ok ? QStringLiteral("color: #1b7f2a") : QStringLiteral("color: #b00020"));
}

// The URL typed into `url`, with the password from `password` unless the URL has its own.
QString withPassword(const QLineEdit *url, const QLineEdit *password)
{
    const UrlPassword typed = UrlPassword::split(url->text());
    return UrlPassword::join(typed.url, typed.password.isEmpty() ? password->text() : typed.password);
}

QLineEdit *passwordField(const QString &password, const QString &name)
{
    auto *field = new QLineEdit(password);
    field->setEchoMode(QLineEdit::Password);
    field->setObjectName(name);
    return field;
}

} // namespace

SettingsDialog::SettingsDialog(const ConnectionSettings &current, const SecretStore &secrets, QWidget *parent)
    : QDialog(parent)
    , embedded_(new QRadioButton(tr("Embedded: SQLite file and in-memory cache")))
    , external_(new QRadioButton(tr("PostgreSQL and Redis")))
    , sqlitePath_(new QLineEdit(current.sqlitePath))
    , externalBox_(new QGroupBox(tr("Servers")))
    , databaseUrl_(new QLineEdit(UrlPassword::split(current.databaseUrl).url))
    , redisUrl_(new QLineEdit(UrlPassword::split(current.redisUrl).url))
    , databasePassword_(passwordField(UrlPassword::split(current.databaseUrl).password, QStringLiteral("databasePassword")))
    , redisPassword_(passwordField(UrlPassword::split(current.redisUrl).password, QStringLiteral("redisPassword")))
    , secretsPlace_(new QLabel)
    , keepInFile_(new QCheckBox(tr("Keep passwords in a file only you can read (%1)").arg(secrets.filePath())))
    , cluster_(new QCheckBox(tr("Redis Cluster")))
    , testDatabase_(new QPushButton(tr("Test")))
    , testCache_(new QPushButton(tr("Test")))
    , databaseResult_(new QLabel)
    , cacheResult_(new QLabel)
    , batchSize_(new QSpinBox)
    , ttl_(new QSpinBox)
    , listen_(new QLineEdit(current.listen))
    , error_(new QLabel)
    , job_(new BackgroundJob(this))
{
    setWindowTitle(tr("Connection settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    embedded_->setObjectName(QStringLiteral("embedded"));
    external_->setObjectName(QStringLiteral("external"));
    databaseUrl_->setObjectName(QStringLiteral("databaseUrl"));
    redisUrl_->setObjectName(QStringLiteral("redisUrl"));
    testDatabase_->setObjectName(QStringLiteral("testDatabase"));
    testCache_->setObjectName(QStringLiteral("testCache"));
    databaseResult_->setObjectName(QStringLiteral("databaseResult"));
    cacheResult_->setObjectName(QStringLiteral("cacheResult"));
    batchSize_->setObjectName(QStringLiteral("batchSize"));
    ttl_->setObjectName(QStringLiteral("cacheTtl"));
    listen_->setObjectName(QStringLiteral("listen"));
    error_->setObjectName(QStringLiteral("settingsError"));
    secretsPlace_->setObjectName(QStringLiteral("secretsPlace"));
    keepInFile_->setObjectName(QStringLiteral("keepPasswordsInFile"));

    (current.embedded ? embedded_ : external_)->setChecked(true);
    sqlitePath_->setPlaceholderText(Config::defaultSqlitePath());
    databaseUrl_->setPlaceholderText(QStringLiteral("postgres://user@host:5432/adserve"));
    redisUrl_->setPlaceholderText(QStringLiteral("redis://host:6379/0  (empty: in-memory cache)"));
    secretsPlace_->setWordWrap(true);
    keepInFile_->setChecked(secrets.keepsInFile());
    cluster_->setChecked(current.redisCluster);
    batchSize_->setRange(1, 100000);
    batchSize_->setValue(current.batchSize);
    ttl_->setRange(1, 365 * 24 * 3600);
    ttl_->setSuffix(tr(" s"));
    ttl_->setValue(current.cacheTtlSeconds);
    databaseResult_->setWordWrap(true);
    cacheResult_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #b00020"));
    error_->setWordWrap(true);

    auto *embeddedForm = new QFormLayout;
    embeddedForm->addRow(tr("SQLite file"), sqlitePath_);

    auto *databaseRow = new QHBoxLayout;
    databaseRow->addWidget(databaseUrl_, 1);
    databaseRow->addWidget(testDatabase_);
    auto *cacheRow = new QHBoxLayout;
    cacheRow->addWidget(redisUrl_, 1);
    cacheRow->addWidget(cluster_);
    cacheRow->addWidget(testCache_);
    auto *externalForm = new QFormLayout(externalBox_);
    externalForm->addRow(tr("DATABASE_URL"), databaseRow);
    externalForm->addRow(tr("Password"), databasePassword_);
    externalForm->addRow(QString(), databaseResult_);
    externalForm->addRow(tr("REDIS_URL"), cacheRow);
    externalForm->addRow(tr("Password"), redisPassword_);
    externalForm->addRow(QString(), cacheResult_);
    externalForm->addRow(QString(), secretsPlace_);
    externalForm->addRow(QString(), keepInFile_);

    auto *deliveryBox = new QGroupBox(tr("Delivery"));
    auto *deliveryForm = new QFormLayout(deliveryBox);
    deliveryForm->addRow(tr("Batch size"), batchSize_);
    deliveryForm->addRow(tr("Cache TTL"), ttl_);
    deliveryForm->addRow(tr("Listen address"), listen_);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(embedded_);
    layout->addLayout(embeddedForm);
    layout->addWidget(external_);
    layout->addWidget(externalBox_);
    layout->addWidget(deliveryBox);
    layout->addWidget(error_);
    layout->addWidget(buttons);

    connect(embedded_, &QRadioButton::toggled, this, &SettingsDialog::updateEnabled);
    connect(testDatabase_, &QPushButton::clicked, this, &SettingsDialog::testDatabase);
    connect(testCache_, &QPushButton::clicked, this, &SettingsDialog::testCache);
    connect(job_, &BackgroundJob::finished, this, &SettingsDialog::updateEnabled);
    connect(&secrets, &SecretStore::loaded, this, [this, &secrets] { showSecretsPlace(secrets); });
    showSecretsPlace(secrets);
    updateEnabled();
    resize(640, sizeHint().height());
}

ConnectionSettings SettingsDialog::settings() const
{
    ConnectionSettings s;
    s.embedded = embedded_->isChecked();
    s.sqlitePath = sqlitePath_->text().trimmed();
    s.databaseUrl = withPassword(databaseUrl_, databasePassword_);
    s.redisUrl = withPassword(redisUrl_, redisPassword_);
    s.redisCluster = cluster_->isChecked();
    s.batchSize = batchSize_->value();
    s.cacheTtlSeconds = ttl_->value();
    s.listen = listen_->text().trimmed();
    return s;
}

bool SettingsDialog::keepsPasswordsInFile() const
{
    return keepInFile_->isChecked();
}

void SettingsDialog::showSecretsPlace(const SecretStore &secrets)
{
    secretsPlace_->setText(secrets.describe());
    secretsPlace_->setToolTip(secrets.secretStoreError());
    keepInFile_->setVisible(secrets.lacksSecretStore()); // the choice only exists then
}

void SettingsDialog::updateEnabled()
{
    sqlitePath_->setEnabled(embedded_->isChecked());
    externalBox_->setEnabled(external_->isChecked());
    testDatabase_->setEnabled(!job_->isRunning());
    testCache_->setEnabled(!job_->isRunning());
}

void SettingsDialog::testDatabase()
{
    QString why;
    const auto target = DatabaseTarget::fromDatabaseUrl(settings().databaseUrl, &why);
    if (!target) {
        showOutcome(databaseResult_, {false, why});
        return;
    }
    databaseResult_->setText(tr("testing…"));
    job_->start(tr("Testing the database"), [this, target = *target](JobControl &) -> BackgroundJob::Finish {
        const auto outcome = ConnectionTester::testDatabase(target);
        return [this, outcome] { showOutcome(databaseResult_, outcome); };
    });
    updateEnabled();
}

void SettingsDialog::testCache()
{
    ConnectionSettings s = settings();
    if (s.redisUrl.isEmpty()) {
        showOutcome(cacheResult_, {true, tr("no REDIS_URL: the in-memory cache is used")});
        return;
    }
    s.embedded = false;
    s.databaseUrl = QStringLiteral("postgres://placeholder/db"); // only the cache part is tested
    QString why;
    const auto config = s.toConfig(&why);
    if (!config) {
        showOutcome(cacheResult_, {false, why});
        return;
    }
    cacheResult_->setText(tr("testing…"));
    job_->start(tr("Testing the cache"), [this, cache = config->cache](JobControl &) -> BackgroundJob::Finish {
        const auto outcome = ConnectionTester::testCache(cache);
        return [this, outcome] { showOutcome(cacheResult_, outcome); };
    });
    updateEnabled();
}

void SettingsDialog::accept()
{
    QString why;
    if (!settings().toConfig(&why)) {
        error_->setText(why);
        return;
    }
    QDialog::accept();
}

void SettingsDialog::done(int result)
{
    // A connection test still waiting for a dead server must not hold the window: its work
    // needs nothing of the dialog, so it is left to finish on its own.
    job_->abandon();
    QDialog::done(result);
}

} // namespace adserve
