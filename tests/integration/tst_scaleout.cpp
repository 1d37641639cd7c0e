// Scale-out: three `adserve` processes behind a real HAProxy, over one PostgreSQL and a
// real three-master Redis Cluster. A change made through any instance, or straight in the
// database, is applied by every instance, every instance says so in the registry, and every
// instance then answers with it (its stale cached copy dropped from the cluster). A flight
// starts on time on every instance, with no write.
#include "AdserveProcess.h"
#include "TestHaproxy.h"
#include "TestPostgres.h"
#include "TestRedis.h"
#include "store/ConnectionPool.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

namespace {

const QByteArray kToken = "scale-out-token";
constexpr int kInstances = 3;

} // namespace

class ScaleOutTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void theBalancerReachesEveryInstance();
    void aChangeThroughOneInstanceIsLiveOnAll();
    void aChangeMadeInSqlIsLiveOnAll();
    void aFlightStartsOnTimeEverywhereWithoutAWrite();
    void anInstanceThatStopsLeavesTheRegistry();

private:
    HttpAnswer admin(const QByteArray &method, const QString &target, const QByteArray &body = {})
    {
        return httpRequest(method, haproxy_.url() + target, body, kToken);
    }
    bool sql(const QString &statement);
    qint64 newestChange();
    // Every running instance has applied `changeId`, as the registry says through any of them.
    bool liveEverywhere(qint64 changeId, int instances);

    TestPostgres postgres_;
    TestRedisCluster cluster_;
    std::vector<std::unique_ptr<AdserveProcess>> instances_;
    TestHaproxy haproxy_;
};

bool ScaleOutTest::sql(const QString &statement)
{
    QString error;
    const DatabaseTarget target = *DatabaseTarget::fromDatabaseUrl(postgres_.databaseUrl(), &error);
    bool ok = false;
    {
        QSqlDatabase db = ConnectionPool::open(target, QStringLiteral("psql"), &error);
        QSqlQuery query(db);
        ok = query.exec(statement);
        if (!ok)
            qWarning("%s: %s", qPrintable(statement), qPrintable(query.lastError().text()));
    }
    ConnectionPool::close(QStringLiteral("psql"));
    return ok;
}

qint64 ScaleOutTest::newestChange()
{
    return admin("GET", QStringLiteral("/api/v1/instances")).json().object().value(QStringLiteral("newestChangeId")).toInteger();
}

bool ScaleOutTest::liveEverywhere(qint64 changeId, int instances)
{
    const QJsonObject live = admin("GET", QStringLiteral("/api/v1/changes/%1/live").arg(changeId)).json().object();
    return live.value(QStringLiteral("everywhere")).toBool() && live.value(QStringLiteral("instances")).toInt() == instances;
}

void ScaleOutTest::initTestCase()
{
    QString error;
    QVERIFY2(postgres_.start(&error), qPrintable(error));
    QVERIFY2(cluster_.start(), qPrintable(cluster_.error()));
    const QString binary = QCoreApplication::applicationDirPath() + QStringLiteral("/adserve");
    QList<quint16> ports;
    for (int i = 0; i < kInstances; ++i) {
        instances_.push_back(std::make_unique<AdserveProcess>(
            binary, QMap<QString, QString>{{QStringLiteral("DATABASE_URL"), postgres_.databaseUrl()},
                                           {QStringLiteral("REDIS_URL"), cluster_.url()},
                                           {QStringLiteral("REDIS_CLUSTER"), QStringLiteral("true")},
                                           {QStringLiteral("ADSERVE_ADMIN_TOKEN"), QString::fromLatin1(kToken)},
                                           {QStringLiteral("ADSERVE_THREADS"), QStringLiteral("2")}}));
        QVERIFY2(instances_.back()->start(&error), qPrintable(error));
        ports.append(instances_.back()->port());
    }
    QVERIFY2(haproxy_.start(ports, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(admin("GET", QStringLiteral("/api/v1/instances"))
                                  .json().object().value(QStringLiteral("instances")).toArray().size(),
                              kInstances, 10000);
}

void ScaleOutTest::cleanupTestCase()
{
    haproxy_.stop();
    instances_.clear();
}

void ScaleOutTest::aFlightStartsOnTimeEverywhereWithoutAWrite()
{
    // A flight starting 2 s from now: once the campaign is live everywhere, nothing more is
    // written, and every instance starts serving it within a second of its start.
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(2);
    const HttpAnswer created = admin("POST", QStringLiteral("/api/v1/campaigns"),
                                     R"({"code":"on-time","name":"On time","image":"https://x/t.png","cta":"Go",)"
                                     R"("flightStart":")" + start.toString(Qt::ISODateWithMs).toLatin1()
                                         + R"(","rules":[{"dimension":"country","ruleType":"INCLUDE","values":["FJ"]}]})");
    QCOMPARE(created.status, 201);
    const qint64 changeId = created.headers.value("x-adserve-change-id").toLongLong();
    QTRY_VERIFY_WITH_TIMEOUT(liveEverywhere(changeId, kInstances), 1500);
    QVERIFY2(QDateTime::currentDateTimeUtc() < start, "the change took too long to be live to see the start");

    std::vector<qint64> firstServedMs(instances_.size(), 0);
    const qint64 startMs = start.toMSecsSinceEpoch();
    while (QDateTime::currentMSecsSinceEpoch() < startMs + 1500) {
        for (size_t i = 0; i < instances_.size(); ++i) {
            if (firstServedMs[i])
                continue;
            const qint64 asked = QDateTime::currentMSecsSinceEpoch();
            const HttpAnswer answer = httpRequest("GET", instances_[i]->url() + QStringLiteral("/v1/delivery?app=a&country=fj&os=x"));
            if (answer.status == 200) {
                firstServedMs[i] = asked;
                QVERIFY2(asked >= startMs - 50, qPrintable(QStringLiteral("instance %1 served %2 ms early").arg(i).arg(startMs - asked)));
            } else {
                QCOMPARE(answer.status, 204);
            }
        }
        QTest::qWait(20);
    }
    for (size_t i = 0; i < instances_.size(); ++i) {
        QVERIFY2(firstServedMs[i] != 0, qPrintable(QStringLiteral("instance %1 never served it").arg(i)));
        qInfo("instance %zu served %lld ms after the start", i, firstServedMs[i] - startMs);
        QVERIFY(firstServedMs[i] <= startMs + 1000);
    }
    QCOMPARE(newestChange(), changeId); // no write in between
}

void ScaleOutTest::theBalancerReachesEveryInstance()
{
    QSet<QByteArray> servedBy;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const HttpAnswer ready = httpRequest("GET", haproxy_.url() + QStringLiteral("/readyz"));
        if (ready.status == 200)
            servedBy.insert(ready.headers.value("x-served-by"));
        return servedBy.size() == kInstances;
    }(), 10000);
    // Every instance registered itself with the address it serves on.
    QSet<QString> addresses;
    for (const QJsonValue &v : admin("GET", QStringLiteral("/api/v1/instances")).json().object().value(QStringLiteral("instances")).toArray())
        addresses.insert(v.toObject().value(QStringLiteral("address")).toString());
    for (const auto &instance : instances_)
        QVERIFY2(addresses.contains(instance->url()), qPrintable(instance->url()));
}

void ScaleOutTest::aChangeThroughOneInstanceIsLiveOnAll()
{
    const HttpAnswer created = admin("POST", QStringLiteral("/api/v1/campaigns"),
                                     R"({"code":"scaled","name":"Scaled","image":"https://x/s.png","cta":"Go",)"
                                     R"("rules":[{"dimension":"country","ruleType":"INCLUDE","values":["NZ"]}]})");
    QCOMPARE(created.status, 201);
    const qint64 changeId = created.headers.value("x-adserve-change-id").toLongLong();
    QVERIFY(changeId > 0);
    QTRY_VERIFY_WITH_TIMEOUT(liveEverywhere(changeId, kInstances), 5000);
    for (const auto &instance : instances_) {
        const HttpAnswer answer = httpRequest("GET", instance->url() + QStringLiteral("/v1/delivery?app=a&country=nz&os=x"));
        QCOMPARE(answer.status, 200);
        QVERIFY2(answer.body.contains("\"cid\":\"scaled\""), answer.body.constData());
    }
}

void ScaleOutTest::aChangeMadeInSqlIsLiveOnAll()
{
    // Every instance caches the campaign in the cluster first.
    const QString request = QStringLiteral("/v1/delivery?app=a&country=nz&os=x");
    for (const auto &instance : instances_)
        QVERIFY(httpRequest("GET", instance->url() + request).body.contains("\"cta\":\"Go\""));
    QVERIFY(sql(QStringLiteral("UPDATE campaigns SET cta = 'Changed in SQL' WHERE code = 'scaled'")));
    const qint64 changeId = newestChange();
    QTRY_VERIFY_WITH_TIMEOUT(liveEverywhere(changeId, kInstances), 5000);
    for (const auto &instance : instances_) {
        const HttpAnswer answer = httpRequest("GET", instance->url() + request);
        QVERIFY2(answer.body.contains("\"cta\":\"Changed in SQL\""), answer.body.constData());
    }
    // Through the balancer, whichever instance answers, the same.
    for (int i = 0; i < 2 * kInstances; ++i)
        QVERIFY(httpRequest("GET", haproxy_.url() + request).body.contains("Changed in SQL"));
    const QJsonObject change = admin("GET", QStringLiteral("/api/v1/changes?after=%1").arg(changeId - 1))
                                   .json().object().value(QStringLiteral("changes")).toArray().first().toObject();
    QCOMPARE(change.value(QStringLiteral("actor")).toString(), QStringLiteral("postgres"));
}

void ScaleOutTest::anInstanceThatStopsLeavesTheRegistry()
{
    instances_.back()->stop();
    QTRY_COMPARE_WITH_TIMEOUT(admin("GET", QStringLiteral("/api/v1/instances"))
                                  .json().object().value(QStringLiteral("instances")).toArray().size(),
                              kInstances - 1, 5000);
    const HttpAnswer created = admin("POST", QStringLiteral("/api/v1/campaigns"),
                                     R"({"code":"after-stop","name":"After","image":"https://x/a.png","cta":"Go"})");
    QCOMPARE(created.status, 201);
    QTRY_VERIFY_WITH_TIMEOUT(liveEverywhere(created.headers.value("x-adserve-change-id").toLongLong(), kInstances - 1), 5000);
}

QTEST_GUILESS_MAIN(ScaleOutTest)
#include "tst_scaleout.moc"
