// The Redis client against a real three-master Redis Cluster: routing by slot, batches
// split across nodes, SCAN/DBSIZE over every master, MOVED after resharding, ASK and
// TRYAGAIN during a migration.
#include "RedisClusterClient.h"
#include "RedisSlot.h"
#include "TestRedis.h"

#include <QSet>
#include <QTest>

#include <algorithm>
#include <random>

using namespace adserve;
using namespace std::chrono_literals;

namespace {

// A key of the given slot, found by trying names: "<prefix>:<n>".
QByteArray keyInSlot(int slot, const QByteArray &prefix)
{
    for (int n = 0;; ++n) {
        const QByteArray key = prefix + ':' + QByteArray::number(n);
        if (RedisSlot::of(key) == slot)
            return key;
    }
}

} // namespace

class RedisClusterTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void slotMapFromShardsAndSlotsAgree();
    void routesKeysToTheirOwners();
    void batchesAcrossSlots_data();
    void batchesAcrossSlots();
    void scanAndDbsizeCoverEveryMaster();
    void followsMovedAndReloadsTheMap();
    void followsAskWithoutReloadingTheMap();
    void notAClusterIsAClearError();

private:
    RedisClusterClient &client() { return static_cast<RedisClusterClient &>(*m_client); }
    // GET through the client's own routing (slot map, MOVED, ASK); an error reply's text
    // comes back in place of the value, so a comparison that fails shows why.
    QByteArray routedGet(const QByteArray &key) { return m_client->execute({{"GET", key}, key}).bytes; }
    int otherNode(int node) const { return (node + 1) % m_cluster.size(); }

    test::TestRedisCluster m_cluster{3};
    std::unique_ptr<RedisClient> m_client;
};

void RedisClusterTest::initTestCase()
{
    QVERIFY2(m_cluster.start(), qPrintable(m_cluster.error()));
    RedisOptions defaults;
    defaults.cluster = true;
    const auto options = RedisOptions::fromUrl(m_cluster.url(), defaults);
    QVERIFY2(options.ok(), qPrintable(options.error));
    m_client = RedisClient::create(options.value);
    QVERIFY(m_client->isCluster());
}

void RedisClusterTest::init()
{
    m_cluster.flushAll();
}

void RedisClusterTest::slotMapFromShardsAndSlotsAgree()
{
    const RedisNodeAddress seed{QStringLiteral("127.0.0.1"), m_cluster.node(0).port()};
    const auto shards = RedisClusterTopology::fromShards(m_client->executeOn(seed, {"CLUSTER", "SHARDS"}), seed);
    const auto fromSlots = RedisClusterTopology::fromSlots(m_client->executeOn(seed, {"CLUSTER", "SLOTS"}), seed);
    QVERIFY2(shards.ok(), qPrintable(shards.error));
    QVERIFY2(fromSlots.ok(), qPrintable(fromSlots.error));
    QCOMPARE(shards.value.masters().size(), 3);
    QCOMPARE(shards.value.coveredSlots(), RedisSlot::kCount);
    QCOMPARE(fromSlots.value.coveredSlots(), RedisSlot::kCount);
    QCOMPARE(fromSlots.value.masters(), shards.value.masters());
    for (int slot = 0; slot < RedisSlot::kCount; ++slot)
        QCOMPARE(shards.value.nodeForSlot(slot), fromSlots.value.nodeForSlot(slot));

    const auto masters = m_client->masters();
    QVERIFY(masters.ok());
    QCOMPARE(masters.value, shards.value.masters());
}

void RedisClusterTest::routesKeysToTheirOwners()
{
    for (int slot : {0, 1, 5460, 5461, 8248, 10922, 10923, 16383}) {
        const auto node = client().nodeForSlot(slot);
        QVERIFY(node.has_value());
        QCOMPARE(m_cluster.indexOfPort(node->port), m_cluster.ownerOfSlot(slot));
    }
    // And the key really lands there.
    const QByteArray key = "campaign:42";
    QVERIFY(m_client->setMany({{key, "x"}}, 60s).ok());
    const int owner = m_cluster.ownerOfSlot(RedisSlot::of(key));
    QCOMPARE(m_cluster.node(owner).cli({QStringLiteral("GET"), QString::fromLatin1(key)}), QByteArray("x"));
}

void RedisClusterTest::batchesAcrossSlots_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<int>("count");
    QTest::newRow("campaign keys over every master") << QByteArray("campaign:") << 600;
    QTest::newRow("one hash tag, one slot") << QByteArray("{campaigns}:") << 300;
    QTest::newRow("a few keys") << QByteArray("c") << 3;
}

void RedisClusterTest::batchesAcrossSlots()
{
    QFETCH(QByteArray, prefix);
    QFETCH(int, count);
    QList<QPair<QByteArray, QByteArray>> items;
    QList<QByteArray> keys;
    for (int i = 0; i < count; ++i) {
        const QByteArray key = prefix + QByteArray::number(i);
        keys.append(key);
        if (i % 4 != 1) // gaps
            items.append({key, "value-" + QByteArray::number(i)});
    }
    const auto written = m_client->setMany(items, 60s);
    QVERIFY2(written.ok(), qPrintable(written.error));

    QCOMPARE(m_cluster.keyCount(), qint64(items.size()));

    std::shuffle(keys.begin(), keys.end(), std::mt19937(7));
    const auto values = m_client->mget(keys);
    QVERIFY2(values.ok(), qPrintable(values.error));
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const int n = keys.at(i).mid(prefix.size()).toInt();
        if (n % 4 == 1)
            QVERIFY(!values.value.at(i).has_value());
        else
            QCOMPARE(values.value.at(i).value_or("<missing>"), "value-" + QByteArray::number(n));
    }

    const auto removed = m_client->unlink(keys);
    QVERIFY2(removed.ok(), qPrintable(removed.error));
    QCOMPARE(removed.value, qint64(items.size()));
    QCOMPARE(m_client->dbsize().value, 0);
}

void RedisClusterTest::scanAndDbsizeCoverEveryMaster()
{
    QList<QPair<QByteArray, QByteArray>> items;
    QSet<QByteArray> expected;
    for (int i = 0; i < 240; ++i) {
        items.append({"campaign:" + QByteArray::number(i), "v"});
        expected.insert("campaign:" + QByteArray::number(i));
        items.append({"session:" + QByteArray::number(i), "v"});
    }
    QVERIFY(m_client->setMany(items, 60s).ok());
    for (int i = 0; i < m_cluster.size(); ++i)
        QVERIFY(m_cluster.node(i).cli({QStringLiteral("DBSIZE")}).toInt() > 0);

    const auto size = m_client->dbsize();
    QVERIFY2(size.ok(), qPrintable(size.error));
    QCOMPARE(size.value, qint64(items.size()));

    const auto walk = test::walkScan([&](const QByteArray &cursor) {
        return m_client->scan(cursor, "campaign:*", 25);
    });
    QVERIFY2(walk.ok(), qPrintable(walk.error));
    QCOMPARE(walk.keys, expected);
    QSet<QByteArray> nodesVisited;
    for (const QByteArray &cursor : walk.cursors)
        nodesVisited.insert(cursor.left(cursor.indexOf(':')));
    QVERIFY(nodesVisited.contains("1") && nodesVisited.contains("2"));

    const auto info = m_client->info();
    QVERIFY(info.ok());
    QCOMPARE(info.value.size(), 3);
    QVERIFY(m_client->ping().ok());
}

void RedisClusterTest::followsMovedAndReloadsTheMap()
{
    const int slot = 777;
    const QByteArray first = keyInSlot(slot, "moved");
    const QByteArray second = keyInSlot(slot, "moved-too");
    const QByteArray elsewhere = keyInSlot(12000, "elsewhere");
    QVERIFY(m_client->setMany({{first, "1"}, {second, "2"}, {elsewhere, "3"}}, 60s).ok());

    const int from = m_cluster.ownerOfSlot(slot);
    const int to = otherNode(from);
    QCOMPARE(m_cluster.indexOfPort(client().nodeForSlot(slot)->port), from);
    QVERIFY(m_cluster.moveSlot(slot, to));
    QCOMPARE(m_cluster.ownerOfSlot(slot), to);

    const auto before = client().stats();
    const auto values = m_client->mget({elsewhere, first, second});
    QVERIFY2(values.ok(), qPrintable(values.error));
    QCOMPARE(values.value, (QList<std::optional<QByteArray>>{"3", "1", "2"}));
    const auto after = client().stats();
    QCOMPARE(after.moved, before.moved + 1);
    QCOMPARE(after.topologyLoads, before.topologyLoads + 1);
    QCOMPARE(m_cluster.indexOfPort(client().nodeForSlot(slot)->port), to);

    // With the new map, no more redirects.
    QVERIFY(m_client->setMany({{first, "1b"}}, 60s).ok());
    QCOMPARE(routedGet(first), QByteArray("1b"));
    QCOMPARE(client().stats().moved, after.moved);
    QCOMPARE(m_cluster.node(to).cli({QStringLiteral("GET"), QString::fromLatin1(first)}), QByteArray("1b"));
}

void RedisClusterTest::followsAskWithoutReloadingTheMap()
{
    const int slot = 9001;
    const QByteArray moved = keyInSlot(slot, "ask");
    const QByteArray stays = keyInSlot(slot, "ask-stays");
    QVERIFY(m_client->setMany({{moved, "m"}, {stays, "s"}}, 60s).ok());
    const int from = m_cluster.ownerOfSlot(slot);
    const int to = otherNode(from);

    // Midway through a migration: one key already moved, the other not yet.
    QVERIFY(m_cluster.beginSlotMigration(slot, from, to));
    QVERIFY(m_cluster.migrateKeys(from, to, {moved}));

    const auto before = client().stats();
    QCOMPARE(routedGet(moved), QByteArray("m")); // ASK → ASKING → the target
    QCOMPARE(routedGet(stays), QByteArray("s")); // still served by the source
    auto after = client().stats();
    QCOMPARE(after.ask, before.ask + 1);
    QCOMPARE(after.moved, before.moved);
    QCOMPARE(after.topologyLoads, before.topologyLoads); // ASK leaves the map alone
    QCOMPARE(m_cluster.indexOfPort(client().nodeForSlot(slot)->port), from);

    // Both keys in one MGET: the source answers TRYAGAIN; the client asks key by key.
    const auto both = m_client->mget({stays, moved});
    QVERIFY2(both.ok(), qPrintable(both.error));
    QCOMPARE(both.value, (QList<std::optional<QByteArray>>{"s", "m"}));
    QVERIFY(client().stats().tryAgain > after.tryAgain);

    // A new key of the migrating slot is written to the target.
    const QByteArray fresh = keyInSlot(slot, "ask-new");
    QVERIFY(m_client->setMany({{fresh, "n"}}, 60s).ok());
    QCOMPARE(m_cluster.node(to).cli({QStringLiteral("CLUSTER"), QStringLiteral("COUNTKEYSINSLOT"),
                                      QString::number(slot)}),
             QByteArray("2"));

    // Finish the migration: now the source answers MOVED and the map is read again.
    QVERIFY(m_cluster.migrateKeys(from, to, {stays}));
    QVERIFY(m_cluster.assignSlot(slot, to));
    after = client().stats();
    QCOMPARE(routedGet(stays), QByteArray("s"));
    QCOMPARE(client().stats().moved, after.moved + 1);
    QCOMPARE(m_cluster.indexOfPort(client().nodeForSlot(slot)->port), to);
}

void RedisClusterTest::notAClusterIsAClearError()
{
    test::TestRedisServer standalone;
    QVERIFY2(standalone.start(), qPrintable(standalone.error()));
    RedisOptions defaults;
    defaults.cluster = true;
    auto client = RedisClient::create(RedisOptions::fromUrl(standalone.url(), defaults).value);
    const auto got = client->mget({"a"});
    QVERIFY(!got.ok());
    QVERIFY2(got.error.contains(QLatin1String("not a cluster node")), qPrintable(got.error));

    // And the other way round: a cluster read as a standalone server.
    auto plain = RedisClient::create(RedisOptions::fromUrl(m_cluster.url()).value);
    QList<QByteArray> keys;
    for (int i = 0; i < 20; ++i)
        keys.append("campaign:" + QByteArray::number(i));
    const auto moved = plain->mget(keys);
    QVERIFY(!moved.ok());
    QVERIFY2(moved.error.contains(QLatin1String("set REDIS_CLUSTER=true")), qPrintable(moved.error));
}

QTEST_GUILESS_MAIN(RedisClusterTest)
#include "tst_redis_cluster.moc"
