#include "ProfileForm.h"

#include "ConnectionTester.h"
#include "common/BackgroundJob.h"
#include "common/Tones.h"
#include "config/UrlPassword.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace adserve {

namespace {

void showOutcome(QLabel *label, const ConnectionTester::Outcome &outcome)
{
    label->setText((outcome.ok ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + outcome.message);
    Tones::setTextTone(label, outcome.ok ? Tones::Good : Tones::Bad);
}

// The URL typed into `url`, with the password from `password` unless the URL has its own.
QString withPassword(const QLineEdit *url, const QLineEdit *password)
{
    const UrlPassword typed = UrlPassword::split(url->text());
    return UrlPassword::join(typed.url, typed.password.isEmpty() ? password->text() : typed.password);
}

template<typename Widget>
Widget *named(Widget *widget, const char *name)
{
    widget->setObjectName(QLatin1String(name));
    return widget;
}

QLineEdit *passwordField(const char *name)
{
    auto *field = named(new QLineEdit, name);
    field->setEchoMode(QLineEdit::Password);
    return field;
}

QLabel *resultLabel(const char *name)
{
    auto *label = named(new QLabel, name);
    label->setWordWrap(true);
    return label;
}

} // namespace

ProfileForm::ProfileForm(QWidget *parent)
    : QWidget(parent)
    , storeBox_(new QGroupBox(tr("Store")))
    , cacheBox_(new QGroupBox(tr("Cache")))
    , fixedNote_(new QLabel(tr("The built-in profile always uses the SQLite file at its default place and the "
                               "in-memory cache. Duplicate it to choose others.")))
    , sqlite_(named(new QRadioButton(tr("SQLite file")), "storeSqlite"))
    , postgres_(named(new QRadioButton(tr("PostgreSQL")), "storePostgres"))
    , sqlitePath_(named(new QLineEdit, "sqlitePath"))
    , databaseUrl_(named(new QLineEdit, "databaseUrl"))
    , databasePassword_(passwordField("databasePassword"))
    , testDatabase_(named(new QPushButton(tr("Test")), "testDatabase"))
    , databaseResult_(resultLabel("databaseResult"))
    , memory_(named(new QRadioButton(tr("In-memory")), "cacheMemory"))
    , redis_(named(new QRadioButton(tr("Redis")), "cacheRedis"))
    , redisUrl_(named(new QLineEdit, "redisUrl"))
    , redisPassword_(passwordField("redisPassword"))
    , cluster_(named(new QCheckBox(tr("Redis Cluster")), "redisCluster"))
    , testCache_(named(new QPushButton(tr("Test")), "testCache"))
    , cacheResult_(resultLabel("cacheResult"))
    , batchSize_(named(new QSpinBox, "batchSize"))
    , ttl_(named(new QSpinBox, "cacheTtl"))
    , listen_(named(new QLineEdit, "listen"))
    , job_(new BackgroundJob(this))
{
    fixedNote_->setObjectName(QStringLiteral("builtInNote"));
    fixedNote_->setWordWrap(true);
    sqlitePath_->setPlaceholderText(Config::defaultSqlitePath());
    databaseUrl_->setPlaceholderText(QStringLiteral("postgres://user@host:5432/adserve"));
    redisUrl_->setPlaceholderText(QStringLiteral("redis://host:6379/0"));
    auto *memoryNote = new QLabel(tr("inside the studio; nothing to set up"));
    memoryNote->setEnabled(false);
    testDatabase_->setAutoDefault(false); // Enter is for the dialog's Connect
    testCache_->setAutoDefault(false);
    batchSize_->setRange(1, 100000);
    ttl_->setRange(1, 365 * 24 * 3600);
    ttl_->setSuffix(tr(" s"));

    // One grid per choice: the radio button, its address, its test button; password and
    // result under the address.
    auto *store = new QGridLayout(storeBox_);
    store->setColumnStretch(1, 1);
    store->addWidget(sqlite_, 0, 0);
    store->addWidget(sqlitePath_, 0, 1, 1, 2);
    store->addWidget(postgres_, 1, 0);
    store->addWidget(databaseUrl_, 1, 1);
    store->addWidget(testDatabase_, 1, 2);
    store->addWidget(new QLabel(tr("Password")), 2, 0, Qt::AlignRight);
    store->addWidget(databasePassword_, 2, 1);
    store->addWidget(databaseResult_, 3, 1, 1, 2);

    auto *cache = new QGridLayout(cacheBox_);
    cache->setColumnStretch(1, 1);
    cache->addWidget(memory_, 0, 0);
    cache->addWidget(memoryNote, 0, 1, 1, 2);
    cache->addWidget(redis_, 1, 0);
    cache->addWidget(redisUrl_, 1, 1);
    cache->addWidget(testCache_, 1, 2);
    cache->addWidget(new QLabel(tr("Password")), 2, 0, Qt::AlignRight);
    cache->addWidget(redisPassword_, 2, 1);
    cache->addWidget(cluster_, 3, 1);
    cache->addWidget(cacheResult_, 4, 1, 1, 2);

    // The two grids' fields line up.
    int choiceWidth = 0;
    for (QRadioButton *choice : {sqlite_, postgres_, memory_, redis_})
        choiceWidth = std::max(choiceWidth, choice->sizeHint().width());
    store->setColumnMinimumWidth(0, choiceWidth);
    cache->setColumnMinimumWidth(0, choiceWidth);

    auto *deliveryBox = new QGroupBox(tr("Delivery"));
    auto *delivery = new QFormLayout(deliveryBox);
    delivery->addRow(tr("Batch size"), batchSize_);
    delivery->addRow(tr("Cache TTL"), ttl_);
    delivery->addRow(tr("Listen address"), listen_);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(fixedNote_);
    layout->addWidget(storeBox_);
    layout->addWidget(cacheBox_);
    layout->addWidget(deliveryBox);
    layout->addStretch(1);

    for (QRadioButton *choice : {sqlite_, postgres_, memory_, redis_})
        connect(choice, &QRadioButton::toggled, this, &ProfileForm::updateEnabled);
    connect(testDatabase_, &QPushButton::clicked, this, &ProfileForm::testDatabase);
    connect(testCache_, &QPushButton::clicked, this, &ProfileForm::testCache);
    connect(job_, &BackgroundJob::finished, this, &ProfileForm::updateEnabled);
    setSettings({}, false);
}

void ProfileForm::setSettings(const ConnectionSettings &s, bool fixedStorage)
{
    job_->abandon(); // its result would be about other settings
    const UrlPassword database = UrlPassword::split(s.databaseUrl);
    const UrlPassword redis = UrlPassword::split(s.redisUrl);
    (s.store == ConnectionSettings::Store::Postgres ? postgres_ : sqlite_)->setChecked(true);
    (s.cache == ConnectionSettings::Cache::Redis ? redis_ : memory_)->setChecked(true);
    sqlitePath_->setText(s.sqlitePath);
    databaseUrl_->setText(database.url);
    databasePassword_->setText(database.password);
    redisUrl_->setText(redis.url);
    redisPassword_->setText(redis.password);
    cluster_->setChecked(s.redisCluster);
    batchSize_->setValue(s.batchSize);
    ttl_->setValue(s.cacheTtlSeconds);
    listen_->setText(s.listen);
    databaseResult_->clear();
    cacheResult_->clear();
    fixedNote_->setVisible(fixedStorage);
    storeBox_->setEnabled(!fixedStorage);
    cacheBox_->setEnabled(!fixedStorage);
    updateEnabled();
}

ConnectionSettings ProfileForm::settings() const
{
    ConnectionSettings s;
    s.store = postgres_->isChecked() ? ConnectionSettings::Store::Postgres : ConnectionSettings::Store::Sqlite;
    s.cache = redis_->isChecked() ? ConnectionSettings::Cache::Redis : ConnectionSettings::Cache::Memory;
    s.sqlitePath = sqlitePath_->text().trimmed();
    s.databaseUrl = withPassword(databaseUrl_, databasePassword_);
    s.redisUrl = withPassword(redisUrl_, redisPassword_);
    s.redisCluster = cluster_->isChecked();
    s.batchSize = batchSize_->value();
    s.cacheTtlSeconds = ttl_->value();
    s.listen = listen_->text().trimmed();
    return s;
}

void ProfileForm::abandonTests()
{
    job_->abandon();
}

void ProfileForm::updateEnabled()
{
    const bool postgres = postgres_->isChecked();
    const bool redis = redis_->isChecked();
    sqlitePath_->setEnabled(!postgres);
    for (QWidget *w : std::initializer_list<QWidget *>{databaseUrl_, databasePassword_})
        w->setEnabled(postgres);
    for (QWidget *w : std::initializer_list<QWidget *>{redisUrl_, redisPassword_, cluster_})
        w->setEnabled(redis);
    testDatabase_->setEnabled(postgres && !job_->isRunning());
    testCache_->setEnabled(redis && !job_->isRunning());
}

void ProfileForm::testDatabase()
{
    QString why;
    const auto target = DatabaseTarget::fromDatabaseUrl(settings().databaseUrl, &why);
    if (!target) {
        showOutcome(databaseResult_, {false, why});
        return;
    }
    databaseResult_->setText(tr("testing…"));
    databaseResult_->setStyleSheet({});
    job_->start(tr("Testing the database"), [this, target = *target](JobControl &) -> BackgroundJob::Finish {
        const auto outcome = ConnectionTester::testDatabase(target);
        return [this, outcome] { showOutcome(databaseResult_, outcome); };
    });
    updateEnabled();
}

void ProfileForm::testCache()
{
    // Only the cache part of these settings is read.
    ConnectionSettings s;
    s.cache = ConnectionSettings::Cache::Redis;
    s.redisUrl = settings().redisUrl;
    s.redisCluster = cluster_->isChecked();
    QString why;
    const auto config = s.toConfig(&why);
    if (!config) {
        showOutcome(cacheResult_, {false, why});
        return;
    }
    cacheResult_->setText(tr("testing…"));
    cacheResult_->setStyleSheet({});
    job_->start(tr("Testing the cache"), [this, cache = config->cache](JobControl &) -> BackgroundJob::Finish {
        const auto outcome = ConnectionTester::testCache(cache);
        return [this, outcome] { showOutcome(cacheResult_, outcome); };
    });
    updateEnabled();
}

} // namespace adserve
