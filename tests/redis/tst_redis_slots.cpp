// Redis Cluster key placement: CRC16/XMODEM and hash tags, checked against known vectors
// and against Redis's own CLUSTER KEYSLOT.
#include "RedisSlot.h"
#include "TestRedis.h"

#include <QRandomGenerator>
#include <QTest>

using namespace adserve;

class RedisSlotTest : public QObject
{
    Q_OBJECT

private slots:
    void crc16_data();
    void crc16();
    void slot_data();
    void slot();
    void sameTagSameSlot();
    void agreesWithRedis();
};

void RedisSlotTest::crc16_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("crc");
    QTest::newRow("check value") << QByteArray("123456789") << 0x31C3;
    QTest::newRow("empty") << QByteArray() << 0x0000;
    QTest::newRow("one byte") << QByteArray("a") << 0x7C87;
    QTest::newRow("binary") << QByteArray("\xff\x00key", 5) << 0x2A54;
}

void RedisSlotTest::crc16()
{
    QFETCH(QByteArray, bytes);
    QTEST(int(RedisSlot::crc16(bytes)), "crc");
}

void RedisSlotTest::slot_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("hashed");
    QTest::addColumn<int>("slot");
    QTest::newRow("plain key") << QByteArray("foo") << QByteArray("foo") << 12182;
    QTest::newRow("plain key 2") << QByteArray("hello") << QByteArray("hello") << 866;
    QTest::newRow("campaign key") << QByteArray("campaign:42") << QByteArray("campaign:42") << 8248;
    QTest::newRow("hash tag") << QByteArray("{user1000}.following") << QByteArray("user1000") << 3443;
    QTest::newRow("first tag wins") << QByteArray("foo{bar}{zap}") << QByteArray("bar") << 5061;
    QTest::newRow("empty tag: whole key") << QByteArray("foo{}{bar}") << QByteArray("foo{}{bar}") << 8363;
    QTest::newRow("tag up to first close") << QByteArray("foo{{bar}}zap") << QByteArray("{bar") << 4015;
    QTest::newRow("only braces") << QByteArray("{}") << QByteArray("{}") << 15257;
    QTest::newRow("unclosed tag") << QByteArray("{a") << QByteArray("{a") << 10276;
    QTest::newRow("close before open") << QByteArray("a}b{") << QByteArray("a}b{") << 6027;
    QTest::newRow("empty key") << QByteArray() << QByteArray() << 0;
    QTest::newRow("binary key") << QByteArray("\xff\x00key", 5) << QByteArray("\xff\x00key", 5) << 10836;
}

void RedisSlotTest::slot()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, hashed);
    QCOMPARE(RedisSlot::hashTag(key).toByteArray(), hashed);
    QTEST(RedisSlot::of(key), "slot");
}

void RedisSlotTest::sameTagSameSlot()
{
    QCOMPARE(RedisSlot::of("{user1000}.following"), RedisSlot::of("{user1000}.followers"));
    QCOMPARE(RedisSlot::of("{user1000}.following"), RedisSlot::of("user1000"));
    QVERIFY(RedisSlot::of("{user1000}.following") != RedisSlot::of("{user1001}.following"));
}

// Redis itself is the reference: a cluster-enabled server answers CLUSTER KEYSLOT.
void RedisSlotTest::agreesWithRedis()
{
    test::TestRedisServer server(test::TestRedisServer::Options{{}, {}, {}, true});
    QVERIFY2(server.start(), qPrintable(server.error()));
    QList<QByteArray> keys{"campaign:1", "campaign:999999", "{campaign}:7", "x{}y", "{{}}", "}{", "a{b}c{d}"};
    for (int i = 0; i < 40; ++i)
        keys.append("campaign:" + QByteArray::number(QRandomGenerator::global()->bounded(1, 10'000'000)));
    for (const QByteArray &key : keys) {
        const QByteArray answer = server.cli({QStringLiteral("CLUSTER"), QStringLiteral("KEYSLOT"), QString::fromLatin1(key)});
        QCOMPARE(RedisSlot::of(key), answer.toInt());
    }
}

QTEST_GUILESS_MAIN(RedisSlotTest)
#include "tst_redis_slots.moc"
