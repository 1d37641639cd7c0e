#include "TestCampaigns.h"
#include "StoreUnderTest.h"
#include "TestPostgres.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"
#include "store/ConnectionPool.h"
#include "store/Schema.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTimeZone>
#include <QtConcurrent>

using namespace adserve;
using adserve::test::campaign;
using adserve::test::rule;

namespace {

QStringList codes(const QList<Campaign> &campaigns)
{
    QStringList result;
    for (const Campaign &c : campaigns)
        result.append(c.code);
    return result;
}

QList<qint64> idsOf(const QList<Campaign> &campaigns)
{
    QList<qint64> result;
    for (const Campaign &c : campaigns)
        result.append(c.id);
    return result;
}

} // namespace

// The campaign store's contract, run once per backend (see main()).
class CampaignStoreTest : public QObject
{
    Q_OBJECT
public:
    explicit CampaignStoreTest(TestPostgres *postgres) : db_(postgres) {}

private Q_SLOTS:
    void init();
    void cleanup();

    void schemaCreationIsIdempotent();
    void opensADatabaseOfTheGoService();
    void seedsSamplesOnlyIntoANewEmbeddedDatabase();
    void createReadsBackWithRules();
    void createNamesRulesWithoutCode();
    void ruleValuesRoundTripExactly();
    void invalidCampaignWritesNothing_data();
    void invalidCampaignWritesNothing();
    void duplicateCodeIsAConflict();
    void updateReplacesTheRuleSet();
    void updateWithStaleTimestampIsAConflict();
    void updatedAtChangesOnEveryWrite();
    void setStatusAndRemove();
    void ruleOperations();
    void missingCampaignsAreNotFound();
    void campaignsByIdsSkipsMissingIds();
    void targetingHasLiveCampaignsAndRules();
    void knownValuesPerDimension();
    void insertManyIsAllOrNothingOnInvalidInput();
    void insertManyReportsProgressAndCancels();
    void everyThreadUsesItsOwnConnection();
    void ownWritesAreAnnounced();
    void generatorFillsTheStore();
    void streamedTargetingIsTheTargeting();
    void unreachableDatabaseIsUnavailableQuickly();
    void survivesAServerRestart();

private:
    bool isPostgres() const { return db_.isPostgres(); }
    std::unique_ptr<CampaignStore> openStore() { return db_.open(); }
    // Starts `server`, a PostgreSQL of the test's own, and opens store_ on it.
    bool openOwnServer(TestPostgres &server);
    QSqlDatabase rawConnection() { return db_.raw(); }
    qint64 scalar(const QString &sql) { return db_.scalar(sql); }

    StoreUnderTest db_;
    std::unique_ptr<CampaignStore> store_;
};

void CampaignStoreTest::init()
{
    QString error;
    QVERIFY2(db_.fresh(&error), qPrintable(error)); // each test gets a database of its own
}

void CampaignStoreTest::cleanup()
{
    store_.reset();
    db_.closeRaw();
}

bool CampaignStoreTest::openOwnServer(TestPostgres &server)
{
    QString error;
    if (!server.start(&error)) {
        qWarning("cannot start PostgreSQL: %s", qPrintable(error));
        return false;
    }
    db_.setTarget(*DatabaseTarget::fromDatabaseUrl(server.databaseUrl(), &error));
    store_ = openStore();
    return bool(store_);
}

void CampaignStoreTest::schemaCreationIsIdempotent()
{
    store_ = openStore();
    QVERIFY(store_);
    QVERIFY(store_->create(campaign(QStringLiteral("kept"), {rule(Dimension::Os, RuleType::Include, {"Android"})})).ok());
    auto second = openStore(); // while the first is open
    QVERIFY(second);
    second.reset();
    store_.reset();
    store_ = openStore();
    QVERIFY(store_);
    QCOMPARE(codes(store_->campaigns().value).count(QStringLiteral("kept")), 1);
    QCOMPARE(store_->targeting().value.last().rules.size(), 1);
    if (isPostgres()) {
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE tablename = 'target_rules'")), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'adserve_%'")), 8);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'adserve_%_log_%'")), 8);
    } else {
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                       "AND tbl_name = 'target_rules' AND sql IS NOT NULL")),
                 1);
        QSqlQuery mode(rawConnection());
        QVERIFY(mode.exec(QStringLiteral("PRAGMA journal_mode")) && mode.next());
        QCOMPARE(mode.value(0).toString(), QStringLiteral("wal"));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT value FROM adserve_meta WHERE key = 'schema_version'")), Schema::kVersion);
}

void CampaignStoreTest::opensADatabaseOfTheGoService()
{
    // The tables as the Go service creates them, with its rows, before adserve ever opens it.
    QSqlDatabase raw = rawConnection();
    QVERIFY(raw.isOpen());
    QSqlQuery q(raw);
    const QStringList setup = isPostgres()
        ? QStringList{
              QStringLiteral("CREATE TABLE campaigns (id BIGSERIAL PRIMARY KEY, code TEXT UNIQUE NOT NULL, name TEXT, "
                             "image TEXT, cta TEXT, status TEXT NOT NULL DEFAULT 'ACTIVE', created_at TIMESTAMPTZ, "
                             "updated_at TIMESTAMPTZ, deleted BOOLEAN NOT NULL DEFAULT false, deleted_at TIMESTAMPTZ)"),
              QStringLiteral("CREATE TABLE target_rules (id BIGSERIAL PRIMARY KEY, code TEXT, campaign_id BIGINT "
                             "REFERENCES campaigns(id), dimension TEXT NOT NULL, rule_type TEXT NOT NULL, "
                             "\"values\" TEXT[] NOT NULL, created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, "
                             "deleted BOOLEAN, deleted_at TIMESTAMPTZ)"),
              QStringLiteral("INSERT INTO campaigns (code, name, image, cta, created_at, updated_at) VALUES "
                             "('go-1', 'From Go', 'https://go/1', 'Open', now(), now()), "
                             "('go-2', 'Also Go', 'https://go/2', 'Play', now(), clock_timestamp())"),
              QStringLiteral("INSERT INTO target_rules (code, campaign_id, dimension, rule_type, \"values\", created_at, "
                             "updated_at) VALUES ('r1', 1, 'country', 'INCLUDE', '{US,\"Costa Rica\"}', now(), now())")}
        : QStringList{
              QStringLiteral("CREATE TABLE campaigns (id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, name TEXT, "
                             "image TEXT, cta TEXT, status TEXT NOT NULL DEFAULT 'ACTIVE', created_at TEXT, "
                             "updated_at TEXT, deleted BOOLEAN NOT NULL DEFAULT 0, deleted_at TEXT)"),
              QStringLiteral("CREATE TABLE target_rules (id INTEGER PRIMARY KEY, code TEXT, campaign_id INTEGER "
                             "REFERENCES campaigns(id), dimension TEXT NOT NULL, rule_type TEXT NOT NULL, "
                             "\"values\" TEXT NOT NULL, created_at TEXT, updated_at TEXT, deleted BOOLEAN, "
                             "deleted_at TEXT)"),
              QStringLiteral("INSERT INTO campaigns (code, name, image, cta, created_at, updated_at) VALUES "
                             "('go-1', 'From Go', 'https://go/1', 'Open', '2024-05-01 10:00:00', '2024-05-01 10:00:00'), "
                             "('go-2', 'Also Go', 'https://go/2', 'Play', '2024-05-01 10:00:00', "
                             "'2024-05-01T10:00:00.123456Z')"),
              QStringLiteral("INSERT INTO target_rules (code, campaign_id, dimension, rule_type, \"values\", created_at, "
                             "updated_at) VALUES ('r1', 1, 'country', 'INCLUDE', '[\"US\",\"Costa Rica\"]', "
                             "'2024-05-01 10:00:00', '2024-05-01 10:00:00')")};
    for (const QString &sql : setup)
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));

    store_ = openStore();
    QVERIFY(store_);
    const auto all = store_->campaigns();
    QVERIFY2(all.ok(), qPrintable(all.message));
    QCOMPARE(codes(all.value), QStringList({QStringLiteral("go-1"), QStringLiteral("go-2")})); // no samples added
    QVERIFY(all.value.first().createdAt.isValid());
    const auto first = store_->campaign(1);
    QVERIFY2(first.ok(), qPrintable(first.message));
    QCOMPARE(first.value.rules.size(), 1);
    QCOMPARE(first.value.rules.first().values, QStringList({QStringLiteral("US"), QStringLiteral("Costa Rica")}));

    // Rows written by others (microsecond timestamps) still work with optimistic concurrency.
    auto second = store_->campaign(2);
    QVERIFY(second.ok());
    second.value.campaign.name = QStringLiteral("Edited by adserve");
    const auto updated = store_->update(second.value, second.value.campaign.updatedAt);
    QVERIFY2(updated.ok(), qPrintable(updated.message));
    QVERIFY(updated.value.campaign.updatedAt > second.value.campaign.updatedAt);

    // Its rows have no priority, flight or hours: they serve as before. adserve keeps them in
    // columns of their own, which the Go service's INSERTs (naming its columns) leave NULL.
    QCOMPARE(first.value.campaign.priority, 0);
    QVERIFY(first.value.campaign.serving.isAlways());
    second = store_->campaign(2);
    second.value.campaign.priority = 4;
    second.value.campaign.serving.flightStart = QDateTime(QDate(2026, 12, 24), QTime(9, 0), QTimeZone::utc());
    second.value.campaign.serving.dayParting =
        DayParting{*weekHoursFromText(QStringLiteral("1").repeated(24) + QStringLiteral("0").repeated(144)),
                   QByteArrayLiteral("America/New_York")};
    QVERIFY(store_->update(second.value, second.value.campaign.updatedAt).ok());
    QVERIFY2(q.exec(isPostgres() ? QStringLiteral("INSERT INTO campaigns (code, name, image, cta, created_at, updated_at) "
                                                  "VALUES ('go-3', 'Later Go', 'https://go/3', 'Open', now(), now())")
                                 : QStringLiteral("INSERT INTO campaigns (code, name, image, cta, created_at, updated_at) "
                                                  "VALUES ('go-3', 'Later Go', 'https://go/3', 'Open', '2024-05-01 10:00:00', "
                                                  "'2024-05-01 10:00:00')")),
             qPrintable(q.lastError().text()));

    store_.reset();
    store_ = openStore(); // and once more: nothing added twice
    QVERIFY(store_);
    QCOMPARE(store_->campaigns().value.size(), 3);
    if (isPostgres())
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE tablename = 'target_rules'")), 2);
    const Campaign timed = store_->campaign(2).value.campaign;
    QCOMPARE(timed.priority, 4);
    QCOMPARE(timed.serving, second.value.campaign.serving);
    QVERIFY(store_->campaign(3).value.campaign.serving.isAlways());
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE priority IS NULL AND serving_hours IS NULL")), 2);
}

void CampaignStoreTest::seedsSamplesOnlyIntoANewEmbeddedDatabase()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto targeting = store_->targeting();
    QVERIFY(targeting.ok());
    if (isPostgres()) {
        QVERIFY(targeting.value.isEmpty()); // PostgreSQL is never seeded
        return;
    }
    QCOMPARE(targeting.value.size(), 3);
    const CampaignWithRules &spotify = targeting.value.at(0);
    QCOMPARE(spotify.campaign.id, 1);
    QCOMPARE(spotify.campaign.code, QStringLiteral("spotify"));
    QCOMPARE(spotify.campaign.name, QStringLiteral("Spotify - Music for everyone"));
    QCOMPARE(spotify.campaign.image, QStringLiteral("https://somelink"));
    QCOMPARE(spotify.campaign.cta, QStringLiteral("Download"));
    QCOMPARE(spotify.campaign.status, kStatusActive);
    QCOMPARE(spotify.rules.size(), 1);
    QCOMPARE(spotify.rules.at(0).dimension, Dimension::Country);
    QCOMPARE(spotify.rules.at(0).type, RuleType::Include);
    QCOMPARE(spotify.rules.at(0).values, QStringList({QStringLiteral("US"), QStringLiteral("Canada")}));

    const CampaignWithRules &duolingo = targeting.value.at(1);
    QCOMPARE(duolingo.campaign.id, 2);
    QCOMPARE(duolingo.campaign.code, QStringLiteral("duolingo"));
    QCOMPARE(duolingo.campaign.name, QStringLiteral("Duolingo: Best way to learn"));
    QCOMPARE(duolingo.campaign.image, QStringLiteral("https://somelink2"));
    QCOMPARE(duolingo.campaign.cta, QStringLiteral("Install"));
    QCOMPARE(duolingo.rules.size(), 2);
    QCOMPARE(duolingo.rules.at(0).dimension, Dimension::Os);
    QCOMPARE(duolingo.rules.at(0).values, QStringList({QStringLiteral("Android"), QStringLiteral("iOS")}));
    QCOMPARE(duolingo.rules.at(1).dimension, Dimension::Country);
    QCOMPARE(duolingo.rules.at(1).type, RuleType::Exclude);
    QCOMPARE(duolingo.rules.at(1).values, QStringList({QStringLiteral("US")}));

    const CampaignWithRules &subway = targeting.value.at(2);
    QCOMPARE(subway.campaign.id, 3);
    QCOMPARE(subway.campaign.code, QStringLiteral("subwaysurfer"));
    QCOMPARE(subway.campaign.name, QStringLiteral("Subway Surfer"));
    QCOMPARE(subway.campaign.image, QStringLiteral("https://somelink3"));
    QCOMPARE(subway.campaign.cta, QStringLiteral("Play"));
    QCOMPARE(subway.rules.size(), 2);
    QCOMPARE(subway.rules.at(0).values, QStringList({QStringLiteral("Android")}));
    QCOMPARE(subway.rules.at(1).dimension, Dimension::App);
    QCOMPARE(subway.rules.at(1).values, QStringList({QStringLiteral("com.gametion.ludokinggame")}));

    // Once the user emptied it, reopening does not bring the samples back.
    store_.reset();
    QSqlQuery q(rawConnection());
    QVERIFY(q.exec(QStringLiteral("DELETE FROM target_rules")));
    QVERIFY(q.exec(QStringLiteral("DELETE FROM campaigns")));
    store_ = openStore();
    QVERIFY(store_);
    QCOMPARE(store_->campaigns(true).value.size(), 0);
}

void CampaignStoreTest::createReadsBackWithRules()
{
    store_ = openStore();
    QVERIFY(store_);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    CampaignWithRules input = campaign(QStringLiteral("spring"),
                                       {rule(Dimension::Country, RuleType::Include, {"US", "DE"}),
                                        rule(Dimension::App, RuleType::Exclude, {"com.example.app"})});
    input.campaign.status = kStatusInactive;
    const auto created = store_->create(input);
    QVERIFY2(created.ok(), qPrintable(created.message));
    const Campaign &c = created.value.campaign;
    QVERIFY(c.id > 0);
    QCOMPARE(c.code, QStringLiteral("spring"));
    QCOMPARE(c.name, QStringLiteral("Campaign spring"));
    QCOMPARE(c.image, QStringLiteral("https://cdn.example.com/spring.png"));
    QCOMPARE(c.status, kStatusInactive);
    QVERIFY(!c.deleted);
    QVERIFY(c.createdAt >= before && c.createdAt <= QDateTime::currentDateTimeUtc());
    QCOMPARE(c.updatedAt, c.createdAt);
    QCOMPARE(c.createdAt.timeSpec(), Qt::UTC);
    QCOMPARE(created.value.rules.size(), 2);
    for (const TargetRule &r : created.value.rules) {
        QVERIFY(r.id > 0);
        QCOMPARE(r.campaignId, c.id);
        QCOMPARE(r.createdAt, c.createdAt);
    }

    const auto read = store_->campaign(c.id);
    QVERIFY(read.ok());
    QCOMPARE(read.value.campaign, c);
    QCOMPARE(read.value.rules, created.value.rules);
    QCOMPARE(read.value.rules.at(0).values, QStringList({QStringLiteral("US"), QStringLiteral("DE")}));
    QCOMPARE(read.value.rules.at(1).type, RuleType::Exclude);
}

void CampaignStoreTest::createNamesRulesWithoutCode()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("promo"),
                                                 {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                  rule(Dimension::Country, RuleType::Include, {"CA"}, "promo-country-include-1"),
                                                  rule(Dimension::Os, RuleType::Exclude, {"iOS"}),
                                                  rule(Dimension::App, RuleType::Include, {"a.b.c"}, "my-own")}));
    QVERIFY2(created.ok(), qPrintable(created.message));
    QStringList ruleCodes;
    for (const TargetRule &r : created.value.rules)
        ruleCodes.append(r.code);
    QCOMPARE(ruleCodes, QStringList({QStringLiteral("promo-country-include-2"), QStringLiteral("promo-country-include-1"),
                                     QStringLiteral("promo-os-exclude-1"), QStringLiteral("my-own")}));
}

void CampaignStoreTest::ruleValuesRoundTripExactly()
{
    store_ = openStore();
    QVERIFY(store_);
    const QStringList tricky{QStringLiteral("plain"), QStringLiteral("with space"), QStringLiteral("comma,inside"),
                             QStringLiteral("quote\"inside"), QStringLiteral("back\\slash"), QStringLiteral("{braces}"),
                             QStringLiteral("it's"), QStringLiteral("NULL"), QStringLiteral("Ünïcødé 日本"),
                             QStringLiteral("[\"json\"]")};
    const auto created = store_->create(campaign(QStringLiteral("tricky"), {rule(Dimension::App, RuleType::Include, tricky)}));
    QVERIFY2(created.ok(), qPrintable(created.message));
    QCOMPARE(store_->campaign(created.value.campaign.id).value.rules.first().values, tricky);
    const auto known = store_->knownValues(Dimension::App);
    QVERIFY(known.ok());
    for (const QString &value : tricky)
        QVERIFY2(known.value.contains(value), qPrintable(value));
}

using Change = std::function<void(CampaignWithRules &)>;
Q_DECLARE_METATYPE(Change)

void CampaignStoreTest::invalidCampaignWritesNothing_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<QString>("field");
    QTest::newRow("no code") << Change([](CampaignWithRules &c) { c.campaign.code.clear(); }) << "code";
    QTest::newRow("image not http") << Change([](CampaignWithRules &c) { c.campaign.image = QStringLiteral("file:///x"); })
                                    << "image";
    QTest::newRow("unknown status") << Change([](CampaignWithRules &c) { c.campaign.status = QStringLiteral("LIVE"); })
                                    << "status";
    QTest::newRow("third rule without values") << Change([](CampaignWithRules &c) { c.rules[2].values.clear(); })
                                               << "rules[2].values";
    QTest::newRow("rule with invalid dimension")
        << Change([](CampaignWithRules &c) { c.rules[1].dimension = static_cast<Dimension>(9); }) << "rules[1].dimension";
}

void CampaignStoreTest::invalidCampaignWritesNothing()
{
    QFETCH(Change, change);
    QFETCH(QString, field);
    store_ = openStore();
    QVERIFY(store_);
    const qint64 campaignsBefore = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    const qint64 rulesBefore = scalar(QStringLiteral("SELECT count(*) FROM target_rules"));
    QSignalSpy changed(store_.get(), &CampaignStore::campaignsChanged);
    CampaignWithRules c = campaign(QStringLiteral("bad"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                           rule(Dimension::Os, RuleType::Include, {"Android"}),
                                                           rule(Dimension::App, RuleType::Include, {"x.y.z"})});
    change(c);
    const auto created = store_->create(c);
    QCOMPARE(created.error, StoreError::Invalid);
    QVERIFY(!created.fieldErrors.isEmpty());
    QCOMPARE(created.fieldErrors.first().field, field);
    QVERIFY(created.message.contains(field));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), campaignsBefore);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules")), rulesBefore);

    // The same through update: the stored campaign stays as it was.
    const auto good = store_->create(campaign(QStringLiteral("good"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                                      rule(Dimension::Os, RuleType::Include, {"iOS"}),
                                                                      rule(Dimension::App, RuleType::Include, {"a.b"})}));
    QVERIFY(good.ok());
    CampaignWithRules edited = good.value;
    change(edited);
    edited.campaign.id = good.value.campaign.id;
    const auto updated = store_->update(edited);
    QCOMPARE(updated.error, StoreError::Invalid);
    QCOMPARE(updated.fieldErrors.first().field, field);
    const auto after = store_->campaign(good.value.campaign.id);
    QCOMPARE(after.value.campaign, good.value.campaign);
    QCOMPARE(after.value.rules, good.value.rules);
    QCOMPARE(changed.count(), 1); // only the good create
}

void CampaignStoreTest::duplicateCodeIsAConflict()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto first = store_->create(campaign(QStringLiteral("dup")));
    QVERIFY(first.ok());
    const auto again = store_->create(campaign(QStringLiteral("dup"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QCOMPARE(again.error, StoreError::Conflict);
    QVERIFY2(again.message.contains(QLatin1String("dup")), qPrintable(again.message));
    QCOMPARE(again.fieldErrors.first().field, QStringLiteral("code"));

    const auto other = store_->create(campaign(QStringLiteral("other")));
    QVERIFY(other.ok());
    CampaignWithRules renamed = other.value;
    renamed.campaign.code = QStringLiteral("dup");
    QCOMPARE(store_->update(renamed).error, StoreError::Conflict);

    // A deleted campaign keeps its code (the column is unique).
    QVERIFY(store_->remove(first.value.campaign.id).ok());
    QCOMPARE(store_->create(campaign(QStringLiteral("dup"))).error, StoreError::Conflict);
    QCOMPARE(store_->campaign(other.value.campaign.id).value.campaign.code, QStringLiteral("other"));
}

void CampaignStoreTest::updateReplacesTheRuleSet()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("c"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                                      rule(Dimension::Os, RuleType::Include, {"iOS"}),
                                                                      rule(Dimension::App, RuleType::Exclude, {"x.y"})}));
    QVERIFY(created.ok());
    const QList<TargetRule> before = created.value.rules;

    CampaignWithRules edit = created.value;
    edit.campaign.name = QStringLiteral("Renamed");
    edit.campaign.cta = QStringLiteral("Play");
    edit.rules = {before.at(0),                                          // unchanged, by id
                  rule(Dimension::Os, RuleType::Include, {"iOS"}),        // unchanged, without id
                  rule(Dimension::Country, RuleType::Exclude, {"FR"})};  // new; the app rule goes
    edit.rules[0].values = {QStringLiteral("US"), QStringLiteral("CA")};  // ...changed after all
    const auto updated = store_->update(edit);
    QVERIFY2(updated.ok(), qPrintable(updated.message));
    QCOMPARE(updated.value.campaign.name, QStringLiteral("Renamed"));
    QCOMPARE(updated.value.campaign.cta, QStringLiteral("Play"));
    QCOMPARE(updated.value.campaign.createdAt, created.value.campaign.createdAt);
    const QList<TargetRule> after = updated.value.rules;
    QCOMPARE(after.size(), 3);
    QCOMPARE(after.at(0).id, before.at(0).id);
    QCOMPARE(after.at(0).values, QStringList({QStringLiteral("US"), QStringLiteral("CA")}));
    QVERIFY(after.at(0).updatedAt > before.at(0).updatedAt);
    QCOMPARE(after.at(1), before.at(1)); // untouched
    QVERIFY(after.at(2).id > before.at(2).id);
    QCOMPARE(after.at(2).code, QStringLiteral("c-country-exclude-1"));
    // the removed rule is soft-deleted, not gone
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules WHERE deleted AND id = %1").arg(before.at(2).id)), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules WHERE deleted_at IS NOT NULL")), 1);
}

void CampaignStoreTest::updateWithStaleTimestampIsAConflict()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("occ")));
    QVERIFY(created.ok());
    CampaignWithRules mine = created.value;
    CampaignWithRules theirs = created.value;
    theirs.campaign.name = QStringLiteral("Theirs");
    const auto first = store_->update(theirs, created.value.campaign.updatedAt);
    QVERIFY2(first.ok(), qPrintable(first.message));
    mine.campaign.name = QStringLiteral("Mine");
    const auto second = store_->update(mine, created.value.campaign.updatedAt); // immediately after: same millisecond?
    QCOMPARE(second.error, StoreError::Conflict);
    QCOMPARE(store_->campaign(created.value.campaign.id).value.campaign.name, QStringLiteral("Theirs"));
    const auto retried = store_->update(mine, first.value.campaign.updatedAt);
    QVERIFY2(retried.ok(), qPrintable(retried.message));
    QCOMPARE(retried.value.campaign.name, QStringLiteral("Mine"));
    QVERIFY(store_->update(mine).ok()); // no expectation: last writer wins
}

void CampaignStoreTest::updatedAtChangesOnEveryWrite()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("quick")));
    QVERIFY(created.ok());
    QDateTime last = created.value.campaign.updatedAt;
    for (int i = 0; i < 20; ++i) { // far faster than one write per millisecond
        const auto status = store_->setStatus(created.value.campaign.id, i % 2 ? kStatusActive : kStatusInactive);
        QVERIFY2(status.ok(), qPrintable(status.message));
        QVERIFY(status.value.updatedAt > last);
        QCOMPARE(store_->campaign(created.value.campaign.id).value.campaign.updatedAt, status.value.updatedAt);
        last = status.value.updatedAt;
    }
}

void CampaignStoreTest::setStatusAndRemove()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("life"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;

    const auto paused = store_->setStatus(id, kStatusInactive);
    QVERIFY(paused.ok());
    QCOMPARE(paused.value.status, kStatusInactive);
    QCOMPARE(store_->campaign(id).value.campaign.status, kStatusInactive);
    const auto bad = store_->setStatus(id, QStringLiteral("PAUSED"));
    QCOMPARE(bad.error, StoreError::Invalid);
    QCOMPARE(bad.fieldErrors.first().field, QStringLiteral("status"));

    QVERIFY(store_->remove(id).ok());
    QCOMPARE(store_->campaign(id).error, StoreError::NotFound);
    QVERIFY(!codes(store_->campaigns().value).contains(QStringLiteral("life")));
    const auto withDeleted = store_->campaigns(true);
    const auto it = std::find_if(withDeleted.value.cbegin(), withDeleted.value.cend(),
                                 [id](const Campaign &c) { return c.id == id; });
    QVERIFY(it != withDeleted.value.cend());
    QVERIFY(it->deleted);
    QVERIFY(it->deletedAt.isValid());
    QCOMPARE(it->updatedAt, it->deletedAt);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules WHERE campaign_id = %1 AND deleted").arg(id)), 1);
    QCOMPARE(store_->remove(id).error, StoreError::NotFound);
    QCOMPARE(store_->setStatus(id, kStatusActive).error, StoreError::NotFound);
    QCOMPARE(store_->update(created.value).error, StoreError::NotFound);
}

void CampaignStoreTest::ruleOperations()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("rules")));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;

    const auto added = store_->addRule(id, rule(Dimension::Country, RuleType::Exclude, {"RU", "BY"}));
    QVERIFY2(added.ok(), qPrintable(added.message));
    QVERIFY(added.value.id > 0);
    QCOMPARE(added.value.campaignId, id);
    QCOMPARE(added.value.code, QStringLiteral("rules-country-exclude-1"));
    const auto afterAdd = store_->campaign(id);
    QCOMPARE(afterAdd.value.rules, QList<TargetRule>{added.value});
    QVERIFY(afterAdd.value.campaign.updatedAt > created.value.campaign.updatedAt); // the campaign changed too

    TargetRule changed = added.value;
    changed.values = {QStringLiteral("RU")};
    changed.code.clear(); // keeps its code
    const auto updated = store_->updateRule(id, changed);
    QVERIFY2(updated.ok(), qPrintable(updated.message));
    QCOMPARE(updated.value.code, added.value.code);
    QCOMPARE(store_->campaign(id).value.rules.first().values, QStringList{QStringLiteral("RU")});

    changed.values = {};
    const auto invalid = store_->updateRule(id, changed);
    QCOMPARE(invalid.error, StoreError::Invalid);
    QCOMPARE(invalid.fieldErrors.first().field, QStringLiteral("values"));

    TargetRule unknown = changed;
    unknown.id = 999999;
    unknown.values = {QStringLiteral("x")};
    QCOMPARE(store_->updateRule(id, unknown).error, StoreError::NotFound);
    QCOMPARE(store_->addRule(999999, unknown).error, StoreError::NotFound);
    QCOMPARE(store_->removeRule(id, 999999).error, StoreError::NotFound);

    QVERIFY(store_->removeRule(id, added.value.id).ok());
    QVERIFY(store_->campaign(id).value.rules.isEmpty());
    QCOMPARE(store_->removeRule(id, added.value.id).error, StoreError::NotFound);
}

void CampaignStoreTest::missingCampaignsAreNotFound()
{
    store_ = openStore();
    QVERIFY(store_);
    QCOMPARE(store_->campaign(424242).error, StoreError::NotFound);
    QCOMPARE(store_->remove(424242).error, StoreError::NotFound);
    CampaignWithRules ghost = campaign(QStringLiteral("ghost"));
    ghost.campaign.id = 424242;
    QCOMPARE(store_->update(ghost).error, StoreError::NotFound);
    QVERIFY(store_->ping().ok());
}

void CampaignStoreTest::campaignsByIdsSkipsMissingIds()
{
    store_ = openStore();
    QVERIFY(store_);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(store_->create(campaign(QStringLiteral("byid-%1").arg(i))).value.campaign.id);
    QVERIFY(store_->remove(ids[3]).ok());
    const auto found = store_->campaignsByIds({ids[4], 999999, ids[0], ids[3], ids[0]});
    QVERIFY2(found.ok(), qPrintable(found.message));
    QCOMPARE(idsOf(found.value), QList<qint64>({ids[0], ids[3], ids[4]}));
    QVERIFY(found.value.at(1).deleted); // deleted ones included, so callers can tell
    QVERIFY(store_->campaignsByIds({}).value.isEmpty());
    QVERIFY(store_->campaignsByIds({999998, 999999}).value.isEmpty());

    // A large batch is still one query, whatever the backend's parameter limit.
    QList<qint64> many;
    for (qint64 i = 1; i <= 5000; ++i)
        many.append(i);
    QVERIFY(store_->campaignsByIds(many).value.size() >= 5);
}

void CampaignStoreTest::targetingHasLiveCampaignsAndRules()
{
    store_ = openStore();
    QVERIFY(store_);
    const int samples = isPostgres() ? 0 : 3;
    const auto a = store_->create(campaign(QStringLiteral("ta"), {rule(Dimension::Os, RuleType::Include, {"iOS"}),
                                                                 rule(Dimension::App, RuleType::Include, {"a.b"})}));
    const auto b = store_->create(campaign(QStringLiteral("tb"), {rule(Dimension::Os, RuleType::Include, {"Android"})}));
    const auto c = store_->create(campaign(QStringLiteral("tc")));
    QVERIFY(a.ok() && b.ok() && c.ok());
    QVERIFY(store_->remove(b.value.campaign.id).ok());
    QVERIFY(store_->removeRule(a.value.campaign.id, a.value.rules.at(1).id).ok());
    QVERIFY(store_->setStatus(c.value.campaign.id, kStatusInactive).ok());

    const auto targeting = store_->targeting();
    QVERIFY(targeting.ok());
    QCOMPARE(targeting.value.size(), samples + 2);
    const CampaignWithRules &ta = targeting.value.at(samples);
    QCOMPARE(ta.campaign.code, QStringLiteral("ta"));
    QCOMPARE(ta.rules.size(), 1);
    QCOMPARE(ta.rules.first().values, QStringList{QStringLiteral("iOS")});
    const CampaignWithRules &tc = targeting.value.at(samples + 1);
    QCOMPARE(tc.campaign.status, kStatusInactive); // inactive ones are there: the index decides
    QVERIFY(tc.rules.isEmpty());
}

void CampaignStoreTest::knownValuesPerDimension()
{
    store_ = openStore();
    QVERIFY(store_);
    QVERIFY(store_->create(campaign(QStringLiteral("k1"), {rule(Dimension::Country, RuleType::Include, {"US", "de"}),
                                                          rule(Dimension::Os, RuleType::Include, {"iOS"})}))
                .ok());
    QVERIFY(store_->create(campaign(QStringLiteral("k2"), {rule(Dimension::Country, RuleType::Exclude, {"US", " FR "})}))
                .ok());
    const auto gone = store_->create(campaign(QStringLiteral("k3"), {rule(Dimension::Country, RuleType::Include, {"ZZ"})}));
    QVERIFY(store_->remove(gone.value.campaign.id).ok());
    const QStringList countries = store_->knownValues(Dimension::Country).value;
    QStringList expected{QStringLiteral("de"), QStringLiteral("FR"), QStringLiteral("US")};
    if (!isPostgres())
        expected = QStringList{QStringLiteral("Canada"), QStringLiteral("de"), QStringLiteral("FR"), QStringLiteral("US")};
    QCOMPARE(countries, expected);
    QVERIFY(store_->knownValues(Dimension::Os).value.contains(QStringLiteral("iOS")));
    QVERIFY(!store_->knownValues(Dimension::Os).value.contains(QStringLiteral("US")));
}

void CampaignStoreTest::insertManyIsAllOrNothingOnInvalidInput()
{
    store_ = openStore();
    QVERIFY(store_);
    const qint64 before = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    QList<CampaignWithRules> batch;
    for (int i = 0; i < 20; ++i)
        batch.append(campaign(QStringLiteral("many-%1").arg(i), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    batch[17].rules[0].values.clear();
    batch[12].campaign.code = QStringLiteral("many-3");
    const auto invalid = store_->insertMany(batch);
    QCOMPARE(invalid.error, StoreError::Invalid);
    QStringList fields;
    for (const FieldError &e : invalid.fieldErrors)
        fields.append(e.field);
    QCOMPARE(fields, QStringList({QStringLiteral("campaigns[12].code"), QStringLiteral("campaigns[17].rules[0].values")}));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), before);

    batch[17].rules[0].values = {QStringLiteral("Android")};
    batch[12].campaign.code = QStringLiteral("many-12");
    batch[5].campaign.deleted = true;
    const auto written = store_->insertMany(batch);
    QVERIFY2(written.ok(), qPrintable(written.message));
    QCOMPARE(written.value, 20);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), before + 20);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id "
                                   "WHERE c.code LIKE 'many-%' AND NOT r.deleted")),
             19);
    const auto again = store_->insertMany({campaign(QStringLiteral("fresh")), campaign(QStringLiteral("many-0"))});
    QCOMPARE(again.error, StoreError::Conflict); // the whole batch, "fresh" included, is rolled back
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code = 'fresh'")), 0);
}

void CampaignStoreTest::insertManyReportsProgressAndCancels()
{
    store_ = openStore();
    QVERIFY(store_);
    QList<CampaignWithRules> batch;
    for (int i = 0; i < 12000; ++i)
        batch.append(campaign(QStringLiteral("p-%1").arg(i), {rule(Dimension::Country, RuleType::Include, {"US"})}));
    QList<QPair<qint64, qint64>> reports;
    const auto result = store_->insertMany(batch, [&](qint64 done, qint64 total) {
        reports.append({done, total});
        return reports.size() < 2; // cancel after the second batch
    });
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(reports.size(), 2);
    QCOMPARE(reports.first().second, 12000);
    QCOMPARE(result.value, reports.last().first);
    QVERIFY(result.value < 12000);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code LIKE 'p-%'")), result.value);
}

void CampaignStoreTest::everyThreadUsesItsOwnConnection()
{
    store_ = openStore();
    QVERIFY(store_);
    rawConnection(); // counted among the connections before, not as one of the workers'
    const QStringList connectionsBefore = QSqlDatabase::connectionNames();
    QStringList failures;
    QMutex mutex;
    {
        QThreadPool threads;
        threads.setMaxThreadCount(6);
        QList<int> workers(12);
        std::iota(workers.begin(), workers.end(), 0);
        QtConcurrent::blockingMap(&threads, workers, [&](int worker) {
            for (int i = 0; i < 10; ++i) {
                const QString code = QStringLiteral("t%1-%2").arg(worker).arg(i);
                const auto created = store_->create(campaign(code, {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
                const auto read = created.ok() ? store_->campaign(created.value.campaign.id)
                                               : StoreResult<CampaignWithRules>::failureFrom(created);
                const auto all = store_->targeting();
                QMutexLocker lock(&mutex);
                if (!created.ok() || !read.ok() || read.value.campaign.code != code || !all.ok())
                    failures.append(code + u' ' + created.message + read.message + all.message);
            }
        });
        QVERIFY(QSqlDatabase::connectionNames().size() > connectionsBefore.size()); // one per worker thread
    } // the pool's threads end here, and with them their connections
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code LIKE 't%-%'")), 120);
    // A thread's connections go when the thread has ended, a moment after QThread::wait().
    QTRY_COMPARE(QSqlDatabase::connectionNames().size(), connectionsBefore.size());
}

void CampaignStoreTest::ownWritesAreAnnounced()
{
    store_ = openStore();
    QVERIFY(store_);
    QSignalSpy changed(store_.get(), &CampaignStore::campaignsChanged);
    const auto created = store_->create(campaign(QStringLiteral("loud")));
    QVERIFY(created.ok());
    QCOMPARE(changed.count(), 1); // synchronously, right after the commit
    const auto first = changed.first().at(0).value<StoreChange>();
    QCOMPARE(first.campaignIds, QList<qint64>{created.value.campaign.id});
    QCOMPARE(first.changeId, created.changeId);
    QVERIFY(created.changeId > 0);
    QCOMPARE(first.txns.size(), 1);
    const auto inactive = store_->setStatus(created.value.campaign.id, kStatusInactive);
    QVERIFY(inactive.changeId > created.changeId);
    QVERIFY(store_->addRule(created.value.campaign.id, rule(Dimension::Os, RuleType::Include, {"iOS"})).ok());
    QVERIFY(store_->remove(created.value.campaign.id).ok());
    QCOMPARE(changed.count(), 4);
    for (const QList<QVariant> &emission : std::as_const(changed))
        QCOMPARE(emission.at(0).value<StoreChange>().campaignIds, QList<qint64>{created.value.campaign.id});
    QVERIFY(store_->insertMany({campaign(QStringLiteral("m1")), campaign(QStringLiteral("m2"))}).ok());
    QCOMPARE(changed.count(), 5);
    QCOMPARE(changed.last().at(0).value<StoreChange>().campaignIds.size(), 2);
}

void CampaignStoreTest::streamedTargetingIsTheTargeting()
{
    store_ = openStore();
    QVERIFY(store_);
    // Generated campaigns have every mix: no rules, rules in some dimensions, inactive
    // ones; deleted campaigns and removed rules must stay out.
    QVERIFY(CampaignGenerator::generate(*store_, 3000, 7).ok());
    const auto all = store_->targeting();
    QVERIFY(all.ok());
    QVERIFY(store_->remove(all.value[10].campaign.id).ok());
    for (const TargetRule &rule : all.value[20].rules) // a campaign left with no rule at all
        QVERIFY(store_->removeRule(all.value[20].campaign.id, rule.id).ok());
    // Values the start-up read decodes itself, and one another tool wrote in a form it leaves
    // to the JSON parser (escapes); a rule in a dimension nobody knows stays out of both reads.
    const QStringList odd{QStringLiteral("Côte d’Ivoire"), QStringLiteral("a\"quoted\" one"),
                          QStringLiteral("back\\slash"), QStringLiteral("x, y"), QStringLiteral(" padded ")};
    const auto special = store_->create(campaign(QStringLiteral("odd-values"),
                                                 {rule(Dimension::Country, RuleType::Include, odd),
                                                  rule(Dimension::App, RuleType::Exclude, {QStringLiteral("com.a")})}));
    QVERIFY2(special.ok(), qPrintable(special.message));
    {
        QSqlQuery q(rawConnection());
        QVERIFY2(q.exec(QStringLiteral("INSERT INTO target_rules (code, campaign_id, dimension, rule_type, \"values\") "
                                       "VALUES ('by-hand', %1, 'device', 'INCLUDE', %2)")
                            .arg(special.value.campaign.id)
                            .arg(isPostgres() ? QStringLiteral("ARRAY['tablet']") : QStringLiteral("'[\"tablet\"]'"))),
                 qPrintable(q.lastError().text()));
    }
    // Both large reads (the index's, and the studio's with every field) against the store's
    // reads of one campaign, a statement and a QVariant per column.
    const auto whole = store_->targeting();
    QVERIFY2(whole.ok(), qPrintable(whole.message));
    const qint64 live = scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE NOT deleted"));

    QList<CampaignWithRules> streamed;
    qint64 begun = -1;
    const auto read = store_->forEachTargeting([&](qint64 campaigns) { begun = campaigns; streamed.clear(); },
                                               [&](const CampaignWithRules &c) { streamed.append(c); });
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(read.value, live);
    QCOMPARE(begun, live);
    QCOMPARE(streamed.size(), live);
    QCOMPARE(whole.value.size(), live);
    qsizetype withoutRules = 0;
    for (qsizetype i = 0; i < streamed.size(); ++i) {
        const CampaignWithRules &got = streamed[i];
        const auto one = store_->campaign(got.campaign.id);
        QVERIFY2(one.ok(), qPrintable(one.message));
        const CampaignWithRules &want = one.value;
        QCOMPARE(whole.value[i], want); // every field, the rules' times too
        QCOMPARE(got.campaign.id, want.campaign.id);
        QCOMPARE(got.campaign.code, want.campaign.code);
        QCOMPARE(got.campaign.status, want.campaign.status);
        QCOMPARE(got.campaign.deleted, false);
        QCOMPARE(got.campaign.priority, want.campaign.priority);
        QCOMPARE(got.campaign.serving, want.campaign.serving);
        QCOMPARE(got.rules.size(), want.rules.size());
        for (qsizetype r = 0; r < got.rules.size(); ++r) {
            QCOMPARE(got.rules[r].id, want.rules[r].id);
            QCOMPARE(got.rules[r].code, want.rules[r].code);
            QCOMPARE(got.rules[r].campaignId, want.campaign.id);
            QCOMPARE(got.rules[r].dimension, want.rules[r].dimension);
            QCOMPARE(got.rules[r].type, want.rules[r].type);
            QCOMPARE(got.rules[r].values, want.rules[r].values);
        }
        withoutRules += got.rules.isEmpty();
    }
    QVERIFY(withoutRules > 0);
    // The generator's campaigns have flights, day-parting and priorities, which both reads saw.
    QVERIFY(std::any_of(streamed.begin(), streamed.end(), [](const auto &c) { return c.campaign.serving.dayParting.has_value(); }));
    QVERIFY(std::any_of(streamed.begin(), streamed.end(), [](const auto &c) { return c.campaign.serving.flightEnd.isValid(); }));
    QVERIFY(std::any_of(streamed.begin(), streamed.end(), [](const auto &c) { return c.campaign.priority != 0; }));
    const CampaignWithRules &last = streamed.constLast();
    QCOMPARE(last.campaign.code, QStringLiteral("odd-values"));
    QCOMPARE(last.rules.size(), 2); // the "device" rule left out
    QCOMPARE(last.rules.first().values, special.value.rules.first().values); // as written
    QVERIFY(last.rules.first().values.contains(QStringLiteral("a\"quoted\" one")));
    QVERIFY(last.rules.first().values.contains(QStringLiteral("back\\slash")));
    QVERIFY(last.rules.first().values.contains(QStringLiteral("Côte d’Ivoire")));
}

void CampaignStoreTest::generatorFillsTheStore()
{
    store_ = openStore();
    QVERIFY(store_);
    const qint64 before = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    QList<qint64> progress;
    const auto generated = CampaignGenerator::generate(*store_, 7000, 42, [&](qint64 done, qint64 total) {
        progress.append(done);
        return total == 7000;
    });
    QVERIFY2(generated.ok(), qPrintable(generated.message));
    QCOMPARE(generated.value, 7000);
    QCOMPARE(progress, QList<qint64>({5000, 7000}));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), before + 7000);
    const qint64 inactive = scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE status = 'INACTIVE' AND code LIKE 'gen-42-%'"));
    const qint64 deleted = scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE deleted AND code LIKE 'gen-42-%'"));
    QVERIFY2(inactive > 560 && inactive < 840, qPrintable(QString::number(inactive)));
    QVERIFY2(deleted > 140 && deleted < 280, qPrintable(QString::number(deleted)));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id "
                                   "WHERE c.deleted AND NOT r.deleted")),
             0);

    // Same seed again: the same codes, so every one is taken.
    QCOMPARE(CampaignGenerator::generate(*store_, 10, 42).error, StoreError::Conflict);
    // And what was stored is what the generator makes.
    CampaignGenerator generator(42, QDate::currentDate());
    const CampaignWithRules first = generator.next();
    const auto stored = store_->campaignsByIds({scalar(QStringLiteral("SELECT id FROM campaigns WHERE code = 'gen-42-1'"))});
    QVERIFY(stored.ok());
    QCOMPARE(stored.value.first().code, first.campaign.code);
    QCOMPARE(stored.value.first().name, first.campaign.name);
}

void CampaignStoreTest::unreachableDatabaseIsUnavailableQuickly()
{
    if (!isPostgres()) {
        QString error;
        QVERIFY(!CampaignStore::open(DatabaseTarget::sqlite(QStringLiteral("/dev/null/adserve.sqlite")), &error));
        QVERIFY2(error.contains(QLatin1String("/dev/null")), qPrintable(error));
        QTemporaryDir dir;
        QFile junk(dir.filePath(QStringLiteral("junk.sqlite")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(8192, 'x'));
        junk.close();
        QVERIFY(!CampaignStore::open(DatabaseTarget::sqlite(junk.fileName()), &error));
        QVERIFY2(!error.isEmpty(), qPrintable(error));
        return;
    }
    TestPostgres doomed;
    QVERIFY(openOwnServer(doomed));
    const auto created = store_->create(campaign(QStringLiteral("before-outage")));
    QVERIFY(created.ok());
    doomed.stop();

    QElapsedTimer timer;
    timer.start();
    const auto read = store_->campaigns();
    QCOMPARE(read.error, StoreError::Unavailable);
    QVERIFY(!read.message.isEmpty());
    const auto write = store_->create(campaign(QStringLiteral("during-outage")));
    QCOMPARE(write.error, StoreError::Unavailable);
    QCOMPARE(store_->ping().error, StoreError::Unavailable);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));

    // Nobody listens on the address now: opening fails fast too, with the server's words.
    timer.restart();
    QString error;
    QVERIFY(!CampaignStore::open(db_.target(), &error));
    QVERIFY2(error.contains(QLatin1String("127.0.0.1")), qPrintable(error));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    store_.reset();
}

void CampaignStoreTest::survivesAServerRestart()
{
    if (!isPostgres())
        QSKIP("an embedded file does not restart");
    TestPostgres server;
    QVERIFY(openOwnServer(server));
    const auto created = store_->create(campaign(QStringLiteral("steady")));
    QVERIFY(created.ok());

    QString error;
    QVERIFY2(server.restart(&error), qPrintable(error));
    // The next call finds its connection broken, reconnects and succeeds: callers never see it.
    const auto read = store_->campaigns();
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(codes(read.value), QStringList{QStringLiteral("steady")});
    store_.reset();
    db_.closeRaw();
}

class SqliteCampaignStoreTest : public CampaignStoreTest
{
    Q_OBJECT
public:
    SqliteCampaignStoreTest() : CampaignStoreTest(nullptr) {}
};

class PostgresCampaignStoreTest : public CampaignStoreTest
{
    Q_OBJECT
public:
    explicit PostgresCampaignStoreTest(TestPostgres *postgres) : CampaignStoreTest(postgres) {}
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    return runOnBothStores<SqliteCampaignStoreTest, PostgresCampaignStoreTest>(argc, argv);
}

#include "tst_campaignstore.moc"
