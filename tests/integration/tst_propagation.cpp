// Change propagation between instances: engines over one PostgreSQL and one Redis hear
// of every change (through their own API, another instance, or plain SQL) and stop
// delivering what changed, without a restart.
#include "Engine.h"
#include "TestCampaigns.h"
#include "TestPostgres.h"
#include "TestRedis.h"
#include "cache/CampaignCodec.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace adserve;
using adserve::test::TestRedisServer;

class PropagationTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void editThroughOneInstanceReachesTheOther();
    void plainSqlReachesEveryInstance();
    void ruleChangeBySqlRetargets();

private:
    static QStringList codes(Engine &engine, const TargetingQuery &query);
    // Runs SQL on a connection of its own, as psql or another service would.
    bool runSql(const QString &sql);
    bool cached(qint64 id) { return engineA_->cache().backend().getMany({CampaignCodec::cacheKey(id)}).value.value(0).has_value(); }

    TestPostgres postgres_;
    TestRedisServer redis_;
    std::unique_ptr<Engine> engineA_;
    std::unique_ptr<Engine> engineB_;
    qint64 campaignId_ = 0;
    const TargetingQuery query_ = TargetingQuery::from(QStringLiteral("FR"), QStringLiteral("android"), QStringLiteral("app.one"));
};

QStringList PropagationTest::codes(Engine &engine, const TargetingQuery &query)
{
    QStringList out;
    const DeliveryResult result = engine.delivery().deliver(query);
    for (const QByteArray &fragment : result.fragments)
        out << QString::fromUtf8(fragment).section(QLatin1Char('"'), 3, 3);
    return out;
}

bool PropagationTest::runSql(const QString &sql)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("psql-like"));
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(postgres_.port());
        db.setDatabaseName(QStringLiteral("adserve"));
        db.setUserName(QStringLiteral("postgres"));
        if (db.open()) {
            QSqlQuery q(db);
            ok = q.exec(sql);
            if (!ok)
                qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("psql-like"));
    return ok;
}

void PropagationTest::initTestCase()
{
    QString error;
    QVERIFY2(postgres_.start(&error), qPrintable(error));
    QVERIFY2(redis_.start(), qPrintable(redis_.error()));
    const auto config = ConfigBuilder::build({{QStringLiteral("DATABASE_URL"), postgres_.databaseUrl()},
                                              {QStringLiteral("REDIS_URL"), redis_.url()}},
                                             &error);
    QVERIFY2(config, qPrintable(error));
    engineA_ = Engine::create(*config, &error);
    QVERIFY2(engineA_, qPrintable(error));
    engineB_ = Engine::create(*config, &error);
    QVERIFY2(engineB_, qPrintable(error));

    const CampaignWithRules c = test::campaign(
        QStringLiteral("shared"), {test::rule(Dimension::Country, RuleType::Include, {QStringLiteral("FR")})});
    QSignalSpy heardByA(engineA_.get(), &Engine::changesApplied);
    const auto created = engineB_->store().create(c);
    QVERIFY2(created.ok(), qPrintable(created.message));
    campaignId_ = created.value.campaign.id;
    // Applied on A's change-log thread, maybe before this line: count, do not wait for a next one.
    QTRY_VERIFY_WITH_TIMEOUT(heardByA.count() > 0, 5000);
    QCOMPARE(codes(*engineA_, query_), QStringList{QStringLiteral("shared")});
    engineA_->cache().waitForRefills();
    QVERIFY(cached(campaignId_));
}

void PropagationTest::cleanupTestCase()
{
    engineA_.reset();
    engineB_.reset();
}

void PropagationTest::editThroughOneInstanceReachesTheOther()
{
    QSignalSpy heardByA(engineA_.get(), &Engine::changesApplied);
    QVERIFY(engineB_->store().setStatus(campaignId_, kStatusInactive).ok());
    QVERIFY(codes(*engineB_, query_).isEmpty()); // the writer at once
    QTRY_VERIFY_WITH_TIMEOUT(heardByA.count() > 0, 5000); // the other as soon as it reads the log
    QVERIFY(codes(*engineA_, query_).isEmpty());
    QVERIFY(!engineA_->matcher().snapshot()->match(query_).size());
    engineA_->cache().waitForRefills();
    QVERIFY(!cached(campaignId_));
    QVERIFY(engineB_->store().setStatus(campaignId_, kStatusActive).ok());
    QTRY_COMPARE_WITH_TIMEOUT(codes(*engineA_, query_), QStringList{QStringLiteral("shared")}, 5000);
}

void PropagationTest::plainSqlReachesEveryInstance()
{
    engineA_->cache().waitForRefills();
    QVERIFY(runSql(QStringLiteral("UPDATE campaigns SET cta = 'Changed by SQL' WHERE id = %1").arg(campaignId_)));
    // Both drop the stale cache entry and deliver the new value.
    QTRY_VERIFY_WITH_TIMEOUT(engineA_->delivery().deliver(query_).jsonArray().contains("Changed by SQL"), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(engineB_->delivery().deliver(query_).jsonArray().contains("Changed by SQL"), 5000);
}

void PropagationTest::ruleChangeBySqlRetargets()
{
    QVERIFY(runSql(QStringLiteral("UPDATE target_rules SET \"values\" = '{DE}' WHERE campaign_id = %1").arg(campaignId_)));
    const auto germany = TargetingQuery::from(QStringLiteral("de"), QStringLiteral("android"), QStringLiteral("app.one"));
    QTRY_VERIFY_WITH_TIMEOUT(codes(*engineA_, query_).isEmpty(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(codes(*engineA_, germany), QStringList{QStringLiteral("shared")}, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(codes(*engineB_, germany), QStringList{QStringLiteral("shared")}, 5000);
}

QTEST_GUILESS_MAIN(PropagationTest)
#include "tst_propagation.moc"
