// Durable propagation: instances over one PostgreSQL apply every change in the change log,
// in order, exactly once, whoever made it, however it was announced: a re-read blocked by a
// lock is retried until it succeeds (stale meanwhile, and saying so), a notification missed
// while the listener was cut off is caught up by the period, out-of-order commits are not
// skipped, and a log pruned past an instance or a TRUNCATE makes it reload everything; an
// instance's own bulk edit, longer than a page of the log, is not read again whole.
#include "Engine.h"
#include "changes/BulkEdit.h"
#include "changes/ChangeSettings.h"
#include "store/CampaignGenerator.h"
#include "TestCampaigns.h"
#include "TestPostgres.h"
#include "http/HttpServerPool.h"
#include "store/ConnectionPool.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>
#include <future>

using namespace adserve;

namespace {

const TargetingQuery kFranceAndroid = TargetingQuery::from(QStringLiteral("FR"), QStringLiteral("android"), QStringLiteral("app.one"));

// A connection of the test's own, as psql or a migration would have; closed when it goes.
class SqlClient
{
public:
    SqlClient(const DatabaseTarget &target, const QString &name) : name_(name)
    {
        QString error;
        db_ = ConnectionPool::open(target, name_, &error);
        if (!db_.isOpen())
            qWarning("%s: %s", qPrintable(name_), qPrintable(error));
        QSqlQuery(db_).exec(QStringLiteral("SET statement_timeout = 0"));
    }
    ~SqlClient()
    {
        db_ = QSqlDatabase();
        ConnectionPool::close(name_);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery query(db_);
        if (query.exec(sql))
            return true;
        qWarning("%s: %s: %s", qPrintable(name_), qPrintable(sql), qPrintable(query.lastError().text()));
        return false;
    }
    qint64 scalar(const QString &sql)
    {
        QSqlQuery query(db_);
        return query.exec(sql) && query.next() ? query.value(0).toLongLong() : -1;
    }

private:
    const QString name_;
    QSqlDatabase db_;
};

bool matches(Engine &engine, qint64 campaignId, const TargetingQuery &query = kFranceAndroid)
{
    const std::vector<qint64> ids = engine.matcher().snapshot()->match(query);
    return std::find(ids.cbegin(), ids.cend(), campaignId) != ids.cend();
}

// Which of `ids` a request from France on Android gets.
QList<qint64> served(Engine &engine, const QList<qint64> &ids)
{
    QList<qint64> found;
    for (qint64 id : engine.matcher().snapshot()->match(kFranceAndroid))
        if (ids.contains(id))
            found.append(id);
    return found;
}

} // namespace

class ChangeFollowTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void aChangeBlockedByALockAppliesOnceItIsReleased();
    void changesMissedByACutListenerAreCaughtUp();
    void writersCommittingOutOfOrderAreAllApplied();
    void anUnrelatedLongTransactionHoldsNothingUp();
    void aLogPrunedPastAnInstanceMakesItReload();
    void emptyingATableMakesEveryInstanceReload();
    void ownWritesAreNotAppliedTwice();
    void anOwnBulkEditLongerThanAPageIsNotReadAgain();
    void anOwnWriteOfAnEighthOfTheStoreMakesAFreshIndex();

private:
    std::unique_ptr<Engine> openEngine(int changesPageSize = FollowerSettings().pageSize);
    QJsonObject readyz(HttpServerPool &server);

    TestPostgres postgres_;
    DatabaseTarget target_;
    int databaseNumber_ = 0;
    std::unique_ptr<Engine> a_;
    std::unique_ptr<Engine> b_;
    qint64 campaignId_ = 0;
};

void ChangeFollowTest::initTestCase()
{
    QString error;
    QVERIFY2(postgres_.start(&error), qPrintable(error));
}

void ChangeFollowTest::init()
{
    QString error;
    const QString url = postgres_.createDatabase(QStringLiteral("follow_%1").arg(++databaseNumber_), &error);
    QVERIFY2(!url.isEmpty(), qPrintable(error));
    target_ = *DatabaseTarget::fromDatabaseUrl(url, &error);
    a_ = openEngine();
    b_ = openEngine();
    QVERIFY(a_ && b_);
    const auto created = a_->store().create(
        test::campaign(QStringLiteral("followed"), {test::rule(Dimension::Country, RuleType::Include, {QStringLiteral("FR")})}));
    QVERIFY2(created.ok(), qPrintable(created.message));
    campaignId_ = created.value.campaign.id;
    QVERIFY(matches(*a_, campaignId_)); // the writer at once
    QTRY_VERIFY_WITH_TIMEOUT(matches(*b_, campaignId_), 5000);
}

void ChangeFollowTest::cleanup()
{
    a_.reset();
    b_.reset();
}

void ChangeFollowTest::cleanupTestCase()
{
    postgres_.stop();
}

std::unique_ptr<Engine> ChangeFollowTest::openEngine(int changesPageSize)
{
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("DATABASE_URL"), postgres_.urlFor(target_.database)},
                                              {QStringLiteral("DATABASE_QUERY_TIMEOUT_MS"), QStringLiteral("1000")},
                                              {QStringLiteral("CHANGES_POLL_MS"), QStringLiteral("300")},
                                              {QStringLiteral("CHANGES_PAGE_SIZE"), QString::number(changesPageSize)}},
                                             &error);
    if (!config) {
        qWarning("%s", qPrintable(error));
        return nullptr;
    }
    auto engine = Engine::create(*config, &error);
    if (!engine)
        qWarning("%s", qPrintable(error));
    return engine;
}

QJsonObject ChangeFollowTest::readyz(HttpServerPool &server)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(server.url() + QStringLiteral("/readyz"))));
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return body;
}

void ChangeFollowTest::aChangeBlockedByALockAppliesOnceItIsReleased()
{
    Metrics metrics;
    HttpApi api(*a_, metrics);
    HttpServerPool server(api);
    QString error;
    QVERIFY2(server.start(QHostAddress::LocalHost, 0, 1, &error), qPrintable(error));

    // A rule added by hand, and a migration that takes campaigns the moment it commits: the
    // instances hear of the rule, but cannot read the campaign again until the lock goes.
    SqlClient writer(target_, QStringLiteral("rule-writer"));
    QVERIFY(writer.exec(QStringLiteral("BEGIN")));
    QVERIFY(writer.exec(QStringLiteral("INSERT INTO target_rules (code, campaign_id, dimension, rule_type, \"values\") "
                                       "VALUES ('no-android', %1, 'os', 'EXCLUDE', '{Android}')").arg(campaignId_)));
    constexpr int kLockSeconds = 3;
    auto migration = std::async(std::launch::async, [&] {
        SqlClient migrator(target_, QStringLiteral("migration"));
        return migrator.exec(QStringLiteral("BEGIN")) && migrator.exec(QStringLiteral("LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE"))
               && migrator.exec(QStringLiteral("SELECT pg_sleep(%1)").arg(kLockSeconds)) && migrator.exec(QStringLiteral("COMMIT"));
    });
    SqlClient observer(target_, QStringLiteral("observer"));
    QTRY_COMPARE_WITH_TIMEOUT(observer.scalar(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                                             "AND relation = 'campaigns'::regclass")),
                              1, 5000); // the migration waits for the rule's transaction
    QVERIFY(writer.exec(QStringLiteral("COMMIT")));
    QElapsedTimer sinceCommit;
    sinceCommit.start();

    // While the lock holds: both still serve what they knew, and say they are stale.
    QTRY_VERIFY_WITH_TIMEOUT(a_->changes().status().stale() && b_->changes().status().stale(), 3000);
    QVERIFY(matches(*a_, campaignId_));
    QVERIFY(matches(*b_, campaignId_));
    QVERIFY(a_->changes().status().behindChanges >= 1);
    QVERIFY2(a_->changes().status().problem.contains(QLatin1String("1000 ms")), qPrintable(a_->changes().status().problem));
    const QJsonObject stale = readyz(server);
    QCOMPARE(stale.value(QStringLiteral("status")).toString(), QStringLiteral("stale"));
    QVERIFY(stale.value(QStringLiteral("changes")).toObject().value(QStringLiteral("behindChanges")).toInt() >= 1);
    QVERIFY(stale.value(QStringLiteral("changes")).toObject().value(QStringLiteral("lagSeconds")).toDouble() > 0);

    QVERIFY(migration.get());
    QElapsedTimer sinceRelease;
    sinceRelease.start();
    QVERIFY(sinceCommit.elapsed() >= kLockSeconds * 1000 - 500);
    // Once the lock is gone the change applies on both within two seconds, and stale ends.
    QTRY_VERIFY_WITH_TIMEOUT(!matches(*a_, campaignId_) && !matches(*b_, campaignId_), 2000);
    QVERIFY2(sinceRelease.elapsed() <= 2000, qPrintable(QString::number(sinceRelease.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!a_->changes().status().stale() && !b_->changes().status().stale(), 2000);
    QCOMPARE(readyz(server).value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
    QVERIFY(matches(*a_, campaignId_, TargetingQuery::from(QStringLiteral("FR"), QStringLiteral("ios"), QStringLiteral("x"))));
}

void ChangeFollowTest::changesMissedByACutListenerAreCaughtUp()
{
    SqlClient admin(target_, QStringLiteral("admin"));
    // Cut every instance's listening connection, then change at once: no notification reaches
    // anyone, and the period (300 ms here) finds the change anyway.
    QVERIFY(admin.scalar(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                        "WHERE query ILIKE 'LISTEN%'")) >= 2);
    QVERIFY(admin.exec(QStringLiteral("UPDATE campaigns SET status = 'INACTIVE' WHERE id = %1").arg(campaignId_)));
    QElapsedTimer timer;
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!matches(*a_, campaignId_) && !matches(*b_, campaignId_), 3000);
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    // And once the listeners are back (their health check), notifications work again.
    QTRY_COMPARE_WITH_TIMEOUT(admin.scalar(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'")),
                              2, 8000);
    QVERIFY(admin.exec(QStringLiteral("UPDATE campaigns SET status = 'ACTIVE' WHERE id = %1").arg(campaignId_)));
    QTRY_VERIFY_WITH_TIMEOUT(matches(*a_, campaignId_) && matches(*b_, campaignId_), 3000);
}

void ChangeFollowTest::writersCommittingOutOfOrderAreAllApplied()
{
    const auto other = a_->store().create(
        test::campaign(QStringLiteral("other"), {test::rule(Dimension::Country, RuleType::Include, {QStringLiteral("FR")})}));
    QVERIFY(other.ok());
    QTRY_VERIFY_WITH_TIMEOUT(matches(*b_, other.value.campaign.id), 5000);
    // The slow writer takes the lower id and commits last; the instances apply the fast one
    // first and must not step over the slow one's id for good.
    SqlClient slow(target_, QStringLiteral("slow")), fast(target_, QStringLiteral("fast"));
    QVERIFY(slow.exec(QStringLiteral("BEGIN")));
    QVERIFY(slow.exec(QStringLiteral("UPDATE campaigns SET status = 'INACTIVE' WHERE id = %1").arg(campaignId_)));
    QVERIFY(fast.exec(QStringLiteral("UPDATE campaigns SET status = 'INACTIVE' WHERE id = %1").arg(other.value.campaign.id)));
    QTRY_VERIFY_WITH_TIMEOUT(!matches(*a_, other.value.campaign.id) && !matches(*b_, other.value.campaign.id), 3000);
    const qint64 fastChange = b_->changes().status().newestId;
    QVERIFY(b_->changes().status().appliedThrough < fastChange); // the slow one's id holds the watermark back
    QVERIFY(matches(*b_, campaignId_));
    QVERIFY(slow.exec(QStringLiteral("COMMIT")));
    QTRY_VERIFY_WITH_TIMEOUT(!matches(*a_, campaignId_) && !matches(*b_, campaignId_), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(b_->changes().status().appliedThrough >= fastChange, 3000);
}

void ChangeFollowTest::anUnrelatedLongTransactionHoldsNothingUp()
{
    // A session that wrote something else and sits idle in its transaction (an ETL job, a
    // forgotten psql): it holds the database's oldest running transaction, not the log.
    SqlClient idle(target_, QStringLiteral("idle"));
    QVERIFY(idle.exec(QStringLiteral("BEGIN")));
    QVERIFY(idle.exec(QStringLiteral("INSERT INTO adserve_meta (key, value) VALUES ('etl', 'running')")));
    // Two writers committing out of order meanwhile: the hole between them settles at once.
    const auto other = a_->store().create(test::campaign(QStringLiteral("other")));
    QVERIFY(other.ok());
    SqlClient slow(target_, QStringLiteral("slow")), fast(target_, QStringLiteral("fast"));
    QVERIFY(slow.exec(QStringLiteral("BEGIN")));
    QVERIFY(slow.exec(QStringLiteral("UPDATE campaigns SET status = 'INACTIVE' WHERE id = %1").arg(campaignId_)));
    QVERIFY(fast.exec(QStringLiteral("UPDATE campaigns SET name = 'fast' WHERE id = %1").arg(other.value.campaign.id)));
    QVERIFY(slow.exec(QStringLiteral("COMMIT")));
    const qint64 newest = fast.scalar(QStringLiteral("SELECT max(id) FROM adserve_changes"));
    QTRY_VERIFY_WITH_TIMEOUT(a_->changes().status().appliedThrough == newest && b_->changes().status().appliedThrough == newest,
                             3000);
    QVERIFY(!matches(*b_, campaignId_));
    QVERIFY(a_->changes().status().settled);
    QVERIFY(idle.exec(QStringLiteral("ROLLBACK")));
}

void ChangeFollowTest::aLogPrunedPastAnInstanceMakesItReload()
{
    const qint64 resyncs = b_->changes().status().resyncs;
    SqlClient admin(target_, QStringLiteral("admin"));
    // As if retention had removed changes this instance never applied.
    QVERIFY(admin.exec(QStringLiteral("INSERT INTO adserve_meta (key, value) VALUES ('changes_pruned_through', '%1') "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                           .arg(b_->changes().status().appliedThrough + 1000)));
    QVERIFY(admin.exec(QStringLiteral("UPDATE campaigns SET status = 'INACTIVE' WHERE id = %1").arg(campaignId_)));
    QTRY_VERIFY_WITH_TIMEOUT(b_->changes().status().resyncs > resyncs, 3000);
    QVERIFY(!matches(*b_, campaignId_));
    QVERIFY(!b_->changes().status().stale());
}

void ChangeFollowTest::emptyingATableMakesEveryInstanceReload()
{
    const qint64 resyncsA = a_->changes().status().resyncs;
    const qint64 resyncsB = b_->changes().status().resyncs;
    SqlClient admin(target_, QStringLiteral("admin"));
    QVERIFY(admin.exec(QStringLiteral("UPDATE target_rules SET \"values\" = '{DE}'")));
    QTRY_VERIFY_WITH_TIMEOUT(!matches(*a_, campaignId_) && !matches(*b_, campaignId_), 3000);
    QVERIFY(admin.exec(QStringLiteral("TRUNCATE target_rules")));
    QTRY_VERIFY_WITH_TIMEOUT(a_->changes().status().resyncs > resyncsA && b_->changes().status().resyncs > resyncsB, 3000);
    QVERIFY(matches(*a_, campaignId_)); // no rules left: it serves everywhere
    QVERIFY(matches(*b_, campaignId_));
}

void ChangeFollowTest::ownWritesAreNotAppliedTwice()
{
    QObject listening; // the connections end with the lists they fill, also on a failure
    QList<qint64> appliedByA;
    connect(a_.get(), &Engine::changesApplied, &listening, [&](const QList<qint64> &ids) { appliedByA += ids; });
    QList<qint64> appliedByB;
    connect(b_.get(), &Engine::changesApplied, &listening, [&](const QList<qint64> &ids) { appliedByB += ids; });
    const auto written = a_->store().setStatus(campaignId_, kStatusInactive);
    QVERIFY(written.ok());
    QCOMPARE(appliedByA, QList<qint64>{campaignId_}); // at once, on the writer's thread
    QTRY_COMPARE_WITH_TIMEOUT(appliedByB, QList<qint64>{campaignId_}, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(a_->changes().status().appliedThrough >= written.changeId, 3000);
    QTest::qWait(700); // two more periods: the follower of A read its own write and left it
    QCOMPARE(appliedByA, QList<qint64>{campaignId_});
}

void ChangeFollowTest::anOwnBulkEditLongerThanAPageIsNotReadAgain()
{
    const int pageSize = 500;
    a_ = openEngine(pageSize);
    b_ = openEngine(pageSize);
    QVERIFY(a_ && b_);
    const auto generated = CampaignGenerator::generate(a_->store(), 3000, 7);
    QVERIFY2(generated.ok(), qPrintable(generated.message));
    SqlClient admin(target_, QStringLiteral("admin"));
    const auto newestChange = [&] { return admin.scalar(QStringLiteral("SELECT max(id) FROM adserve_changes")); };
    const auto bothAt = [&](qint64 id) {
        return a_->changes().status().appliedThrough == id && b_->changes().status().appliedThrough == id;
    };
    qint64 newest = newestChange();
    QTRY_VERIFY_WITH_TIMEOUT(bothAt(newest), 30000);

    // Deactivated in one transaction: more rows in the log than a page holds.
    QList<qint64> edited = a_->matcher().snapshot()->campaignIds().mid(1, 700);
    QVERIFY(!edited.contains(campaignId_));
    QVERIFY(served(*a_, edited).size() > 10);
    const qint64 resyncsA = a_->changes().status().resyncs;
    const qint64 resyncsB = b_->changes().status().resyncs;
    BulkEdit deactivate;
    deactivate.action = BulkEdit::Action::Deactivate;
    const auto done = BulkEditor(a_->store()).apply(deactivate, edited);
    QVERIFY2(done.ok(), qPrintable(done.message));
    QVERIFY(done.value.before.size() > pageSize);
    QVERIFY(served(*a_, edited).isEmpty()); // at once, by the writer
    const qint64 before = std::exchange(newest, newestChange());
    QVERIFY(newest - before > pageSize);

    QTRY_VERIFY_WITH_TIMEOUT(bothAt(newest), 10000);
    QCOMPARE(a_->changes().status().resyncs, resyncsA); // its own rows, stepped over a page at a time
    QVERIFY(!a_->changes().status().stale());
    QVERIFY(b_->changes().status().resyncs > resyncsB); // others' rows, a page and more: read again whole
    QVERIFY(served(*b_, edited).isEmpty());

    // Others' changes after the run still apply, one by one.
    QVERIFY(b_->store().setStatus(campaignId_, kStatusInactive).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!matches(*a_, campaignId_), 3000);
    QCOMPARE(a_->changes().status().resyncs, resyncsA);
}

void ChangeFollowTest::anOwnWriteOfAnEighthOfTheStoreMakesAFreshIndex()
{
    // Over 1,000 campaigns and an eighth of the store, under a quarter: the writer's index is
    // read afresh, none of its compiled campaigns shared with the index before (recompiled
    // around the rest, a bulk edit's campaigns stayed spread over the heap). A smaller write
    // is compiled around the rest, which it shares.
    const auto generated = CampaignGenerator::generate(a_->store(), 6000, 11);
    QVERIFY2(generated.ok(), qPrintable(generated.message));
    const auto stored = a_->store().targeting();
    QVERIFY(stored.ok());
    QTRY_VERIFY_WITH_TIMEOUT(a_->matcher().snapshot()->campaignCount() == stored.value.size(), 30000);
    const auto sameCompiled = [&](const MatchIndex &before, const MatchIndex &after, const CampaignWithRules &campaign) {
        const auto *compiled = before.sharedTargetingOf(campaign);
        return compiled && compiled == after.sharedTargetingOf(campaign);
    };
    const auto it = std::find_if(stored.value.crbegin(), stored.value.crend(), [&](const CampaignWithRules &c) {
        return a_->matcher().snapshot()->sharedTargetingOf(c) != nullptr;
    });
    QVERIFY(it != stored.value.crend());
    const CampaignWithRules untouched = *it; // the index gives its rules back as stored
    QList<qint64> active; // each of them changed by a deactivation
    for (const CampaignWithRules &c : stored.value)
        if (c.campaign.status == kStatusActive && c.campaign.id != campaignId_ && c.campaign.id != untouched.campaign.id)
            active.append(c.campaign.id);
    const qint64 resyncs = a_->changes().status().resyncs;
    BulkEdit deactivate;
    deactivate.action = BulkEdit::Action::Deactivate;

    const QList<qint64> few = active.mid(0, 10);
    auto before = a_->matcher().snapshot();
    QVERIFY(BulkEditor(a_->store()).apply(deactivate, few).ok());
    QVERIFY(a_->matcher().snapshot() != before);
    QVERIFY(sameCompiled(*before, *a_->matcher().snapshot(), untouched));

    const QList<qint64> many = active.mid(10, 1200);
    QVERIFY(many.size() > stored.value.size() / 8 && many.size() < stored.value.size() / 4);
    QVERIFY(served(*a_, many).size() > 10);
    before = a_->matcher().snapshot();
    const auto done = BulkEditor(a_->store()).apply(deactivate, many);
    QVERIFY2(done.ok(), qPrintable(done.message));
    QCOMPARE(done.value.before.size(), many.size());
    const auto after = a_->matcher().snapshot();
    QVERIFY(before->sharedTargetingOf(untouched));
    QVERIFY(!sameCompiled(*before, *after, untouched));
    QVERIFY(after->sharedTargetingOf(untouched)); // compiled anew, as the store holds it
    QVERIFY(served(*a_, many).isEmpty()); // at once, by the writer
    QCOMPARE(after->campaignCount(), before->campaignCount());
    QVERIFY(matches(*a_, campaignId_));
    QTest::qWait(700); // two periods of the follower: its own rows stepped over, not read again
    QCOMPARE(a_->changes().status().resyncs, resyncs);
    QVERIFY(!a_->changes().status().stale());
}

QTEST_GUILESS_MAIN(ChangeFollowTest)

#include "tst_changefollow.moc"
