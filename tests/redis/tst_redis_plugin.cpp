// The Redis cache plugin, loaded the way the engine loads it, against a standalone Redis
// (with a password) and a three-master Redis Cluster: one conformance table for both,
// then the faults: bad URLs, Redis down at start-up, Redis killed mid-run, one cluster
// node of three failing.
#include "cache/CachePlugins.h"
#include "TestRedis.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QtConcurrent>

#include <limits>
#include <numeric>
#include <tuple>

using namespace adserve;
using namespace std::chrono_literals;
using test::TestRedisServer;

namespace {

std::unique_ptr<CacheBackend> load(const QString &url, bool cluster, QString *error)
{
    CacheSettings settings;
    settings.url = url;
    settings.cluster = cluster;
    return CachePlugins::create(settings, error);
}

// The JSON the Go service stores under campaign:<id>.
const QByteArray kGoValue =
    R"({"ID":42,"Code":"spotify","Name":"Spotify - Music for everyone","Image":"https://somelink",)"
    R"("CTA":"Download","Status":"ACTIVE","CreatedAt":"2024-05-01T10:00:00.123456Z",)"
    R"("UpdatedAt":"2024-05-01T10:00:00.123456Z","Deleted":false,"DeletedAt":null})";

} // namespace

class RedisPluginTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void loadsByScheme_data() { deployments(); }
    void loadsByScheme();
    void getSetRemove_data() { deployments(); }
    void getSetRemove();
    void readsWhatAnotherClientWrote_data() { deployments(); }
    void readsWhatAnotherClientWrote();
    void ttlExpires_data() { deployments(); }
    void ttlExpires();
    void ttlInspectAndEdit_data() { deployments(); }
    void ttlInspectAndEdit();
    void keyDetailsOfEveryType_data();
    void keyDetailsOfEveryType();
    void keyDetailsOfManyKeysInOrder_data() { deployments(); }
    void keyDetailsOfManyKeysInOrder();
    void keyDetailsErrorNamesTheCommand();
    void scanPagesThroughEverything_data() { deployments(); }
    void scanPagesThroughEverything();
    void serverInfoAndPing_data() { deployments(); }
    void serverInfoAndPing();
    void concurrentUse_data() { deployments(); }
    void concurrentUse();

    void unusableUrlsAreClearErrors_data();
    void unusableUrlsAreClearErrors();
    void redisDownAtStartup();
    void redisKilledMidRun_data() { deployments(); }
    void redisKilledMidRun();
    void oneFailedClusterNodeCostsOnlyItsKeys_data();
    void oneFailedClusterNodeCostsOnlyItsKeys();

private:
    void deployments();
    CacheBackend &backend();
    QString deployment() const { return QString::fromLatin1(QTest::currentDataTag()); }
    qint64 storedKeys(); // counted by redis-cli, not by the plugin
    // Runs redis-cli on the data row's deployment (following redirects in the cluster):
    // another client, writing what the plugin then reads.
    QByteArray cli(const QStringList &args);
    // The TTL keyDetails reports for one key; a failed call gives a TTL no key can have.
    qint64 ttlOf(const QByteArray &key);

    TestRedisServer m_standalone{TestRedisServer::Options{QStringLiteral("pa:ss@word"), {}, {}, false}};
    test::TestRedisCluster m_cluster{3};
    std::unique_ptr<CacheBackend> m_standaloneCache;
    std::unique_ptr<CacheBackend> m_clusterCache;
};

void RedisPluginTest::deployments()
{
    QTest::addColumn<bool>("cluster");
    QTest::newRow("standalone") << false;
    QTest::newRow("cluster") << true;
}

CacheBackend &RedisPluginTest::backend()
{
    QFETCH(bool, cluster);
    return cluster ? *m_clusterCache : *m_standaloneCache;
}

qint64 RedisPluginTest::storedKeys()
{
    QFETCH(bool, cluster);
    return cluster ? m_cluster.keyCount() : m_standalone.cli({QStringLiteral("DBSIZE")}).toLongLong();
}

QByteArray RedisPluginTest::cli(const QStringList &args)
{
    QFETCH(bool, cluster);
    return cluster ? m_cluster.node(0).cli(QStringList{QStringLiteral("-c")} + args) : m_standalone.cli(args);
}

qint64 RedisPluginTest::ttlOf(const QByteArray &key)
{
    const auto details = backend().keyDetails({key});
    return details.ok() && details.value.size() == 1 ? details.value.at(0).ttlMs
                                                      : std::numeric_limits<qint64>::min();
}

void RedisPluginTest::initTestCase()
{
    QVERIFY2(m_standalone.start(), qPrintable(m_standalone.error()));
    QVERIFY2(m_cluster.start(), qPrintable(m_cluster.error()));
    QString error;
    m_standaloneCache = load(m_standalone.url(), false, &error);
    QVERIFY2(m_standaloneCache, qPrintable(error));
    m_clusterCache = load(m_cluster.url(), true, &error);
    QVERIFY2(m_clusterCache, qPrintable(error));
}

void RedisPluginTest::init()
{
    m_standalone.cli({QStringLiteral("FLUSHALL")});
    m_cluster.flushAll();
}

void RedisPluginTest::loadsByScheme()
{
    QFETCH(bool, cluster);
    QCOMPARE(backend().kind(), cluster ? QStringLiteral("redis-cluster") : QStringLiteral("redis"));
    const QString where = backend().describe();
    QVERIFY2(where.startsWith(QLatin1String("redis://127.0.0.1:")), qPrintable(where));
    QVERIFY2(!where.contains(QLatin1String("pa:ss")) && !where.contains(QLatin1String("word")), qPrintable(where));
    QVERIFY(CachePlugins::availableSchemes().contains(QStringLiteral("redis")));
}

void RedisPluginTest::getSetRemove()
{
    QList<QPair<QByteArray, QByteArray>> items;
    QList<QByteArray> keys;
    for (int id = 1; id <= 120; ++id) {
        const QByteArray key = "campaign:" + QByteArray::number(id);
        keys.append(key);
        if (id % 5 != 0)
            items.append({key, id == 1 ? kGoValue : QByteArray("bytes\0\xff", 7) + QByteArray::number(id)});
    }
    QVERIFY(backend().setMany(items, 24h).ok());
    QCOMPARE(storedKeys(), qint64(items.size()));

    const auto got = backend().getMany(keys);
    QVERIFY2(got.ok(), qPrintable(got.error));
    QCOMPARE(got.value.size(), keys.size());
    for (int id = 1; id <= 120; ++id) {
        const std::optional<QByteArray> &value = got.value.at(id - 1);
        if (id % 5 == 0)
            QVERIFY(!value.has_value());
        else
            QCOMPARE(value.value_or("<missing>"),
                     id == 1 ? kGoValue : QByteArray("bytes\0\xff", 7) + QByteArray::number(id));
    }

    const auto removed = backend().remove({"campaign:1", "campaign:5", "campaign:2"});
    QVERIFY(removed.ok());
    QCOMPARE(removed.value, 2);
    QCOMPARE(backend().keyCount().value, qint64(items.size() - 2));
    QVERIFY(!backend().getMany({"campaign:1"}).value.at(0).has_value());
    QVERIFY(backend().getMany({}).ok());
}

void RedisPluginTest::readsWhatAnotherClientWrote()
{
    // Another service (here redis-cli) writes the Go JSON; the plugin returns the same bytes.
    cli({QStringLiteral("SET"), QStringLiteral("campaign:42"), QString::fromUtf8(kGoValue), QStringLiteral("EX"),
         QStringLiteral("86400")});
    const auto got = backend().getMany({"campaign:42"});
    QVERIFY2(got.ok(), qPrintable(got.error));
    QCOMPARE(got.value.at(0).value_or("<missing>"), kGoValue);
    const qint64 ttl = ttlOf("campaign:42");
    QVERIFY2(ttl > 86'000'000 && ttl <= 86'400'000, qPrintable(QString::number(ttl)));
}

void RedisPluginTest::ttlExpires()
{
    QVERIFY(backend().setMany({{"short", "x"}, {"long", "y"}}, 40ms).ok());
    QVERIFY(backend().getMany({"short"}).value.at(0).has_value());
    QTRY_VERIFY_WITH_TIMEOUT(!backend().getMany({"short"}).value.at(0).has_value(), 2000);
}

void RedisPluginTest::ttlInspectAndEdit()
{
    QVERIFY(backend().setMany({{"k", "v"}}, 100s).ok());
    qint64 ttl = ttlOf("k");
    QVERIFY2(ttl > 99'000 && ttl <= 100'000, qPrintable(QString::number(ttl)));
    QCOMPARE(ttlOf("missing"), kTtlMissingKey);

    QCOMPARE(backend().setTtl("k", 0ms).value, true); // persist
    QCOMPARE(ttlOf("k"), kTtlNoExpiry);
    QCOMPARE(backend().setTtl("k", 0ms).value, true); // already without expiry: still there
    QCOMPARE(backend().setTtl("k", 5s).value, true);
    ttl = ttlOf("k");
    QVERIFY2(ttl > 4000 && ttl <= 5000, qPrintable(QString::number(ttl)));
    QCOMPARE(backend().setTtl("missing", 5s).value, false);
    QCOMPARE(backend().setTtl("missing", 0ms).value, false);

    QVERIFY(backend().setMany({{"forever", "v"}}, 0ms).ok());
    QCOMPARE(ttlOf("forever"), kTtlNoExpiry);
}

void RedisPluginTest::keyDetailsOfEveryType_data()
{
    QTest::addColumn<bool>("cluster");
    QTest::addColumn<QStringList>("write"); // what another client runs to create "k"
    QTest::addColumn<QByteArray>("type");
    const QList<std::tuple<const char *, QStringList, QByteArray>> kinds{
        {"string", {"SET", "k", "v"}, "string"},
        {"hash", {"HSET", "k", "field", "v"}, "hash"},
        {"list", {"RPUSH", "k", "a", "b"}, "list"},
        {"set", {"SADD", "k", "a"}, "set"},
        {"sorted set", {"ZADD", "k", "1", "a"}, "zset"},
        {"stream", {"XADD", "k", "*", "field", "v"}, "stream"},
    };
    for (const bool cluster : {false, true}) {
        for (const auto &[name, write, type] : kinds)
            QTest::addRow("%s %s", cluster ? "cluster" : "standalone", name) << cluster << write << type;
    }
}

void RedisPluginTest::keyDetailsOfEveryType()
{
    QFETCH(QStringList, write);
    QFETCH(QByteArray, type);
    cli(write);
    cli({QStringLiteral("PEXPIRE"), QStringLiteral("k"), QStringLiteral("100000")});
    QVERIFY(backend().setMany({{"forever", "v"}}, 0ms).ok());

    const auto details = backend().keyDetails({"k", "missing", "forever"});
    QVERIFY2(details.ok(), qPrintable(details.error));
    QCOMPARE(details.value.size(), 3);
    QCOMPARE(details.value.at(0).type, type);
    const qint64 ttl = details.value.at(0).ttlMs;
    QVERIFY2(ttl > 99'000 && ttl <= 100'000, qPrintable(QString::number(ttl)));
    QCOMPARE(details.value.at(1).type, QByteArray("none"));
    QCOMPARE(details.value.at(1).ttlMs, kTtlMissingKey);
    QCOMPARE(details.value.at(2).type, QByteArray("string"));
    QCOMPARE(details.value.at(2).ttlMs, kTtlNoExpiry);
}

void RedisPluginTest::keyDetailsOfManyKeysInOrder()
{
    // 300 keys, every third missing, each string with a TTL of its own, a few hashes:
    // in a cluster they spread over every master, and still come back in the asked order.
    QFETCH(bool, cluster);
    const auto keyOf = [](int i) -> QByteArray { return "campaign:" + QByteArray::number(i); };
    QList<int> ids(300);
    std::iota(ids.rbegin(), ids.rend(), 0); // asked for in descending order
    for (const int i : ids) {
        const QByteArray key = keyOf(i);
        if (i % 3 == 1)
            continue;
        if (i % 50 == 0)
            cli({QStringLiteral("HSET"), QString::fromLatin1(key), QStringLiteral("field"), QStringLiteral("v")});
        else
            QVERIFY(backend().setMany({{key, "v"}}, std::chrono::minutes(10 + i)).ok());
    }
    if (cluster) {
        for (int node = 0; node < m_cluster.size(); ++node)
            QVERIFY(m_cluster.node(node).cli({QStringLiteral("DBSIZE")}).toLongLong() > 0);
    }

    QList<QByteArray> keys;
    for (const int i : ids)
        keys.append(keyOf(i));
    const auto details = backend().keyDetails(keys);
    QVERIFY2(details.ok(), qPrintable(details.error));
    QCOMPARE(details.value.size(), keys.size());
    for (qsizetype at = 0; at < keys.size(); ++at) {
        const int i = ids.at(at);
        const CacheKeyDetails &got = details.value.at(at);
        if (i % 3 == 1) {
            QCOMPARE(got.type, QByteArray("none"));
            QCOMPARE(got.ttlMs, kTtlMissingKey);
        } else if (i % 50 == 0) {
            QCOMPARE(got.type, QByteArray("hash"));
            QCOMPARE(got.ttlMs, kTtlNoExpiry);
        } else {
            QCOMPARE(got.type, QByteArray("string"));
            const qint64 expected = (10 + i) * 60'000; // a minute apart: a swapped neighbour fails
            QVERIFY2(got.ttlMs > expected - 10'000 && got.ttlMs <= expected,
                     qPrintable(QStringLiteral("%1: %2").arg(QString::fromLatin1(keys.at(at))).arg(got.ttlMs)));
        }
    }

    const auto none = backend().keyDetails({});
    QVERIFY2(none.ok(), qPrintable(none.error));
    QVERIFY(none.value.isEmpty());
}

void RedisPluginTest::keyDetailsErrorNamesTheCommand()
{
    // A user that may run TYPE but not PTTL gets Redis's own refusal, named.
    QCOMPARE(m_standalone.cli({QStringLiteral("SET"), QStringLiteral("k"), QStringLiteral("v")}), QByteArray("OK"));
    QCOMPARE(m_standalone.cli({QStringLiteral("ACL"), QStringLiteral("SETUSER"), QStringLiteral("nopttl"),
                               QStringLiteral("on"), QStringLiteral(">secret"), QStringLiteral("~*"),
                               QStringLiteral("+@all"), QStringLiteral("-pttl")}),
             QByteArray("OK"));
    QString error;
    const auto limited = load(QStringLiteral("redis://nopttl:secret@%1").arg(m_standalone.address()), false, &error);
    QVERIFY2(limited, qPrintable(error));
    const auto details = limited->keyDetails({"k"});
    QVERIFY(!details.ok());
    QVERIFY2(details.error.startsWith(QLatin1String("PTTL failed: NOPERM")), qPrintable(details.error));
}

void RedisPluginTest::scanPagesThroughEverything()
{
    QList<QPair<QByteArray, QByteArray>> items;
    QSet<QByteArray> campaigns;
    for (int i = 0; i < 250; ++i) {
        items.append({"campaign:" + QByteArray::number(i), "v"});
        campaigns.insert("campaign:" + QByteArray::number(i));
        items.append({"other:" + QByteArray::number(i), "v"});
    }
    QVERIFY(backend().setMany(items, 60s).ok());
    QCOMPARE(backend().keyCount().value, 500);

    const auto walk = test::walkScan([&](const QByteArray &cursor) {
        return backend().scan("campaign:*", cursor, 40);
    });
    QVERIFY2(walk.ok(), qPrintable(walk.error));
    QCOMPARE(walk.keys, campaigns);

    const auto everything = backend().scan("", "0", 100000);
    QVERIFY(everything.ok());
    QVERIFY(!backend().scan("*", "junk", 10).ok());
}

void RedisPluginTest::serverInfoAndPing()
{
    QFETCH(bool, cluster);
    QVERIFY(backend().setMany({{"a", "1"}, {"b", "2"}}, 60s).ok());
    backend().getMany({"a", "missing"});
    const auto info = backend().serverInfo();
    QVERIFY2(info.ok(), qPrintable(info.error));
    const QVariantMap &fields = info.value;
    QVERIFY2(fields.value(QStringLiteral("redis_version")).toString().startsWith(QLatin1String("7.")),
             qPrintable(fields.value(QStringLiteral("redis_version")).toString()));
    QVERIFY(!fields.value(QStringLiteral("used_memory_human")).toString().isEmpty());
    QCOMPARE(fields.value(QStringLiteral("keys")).toLongLong(), 2);
    QVERIFY(fields.value(QStringLiteral("keyspace_hits")).toLongLong() >= 1);
    QVERIFY(fields.value(QStringLiteral("keyspace_misses")).toLongLong() >= 1);
    QVERIFY(fields.value(QStringLiteral("connected_clients")).toLongLong() >= 1);
    const QVariantList nodes = fields.value(QStringLiteral("nodes")).toList();
    QCOMPARE(nodes.size(), cluster ? 3 : 1);
    qint64 keysOnNodes = 0;
    for (const QVariant &node : nodes)
        keysOnNodes += node.toMap().value(QStringLiteral("keys")).toLongLong();
    QCOMPARE(keysOnNodes, 2);
    QCOMPARE(fields.contains(QStringLiteral("cluster_redirects_moved")), cluster);
    QVERIFY(!QVariant(fields).toString().contains(QLatin1String("pa:ss@word")));

    const auto ping = backend().ping();
    QVERIFY2(ping.ok(), qPrintable(ping.error));
}

void RedisPluginTest::concurrentUse()
{
    CacheBackend *cache = &backend();
    QList<int> workers(8);
    std::iota(workers.begin(), workers.end(), 0);
    const QList<int> failures = QtConcurrent::blockingMapped(workers, [cache](int worker) {
        int failed = 0;
        for (int round = 0; round < 50; ++round) {
            QList<QPair<QByteArray, QByteArray>> items;
            QList<QByteArray> keys;
            for (int i = 0; i < 30; ++i) {
                const QByteArray key = "campaign:" + QByteArray::number(worker * 1000 + i);
                keys.append(key);
                items.append({key, QByteArray::number(round)});
            }
            failed += !cache->setMany(items, 60s).ok();
            const auto got = cache->getMany(keys);
            failed += !got.ok();
            for (const auto &value : got.value)
                failed += value != QByteArray::number(round);
        }
        return failed;
    });
    QCOMPARE(std::accumulate(failures.begin(), failures.end(), 0), 0);
}

void RedisPluginTest::unusableUrlsAreClearErrors_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("error");
    QTest::newRow("TLS") << "rediss://:pw@cache.example:6380" << "no TLS";
    QTest::newRow("bad port") << "redis://127.0.0.1:99999" << "port \"99999\"";
    QTest::newRow("bad database") << "redis://127.0.0.1:6379/one" << "database \"one\"";
}

void RedisPluginTest::unusableUrlsAreClearErrors()
{
    QFETCH(QString, url);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!load(url, false, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
}

void RedisPluginTest::redisDownAtStartup()
{
    TestRedisServer later;
    QVERIFY2(later.start(), qPrintable(later.error()));
    later.stop();

    QString error;
    auto cache = load(later.url(), false, &error);
    QVERIFY2(cache, qPrintable(error)); // created without Redis
    QElapsedTimer timer;
    timer.start();
    const auto down = cache->getMany({"campaign:1"});
    QVERIFY(!down.ok());
    QVERIFY2(down.error.contains(QLatin1String("cannot connect")), qPrintable(down.error));
    QVERIFY(!cache->ping().ok());
    QVERIFY(!cache->serverInfo().ok());
    const auto details = cache->keyDetails({"campaign:1"});
    QVERIFY(!details.ok());
    QVERIFY2(details.error.startsWith(QLatin1String("TYPE failed: ")), qPrintable(details.error));
    QVERIFY(cache->keyDetails({}).ok()); // nothing to ask: no round trip
    QVERIFY(timer.elapsed() < 100);

    QVERIFY2(later.restart(), qPrintable(later.error()));
    QTRY_VERIFY_WITH_TIMEOUT(cache->ping().ok(), 3000);
    QVERIFY(cache->setMany({{"campaign:1", "v"}}, 60s).ok());
    QCOMPARE(cache->getMany({"campaign:1"}).value.at(0).value_or(""), "v");
}

void RedisPluginTest::redisKilledMidRun()
{
    QFETCH(bool, cluster);
    TestRedisServer &victim = cluster ? m_cluster.node(1) : m_standalone;
    QList<QByteArray> keys;
    QList<QPair<QByteArray, QByteArray>> items;
    for (int i = 0; i < 50; ++i) {
        keys.append("campaign:" + QByteArray::number(i));
        items.append({keys.last(), "v"});
    }
    QVERIFY(backend().setMany(items, 60s).ok());
    QVERIFY(backend().getMany(keys).ok());

    victim.kill();
    // Every call during the outage answers quickly with an error: none hangs.
    QElapsedTimer outage;
    outage.start();
    qint64 slowestMs = 0;
    int calls = 0;
    while (outage.elapsed() < 400) {
        QElapsedTimer call;
        call.start();
        const auto got = backend().getMany(keys);
        slowestMs = std::max(slowestMs, call.elapsed());
        QVERIFY(!got.ok());
        QVERIFY(!got.error.isEmpty());
        // One server fails whole; a cluster still answers for the nodes that are up.
        QCOMPARE(got.partial, cluster);
        if (!cluster)
            QVERIFY(got.value.isEmpty());
        ++calls;
        QTest::qWait(5);
    }
    QVERIFY(!backend().ping().ok());
    qInfo("%d calls during the outage, the slowest took %lld ms", calls, slowestMs);
    QVERIFY(slowestMs < 100);

    QVERIFY2(victim.restart(), qPrintable(victim.error()));
    if (cluster)
        QVERIFY(m_cluster.waitUntilHealthy(10000));
    QElapsedTimer recovery;
    recovery.start();
    QTRY_VERIFY_WITH_TIMEOUT(backend().getMany(keys).ok(), 5000);
    qInfo("recovered %lld ms after the restart", recovery.elapsed());
    QVERIFY(backend().setMany(items, 60s).ok());
    QVERIFY(backend().ping().ok());
}

void RedisPluginTest::oneFailedClusterNodeCostsOnlyItsKeys_data()
{
    QTest::addColumn<bool>("killed");
    QTest::newRow("paused (hangs past the command timeout)") << false;
    QTest::newRow("killed (refuses connections)") << true;
}

void RedisPluginTest::oneFailedClusterNodeCostsOnlyItsKeys()
{
    QFETCH(bool, killed);
    CacheBackend &cache = *m_clusterCache;
    QList<QByteArray> keys;
    QList<QPair<QByteArray, QByteArray>> items;
    for (int i = 0; i < 30; ++i) {
        keys.append("campaign:" + QByteArray::number(i));
        items.append({keys.last(), "v" + QByteArray::number(i)});
    }
    // Every node answers (after a fault, a node is retried once its backoff has passed).
    QTRY_VERIFY_WITH_TIMEOUT(cache.setMany(items, 60s).ok(), 5000);
    const int failing = 1;
    const QSet<QByteArray> lost = m_cluster.keysOn(failing);
    for (int i = 0; i < m_cluster.size(); ++i)
        QVERIFY2(!m_cluster.keysOn(i).isEmpty(), "the keys must be spread over every master");

    TestRedisServer &node = m_cluster.node(failing);
    killed ? node.kill() : node.pause();
    QElapsedTimer timer;
    timer.start();
    const auto got = cache.getMany(keys);
    const qint64 tookMs = timer.elapsed();
    // Back before checking, so that a failed check leaves a healthy cluster behind.
    if (killed)
        QVERIFY2(node.restart(), qPrintable(node.error()));
    else
        node.resume();
    QVERIFY(m_cluster.waitUntilHealthy(10000));

    QVERIFY(!got.ok());
    QVERIFY(got.partial);
    QVERIFY2(got.error.contains(node.address()), qPrintable(got.error));
    QVERIFY2(tookMs < 1000, qPrintable(QString::number(tookMs)));
    QCOMPARE(got.value.size(), keys.size());
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const QByteArray expected = lost.contains(keys.at(i)) ? QByteArray("<absent>") : items.at(i).second;
        QCOMPARE(got.value.at(i).value_or("<absent>"), expected);
    }

    // Back: whole answers again (a killed node lost its keys: they are written again).
    QTRY_VERIFY_WITH_TIMEOUT(cache.setMany(items, 60s).ok(), 5000);
    const auto whole = cache.getMany(keys);
    QVERIFY2(whole.ok(), qPrintable(whole.error));
    for (qsizetype i = 0; i < keys.size(); ++i)
        QCOMPARE(whole.value.at(i).value_or("<absent>"), items.at(i).second);
}

QTEST_GUILESS_MAIN(RedisPluginTest)
#include "tst_redis_plugin.moc"
