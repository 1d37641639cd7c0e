// The near cache in front of Redis (and of the in-memory cache): hot campaigns stop
// costing a Redis read per request, store changes still apply at once, and, where Redis
// cannot report its changes (tracking not allowed here), a value edited in Redis directly is
// seen within the near-cache lifetime. The same holds for whole answers reused
// (AnswerCache), which the near cache's lifetime then bounds. With the reports:
// tst_watchedcache.
#include "Engine.h"
#include "TestRedis.h"
#include "cache/CampaignCodec.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace adserve;
using adserve::test::TestRedisServer;

class NearCacheTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup()
    {
        QVERIFY(redis_.allowClientTracking(true));
        trackingAllowed_ = true;
    }
    void hotCampaignsSkipRedis();
    void storeChangesApplyAtOnce_data();
    void storeChangesApplyAtOnce();
    void redisEditsSeenWithinNearTtl_data();
    void redisEditsSeenWithinNearTtl();
    void offMeansEveryRequestAsksRedis();
    void embeddedDefaultToo();
    void answersReusedWhole();
    void invalidationsReachReusedAnswers();
    void answersOutliveTheirOldestDetail();
    void flightEndReachesReusedAnswers();
    void noReusedAnswersWithoutNearCache();

private:
    // Each test with _data: delivered campaign by campaign (explain, the studio) and as
    // whole answers (the delivery routes, reused while they can be).
    static void addDeliveryWays();
    std::unique_ptr<Engine> engineWith(int nearTtlMs, const QString &answerCacheMb = QStringLiteral("128"));
    static QByteArray deliverBody(Engine &engine)
    {
        return engine.delivery().deliverBody(TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"),
                                                                  QStringLiteral("com.gametion.ludokinggame")),
                                             MatchIndex::kAll).body;
    }
    QByteArray deliver(Engine &engine)
    {
        return engine.delivery().deliver(TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"),
                                                              QStringLiteral("com.gametion.ludokinggame"))).jsonArray();
    }

    // Without Redis's reports, as a Redis before 6.0 or a Cluster (until cleanup()).
    void denyTracking()
    {
        QVERIFY(redis_.allowClientTracking(false));
        trackingAllowed_ = false;
    }

    TestRedisServer redis_;
    bool trackingAllowed_ = true;
    QTemporaryDir dir_;
    int databases_ = 0;
};

void NearCacheTest::initTestCase()
{
    QVERIFY2(redis_.start(), qPrintable(redis_.error()));
}

std::unique_ptr<Engine> NearCacheTest::engineWith(int nearTtlMs, const QString &answerCacheMb)
{
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("db%1.sqlite").arg(++databases_))},
                                              {QStringLiteral("REDIS_URL"), redis_.url()},
                                              {QStringLiteral("CACHE_NEAR_TTL_MS"), QString::number(nearTtlMs)},
                                              {QStringLiteral("CACHE_ANSWER_MB"), answerCacheMb}},
                                             &error);
    if (!config)
        qFatal("%s", qPrintable(error));
    // Each test starts from an empty Redis: the databases are new, their ids start at 1.
    redis_.cli({QStringLiteral("FLUSHALL")});
    auto engine = Engine::create(*config, &error);
    if (!engine)
        qWarning("%s", qPrintable(error));
    // The watch starts on a thread of its own, and its start (as a flush would) lets go of
    // answers kept before: counted reuses begin once it has.
    if (engine && nearTtlMs > 0 && trackingAllowed_ && !QTest::qWaitFor([&] { return engine->cache().watching(); }, 5000))
        qWarning("Redis's reports did not start");
    return engine;
}

void NearCacheTest::hotCampaignsSkipRedis()
{
    // Without Redis's reports: refilling Redis after the first read is a change it reports,
    // which has the next request read both again (tst_watchedcache).
    denyTracking();
    auto engine = engineWith(60000);
    QVERIFY(engine);
    QCOMPARE(engine->cache().nearTtl(), std::chrono::milliseconds(60000));
    const QByteArray first = deliver(*engine);
    QVERIFY(first.contains("spotify"));
    engine->cache().waitForRefills();
    const qint64 lookupsBefore = engine->cache().stats().lookupMicros;
    for (int i = 0; i < 50; ++i)
        QCOMPARE(deliver(*engine), first);
    const auto stats = engine->cache().stats();
    QCOMPARE(stats.nearHits, 100); // 2 campaigns x 50 requests, none asked from Redis
    QCOMPARE(stats.lookupMicros, lookupsBefore);
}

void NearCacheTest::storeChangesApplyAtOnce_data()
{
    addDeliveryWays();
}

void NearCacheTest::storeChangesApplyAtOnce()
{
    QFETCH(bool, wholeAnswers);
    auto engine = engineWith(60000);
    QVERIFY(engine);
    const auto deliverNow = [&] { return wholeAnswers ? deliverBody(*engine) : deliver(*engine); };
    deliverNow();
    QVERIFY(deliverNow().contains("spotify"));
    engine->cache().waitForRefills();
    CampaignWithRules changed = engine->store().campaign(1).value;
    changed.campaign.cta = QStringLiteral("Listen now");
    QVERIFY(engine->store().update(changed).ok());
    QVERIFY(deliverNow().contains("Listen now"));
    QVERIFY(engine->store().setStatus(1, kStatusInactive).ok());
    QVERIFY(!deliverNow().contains("spotify"));
    if (wholeAnswers)
        QCOMPARE(engine->delivery().answerStats().hits, 1); // before the changes only
}

void NearCacheTest::addDeliveryWays()
{
    QTest::addColumn<bool>("wholeAnswers");
    QTest::newRow("campaign by campaign") << false;
    QTest::newRow("whole answers reused") << true;
}

void NearCacheTest::redisEditsSeenWithinNearTtl_data()
{
    addDeliveryWays();
}

void NearCacheTest::redisEditsSeenWithinNearTtl()
{
    QFETCH(bool, wholeAnswers);
    denyTracking();
    auto engine = engineWith(300);
    QVERIFY(engine);
    const auto deliverNow = [&] { return wholeAnswers ? deliverBody(*engine) : deliver(*engine); };
    deliverNow();
    engine->cache().waitForRefills();
    // The Go service rewrites the value in Redis, behind the store's back.
    Campaign fromGo = engine->store().campaign(1).value.campaign;
    fromGo.cta = QStringLiteral("Written by Go");
    QVERIFY(engine->cache().backend().setMany({{CampaignCodec::cacheKey(1), CampaignCodec::encode(fromGo)}},
                                              std::chrono::hours(1)).ok());
    QElapsedTimer timer;
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(deliverNow().contains("Written by Go"), 2000);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    if (wholeAnswers)
        QVERIFY(engine->delivery().answerStats().hits > 0); // reused meanwhile, yet not for longer
}

void NearCacheTest::offMeansEveryRequestAsksRedis()
{
    auto engine = engineWith(0);
    QVERIFY(engine);
    deliver(*engine);
    engine->cache().waitForRefills();
    for (int i = 0; i < 10; ++i)
        deliver(*engine);
    const auto stats = engine->cache().stats();
    QCOMPARE(stats.nearHits, 0);
    QCOMPARE(stats.hits, 20);
}

void NearCacheTest::embeddedDefaultToo()
{
    // The in-memory cache gets the near cache by default: a hot campaign skips its key,
    // shard lock and LRU update. An edit through the store still applies at once.
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("embedded.sqlite"))}},
                                             &error);
    QVERIFY2(config, qPrintable(error));
    auto engine = Engine::create(*config, &error);
    QVERIFY2(engine, qPrintable(error));
    QCOMPARE(engine->cache().backend().kind(), QStringLiteral("memory"));
    QCOMPARE(engine->cache().nearTtl(), std::chrono::milliseconds(1000));
    const QByteArray first = deliver(*engine);
    engine->cache().waitForRefills();
    // Refilling the cache was a change it reported: read again, then from the near cache.
    QCOMPARE(deliver(*engine), first);
    QCOMPARE(engine->cache().stats().nearHits, 0);
    QCOMPARE(deliver(*engine), first);
    QCOMPARE(engine->cache().stats().nearHits, 2);

    QVERIFY(engine->store().setStatus(1, kStatusInactive).ok()); // spotify
    QVERIFY(!deliver(*engine).contains("spotify"));
}

void NearCacheTest::answersReusedWhole()
{
    auto engine = engineWith(60000);
    QVERIFY(engine);
    const QByteArray first = deliverBody(*engine);
    QCOMPARE(first, deliver(*engine)); // the same bytes as the campaigns one by one
    engine->cache().waitForRefills();
    const auto before = engine->cache().stats();
    const qint64 batches = engine->delivery().batchesRun();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(deliverBody(*engine), first);
    const auto answers = engine->delivery().answerStats();
    QCOMPARE(answers.hits, 20);
    QCOMPARE(answers.answers, 1);
    QVERIFY(answers.bytes > first.size());
    QCOMPARE(engine->delivery().batchesRun(), batches);
    // Each reused answer's campaigns count as near-cache hits: the hit ratio stays true.
    QCOMPARE(engine->cache().stats().nearHits - before.nearHits, 40);
    QCOMPARE(engine->cache().stats().lookupMicros, before.lookupMicros);
}

void NearCacheTest::invalidationsReachReusedAnswers()
{
    // What an ops invalidation drops is read again, not taken from a reused answer.
    auto engine = engineWith(60000);
    QVERIFY(engine);
    const QByteArray first = deliverBody(*engine);
    QCOMPARE(deliverBody(*engine), first);
    QCOMPARE(engine->delivery().answerStats().hits, 1);
    QVERIFY(engine->cache().invalidate({3}).ok()); // subwaysurfer
    QCOMPARE(deliverBody(*engine), first);
    QCOMPARE(engine->delivery().answerStats().hits, 1);
    QCOMPARE(deliverBody(*engine), first);
    QCOMPARE(engine->delivery().answerStats().hits, 2);
}

void NearCacheTest::answersOutliveTheirOldestDetail()
{
    // The near cache holds details of every age. An answer made of them as they are would
    // expire with the oldest at once; details older than half the near cache's lifetime are
    // read again instead, so the answer lives at least the other half.
    denyTracking();
    auto engine = engineWith(2000);
    QVERIFY(engine);
    const QByteArray first = deliver(*engine); // both campaigns seen now
    engine->cache().waitForRefills();
    QTest::qWait(1400);
    {
        const auto section = engine->cache().readSection();
        const qint64 subwaySurfer = 3;
        engine->cache().lookup(std::span(&subwaySurfer, 1)); // seen again; spotify stays 1.4 s old
    }
    QCOMPARE(deliverBody(*engine), first);
    QTest::qWait(800); // past spotify's first 2 s, within the answer's
    QCOMPARE(deliverBody(*engine), first);
    QCOMPARE(engine->delivery().answerStats().hits, 1);
}

void NearCacheTest::flightEndReachesReusedAnswers()
{
    auto engine = engineWith(60000);
    QVERIFY(engine);
    CampaignWithRules ending = engine->store().campaign(1).value; // spotify
    ending.campaign.serving.flightEnd = QDateTime::currentDateTimeUtc().addMSecs(1500);
    QVERIFY(engine->store().update(ending).ok());
    QVERIFY(deliverBody(*engine).contains("spotify"));
    QVERIFY(deliverBody(*engine).contains("spotify"));
    QCOMPARE(engine->delivery().answerStats().hits, 1);
    // The flight ends with no write: the next index is swapped in at the boundary.
    QTRY_VERIFY_WITH_TIMEOUT(!deliverBody(*engine).contains("spotify"), 5000);
    QVERIFY(QDateTime::currentDateTimeUtc() >= ending.campaign.serving.flightEnd);
}

void NearCacheTest::noReusedAnswersWithoutNearCache()
{
    for (const auto &[nearTtlMs, answerCacheMb] : {std::pair{0, "128"}, {60000, "0"}}) {
        auto engine = engineWith(nearTtlMs, QString::fromLatin1(answerCacheMb));
        QVERIFY(engine);
        const QByteArray first = deliverBody(*engine);
        QVERIFY(first.contains("spotify"));
        QCOMPARE(deliverBody(*engine), first);
        QCOMPARE(engine->delivery().answerStats().hits, 0);
        QCOMPARE(engine->delivery().answerStats().answers, 0);
    }
}

QTEST_GUILESS_MAIN(NearCacheTest)
#include "tst_nearcache.moc"
