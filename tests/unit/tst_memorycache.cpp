// The embedded default cache plugin, loaded the way the engine loads it.
#include "cache/CachePlugins.h"
#include "TestRedis.h"

#include <QTest>
#include <QtConcurrent>

using namespace adserve;
using namespace std::chrono_literals;

class MemoryCacheTest : public QObject
{
    Q_OBJECT
private slots:
    void loadsByScheme();
    void unknownSchemeIsClearError();
    void getSetRemove();
    void keepsValuesWithoutSpareCapacity();
    void ttlExpires();
    void ttlInspectAndEdit();
    void boundedEvictsLeastRecentlyUsed();
    void scanPagesThroughEverything();
    void concurrentUse();

private:
    std::unique_ptr<CacheBackend> make(qint64 maxEntries = 1000)
    {
        CacheSettings settings;
        settings.url = QStringLiteral("memory://");
        settings.maxEntries = maxEntries;
        QString error;
        auto backend = CachePlugins::create(settings, &error);
        if (!backend)
            qWarning("%s", qPrintable(error));
        return backend;
    }
};

void MemoryCacheTest::loadsByScheme()
{
    auto cache = make();
    QVERIFY(cache);
    QCOMPARE(cache->kind(), QStringLiteral("memory"));
    QVERIFY(CachePlugins::availableSchemes().contains(QStringLiteral("memory")));
}

void MemoryCacheTest::unknownSchemeIsClearError()
{
    CacheSettings settings;
    settings.url = QStringLiteral("nosuch://x");
    QString error;
    QVERIFY(!CachePlugins::create(settings, &error));
    QVERIFY2(error.contains(QStringLiteral("nosuch")), qPrintable(error));
}

void MemoryCacheTest::getSetRemove()
{
    auto cache = make();
    QVERIFY(cache->setMany({{"a", "1"}, {"b", "2"}}, 10s).ok());
    const auto got = cache->getMany({"a", "missing", "b"});
    QVERIFY(got.ok());
    QCOMPARE(got.value.size(), 3);
    QCOMPARE(*got.value[0], QByteArray("1"));
    QVERIFY(!got.value[1]);
    QCOMPARE(*got.value[2], QByteArray("2"));
    QCOMPARE(cache->remove({"a", "missing"}).value, 1);
    QVERIFY(!cache->getMany({"a"}).value[0]);
    QCOMPARE(cache->keyCount().value, 1);
}

// A value is often written with room to spare (encoded into a reserve): kept as it is, a
// million of them would hold ~190 MB for nothing, and a near cache could not share them.
void MemoryCacheTest::keepsValuesWithoutSpareCapacity()
{
    auto cache = make();
    QByteArray roomy;
    roomy.reserve(1024);
    roomy.append("{\"ID\":1}");
    QVERIFY(cache->setMany({{"a", roomy}}, 10s).ok());
    const QByteArray first = *cache->getMany({"a"}).value[0];
    QCOMPARE(first, roomy);
    QCOMPARE(first.capacity(), first.size());
    const QByteArray again = *cache->getMany({"a"}).value[0];
    QVERIFY(again.isSharedWith(first)); // one buffer for every reader, not a copy each
}

void MemoryCacheTest::ttlExpires()
{
    auto cache = make();
    QVERIFY(cache->setMany({{"short", "x"}}, 30ms).ok());
    QVERIFY(cache->getMany({"short"}).value[0]);
    QTRY_VERIFY_WITH_TIMEOUT(!cache->getMany({"short"}).value[0], 1000);
}

void MemoryCacheTest::ttlInspectAndEdit()
{
    auto cache = make();
    cache->setMany({{"k", "v"}}, 100s);
    cache->setMany({{"short", "v"}}, 1ms);
    cache->setMany({{"forever", "v"}}, 0ms);
    QTest::qWait(5); // "short" expires
    const auto details = cache->keyDetails({"k", "nope", "short", "forever"});
    QVERIFY(details.ok());
    QCOMPARE(details.value.size(), 4);
    QCOMPARE(details.value[0].type, QByteArray("string"));
    QVERIFY2(details.value[0].ttlMs > 99000 && details.value[0].ttlMs <= 100000,
             qPrintable(QString::number(details.value[0].ttlMs)));
    for (const int missing : {1, 2}) {
        QCOMPARE(details.value[missing].type, QByteArray("none"));
        QCOMPARE(details.value[missing].ttlMs, kTtlMissingKey);
    }
    QCOMPARE(details.value[3].type, QByteArray("string"));
    QCOMPARE(details.value[3].ttlMs, kTtlNoExpiry);
    QVERIFY(cache->keyDetails({}).value.isEmpty());

    QVERIFY(cache->setTtl("k", 0ms).value);
    QCOMPARE(cache->keyDetails({"k"}).value.value(0).ttlMs, kTtlNoExpiry);
    QVERIFY(!cache->setTtl("nope", 5s).value);
}

void MemoryCacheTest::boundedEvictsLeastRecentlyUsed()
{
    auto cache = make(16 * 4); // 4 entries per shard
    for (int i = 0; i < 1000; ++i)
        cache->setMany({{QByteArray::number(i), "v"}}, 0ms);
    QVERIFY(cache->keyCount().value <= 64);
    QVERIFY(cache->serverInfo().value.value(QStringLiteral("evicted_keys")).toLongLong() >= 1000 - 64);
    QVERIFY(cache->getMany({"999"}).value[0]); // the newest survives
}

void MemoryCacheTest::scanPagesThroughEverything()
{
    auto cache = make(100000);
    QList<QPair<QByteArray, QByteArray>> items;
    for (int i = 0; i < 2500; ++i)
        items.append({QByteArray("campaign:") + QByteArray::number(i), QByteArray("v")});
    items.append({QByteArray("other:1"), QByteArray("v")});
    cache->setMany(items, 0ms);
    const auto walk = test::walkScan([&](const QByteArray &cursor) {
        return cache->scan("campaign:*", cursor, 100);
    }, 10000);
    QVERIFY2(walk.ok(), qPrintable(walk.error));
    QCOMPARE(walk.keys.size(), 2500);
    QVERIFY(walk.cursors.size() > 1);
    QVERIFY(!cache->scan("*", "garbage", 10).ok());
}

void MemoryCacheTest::concurrentUse()
{
    auto cache = make(100000);
    QList<int> workers{0, 1, 2, 3};
    QtConcurrent::blockingMap(workers, [&](int w) {
        for (int i = 0; i < 2000; ++i) {
            const QByteArray key = QByteArray::number(w) + ':' + QByteArray::number(i);
            cache->setMany({{key, key}}, 10s);
            const auto got = cache->getMany({key});
            if (!got.value[0] || *got.value[0] != key)
                qFatal("lost a value under concurrency");
        }
    });
    QCOMPARE(cache->keyCount().value, 8000);
}

QTEST_GUILESS_MAIN(MemoryCacheTest)
#include "tst_memorycache.moc"
