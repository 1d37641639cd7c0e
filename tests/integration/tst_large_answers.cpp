// A large store: answers of thousands of campaigns are exactly the bytes of the per-campaign
// builder (each campaign read from the store, its fragment made by the codec, joined in
// answer order: priority, then id), whichever way each fragment was found: from the store, from the cache, from the
// near cache, or a mix of them. And while its index loads, the server says so.
#include "Engine.h"
#include "cache/CampaignCodec.h"
#include "http/HttpApi.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace adserve;

namespace {

constexpr qint64 kCampaigns = 80'000;

struct Request
{
    QString country, os, app;
    TargetingQuery query() const { return TargetingQuery::from(country, os, app); }
    QUrlQuery urlQuery() const
    {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("country"), country);
        q.addQueryItem(QStringLiteral("os"), os);
        q.addQueryItem(QStringLiteral("app"), app);
        return q;
    }
};

} // namespace

class LargeAnswersTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void sameBytesAsThePerCampaignBuilder_data();
    void sameBytesAsThePerCampaignBuilder();
    void saysLoadingUntilTheIndexIsBuilt();

private:
    // The array built campaign by campaign from the store, as the delivery path did before
    // it wrote answers in one pass.
    QByteArray perCampaignArray(Engine &engine, const TargetingQuery &query, qint64 *count);
    std::unique_ptr<Engine> engineWith(int nearTtlMs);

    QTemporaryDir dir_;
    QString db_;
};

void LargeAnswersTest::initTestCase()
{
    QVERIFY(dir_.isValid());
    db_ = dir_.filePath(QStringLiteral("large.sqlite"));
    QString error;
    auto store = CampaignStore::open(DatabaseTarget::sqlite(db_), &error);
    QVERIFY2(store, qPrintable(error));
    const auto generated = CampaignGenerator::generate(*store, kCampaigns, 42);
    QVERIFY2(generated.ok(), qPrintable(generated.message));
}

std::unique_ptr<Engine> LargeAnswersTest::engineWith(int nearTtlMs)
{
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), db_},
                                              {QStringLiteral("CACHE_NEAR_TTL_MS"), QString::number(nearTtlMs)}},
                                             &error);
    if (!config)
        qFatal("%s", qPrintable(error));
    auto engine = Engine::create(*config, &error);
    if (!engine)
        qWarning("%s", qPrintable(error));
    return engine;
}

QByteArray LargeAnswersTest::perCampaignArray(Engine &engine, const TargetingQuery &query, qint64 *count)
{
    MatchedIds matched;
    engine.matcher().snapshot()->match(query, matched);
    const auto campaigns = engine.store().campaignsByIds(QList<qint64>(matched.begin(), matched.end()));
    if (!campaigns.ok())
        qFatal("%s", qPrintable(campaigns.message));
    QList<Campaign> delivered = campaigns.value;
    delivered.removeIf([](const Campaign &c) { return !c.isDeliverable(); });
    // Answer order: priority, highest first, then id.
    std::sort(delivered.begin(), delivered.end(), [](const Campaign &a, const Campaign &b) {
        return a.priority != b.priority ? a.priority > b.priority : a.id < b.id;
    });
    QByteArray out = "[";
    for (const Campaign &c : delivered) {
        if (out.size() > 1)
            out += ',';
        out += CampaignCodec::responseFragment(c);
    }
    out += ']';
    *count = delivered.size();
    return out;
}

void LargeAnswersTest::sameBytesAsThePerCampaignBuilder_data()
{
    QTest::addColumn<int>("nearTtlMs");
    QTest::addColumn<QString>("country");
    QTest::addColumn<QString>("os");
    QTest::addColumn<QString>("app");
    QTest::addColumn<int>("atLeast");
    for (int nearTtl : {60'000, 0}) {
        const QByteArray near = nearTtl ? "near cache" : "no near cache";
        QTest::newRow(QByteArray(near + ", IT Android whatsapp").constData()) << nearTtl << "IT" << "Android" << "com.whatsapp" << 2000;
        QTest::newRow(QByteArray(near + ", us ios spotify (mixed case)").constData()) << nearTtl << "us" << "iOS" << "com.Spotify.Music" << 1000;
        QTest::newRow(QByteArray(near + ", an app no campaign names").constData()) << nearTtl << "DE" << "Android" << "org.nowhere.app" << 500;
    }
}

void LargeAnswersTest::sameBytesAsThePerCampaignBuilder()
{
    QFETCH(int, nearTtlMs);
    QFETCH(QString, country);
    QFETCH(QString, os);
    QFETCH(QString, app);
    QFETCH(int, atLeast);
    auto engine = engineWith(nearTtlMs);
    QVERIFY(engine);
    const Request request{country, os, app};
    qint64 count = 0;
    const QByteArray expected = perCampaignArray(*engine, request.query(), &count);
    QVERIFY2(count >= atLeast, qPrintable(QString::number(count)));

    auto body = [&] {
        DeliveredBody delivered = engine->delivery().deliverBody(request.query(), MatchIndex::kAll);
        if (!delivered.ok() || delivered.campaigns != count)
            qWarning("delivered %d of %lld: %s", delivered.campaigns, count, qPrintable(delivered.storeError));
        return delivered.body;
    };
    // Every fragment from the store.
    QCOMPARE(body(), expected);
    engine->cache().waitForRefills();
    // From the near cache, or without it from the memory cache.
    QCOMPARE(body(), expected);
    QCOMPARE(engine->delivery().deliver(request.query()).jsonArray(), expected);

    // A mix: every third matched campaign dropped from the cache, read from the store again.
    MatchedIds matched;
    engine->matcher().snapshot()->match(request.query(), matched);
    QList<qint64> dropped;
    for (size_t i = 0; i < matched.size(); i += 3)
        dropped.append(matched[i]);
    QVERIFY(engine->cache().invalidate(dropped).ok());
    const qint64 readsBefore = engine->delivery().storeReads();
    QCOMPARE(body(), expected);
    QVERIFY(engine->delivery().storeReads() > readsBefore);

    // The routes: the same array, in /api/v1/delivery's envelope.
    Metrics metrics;
    HttpApi api(*engine, metrics);
    const HttpReply v1 = api.handle(HttpRequest{"GET", QStringLiteral("/v1/delivery"), request.urlQuery(), {}, {}});
    QCOMPARE(v1.status, 200);
    QCOMPARE(v1.campaigns, int(count));
    QCOMPARE(v1.body, expected);
    const HttpReply apiV1 = api.handle(HttpRequest{"GET", QStringLiteral("/api/v1/delivery"), request.urlQuery(), {}, {}});
    QCOMPARE(apiV1.status, 200);
    QCOMPARE(apiV1.body, R"({"mc":"S012001","m":"Campaigns fetched successfully","lc":{"campaigns":)" + expected + "}}");
}

void LargeAnswersTest::saysLoadingUntilTheIndexIsBuilt()
{
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), db_}}, &error);
    QVERIFY2(config, qPrintable(error));
    auto engine = Engine::open(*config, &error);
    QVERIFY2(engine, qPrintable(error));
    QVERIFY(!engine->loaded());
    Metrics metrics;
    HttpApi api(*engine, metrics);
    const auto get = [&](const QString &path, const QString &query = {}) {
        return api.handle(HttpRequest{"GET", path, QUrlQuery(query), {}, {}});
    };
    const Request request{QStringLiteral("IT"), QStringLiteral("Android"), QStringLiteral("com.whatsapp")};

    QCOMPARE(get(QStringLiteral("/healthz")).status, 200);
    const HttpReply ready = get(QStringLiteral("/readyz"));
    QCOMPARE(ready.status, 503);
    QCOMPARE(QJsonDocument::fromJson(ready.body).object().value(QStringLiteral("status")).toString(), QStringLiteral("loading"));
    for (const QString &path : {QStringLiteral("/v1/delivery"), QStringLiteral("/api/v1/delivery"),
                                QStringLiteral("/api/v1/delivery/explain"), QStringLiteral("/api/v1/campaigns")}) {
        const HttpReply reply = api.handle(HttpRequest{"GET", path, request.urlQuery(), {}, {}, true});
        QCOMPARE(reply.status, 503);
        QVERIFY2(reply.body.contains("loading"), reply.body.constData());
        QVERIFY(reply.headers.contains({QByteArray("Retry-After"), QByteArray("1")}));
    }

    QVERIFY(engine->rebuildIndex().ok());
    QVERIFY(engine->loaded());
    const Engine::LoadProgress progress = engine->loadProgress();
    QCOMPARE(progress.read, progress.total);
    QCOMPARE(progress.total, engine->matcher().snapshot()->campaignCount());
    QVERIFY(progress.total > kCampaigns / 2);
    QCOMPARE(get(QStringLiteral("/readyz")).status, 200);
    QCOMPARE(api.handle(HttpRequest{"GET", QStringLiteral("/v1/delivery"), request.urlQuery(), {}, {}}).status, 200);
}

QTEST_GUILESS_MAIN(LargeAnswersTest)
#include "tst_large_answers.moc"
