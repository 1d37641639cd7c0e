// The Redis client against real standalone servers: commands, pipelining, AUTH,
// timeouts, reconnection and per-thread connections.
#include "RedisClient.h"
#include "RedisTestClient.h"
#include "TestRedis.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <random>

using namespace adserve;
using namespace std::chrono_literals;
using test::TestRedisServer;
using test::clientFor;

namespace {

// One single-key command through the client: `verb key [args...]`.
RedisReply run(RedisClient &client, const RedisArgs &args)
{
    return client.execute({args, args.value(1)});
}

// How many connections the client has open: it names them "adserve".
int adserveConnections(const TestRedisServer &server)
{
    return int(server.cli({QStringLiteral("CLIENT"), QStringLiteral("LIST")}).count("name=adserve "));
}

} // namespace

class RedisClientTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void roundTripsBytes_data();
    void roundTripsBytes();
    void mgetKeepsTheCallersOrder();
    void mgetInCommandsOfAtMost();
    void setManyExpiry_data();
    void setManyExpiry();
    void removeCountsExistingKeys();
    void inspection();
    void scanVisitsEveryMatchingKey();
    void infoDbsizePing();
    void selectsTheDatabase();

    void authentication_data();
    void authentication();

    void hungServerTimesOut_data();
    void hungServerTimesOut();
    void connectingToAHungServerTimesOut();
    void refusedConnectionFailsFastAndBacksOff();
    void reconnectsAfterRestart_data();
    void reconnectsAfterRestart();
    void connectionClosedByTheServerIsReopened();

    void connectionsArePerThread();
    void destroyingTheClientClosesItsConnections();

private:
    TestRedisServer m_server;
    TestRedisServer m_secured{TestRedisServer::Options{QStringLiteral("s3cret pass"), QStringLiteral("reader"),
                                                       QStringLiteral("reader-pw"), false}};
    std::unique_ptr<RedisClient> m_client;
};

void RedisClientTest::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.error()));
    QVERIFY2(m_secured.start(), qPrintable(m_secured.error()));
    m_client = clientFor(m_server.url());
}

void RedisClientTest::init()
{
    if (!m_server.isRunning())
        QVERIFY2(m_server.restart(), qPrintable(m_server.error()));
    m_server.resume();
    m_server.cli({QStringLiteral("FLUSHALL")});
    // The previous test may have left the node in backoff: wait for it to answer again.
    QTRY_VERIFY_WITH_TIMEOUT(m_client->ping().ok(), 3000);
}

void RedisClientTest::roundTripsBytes_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("NUL bytes and CRLF") << QByteArray("a\0b\r\nc\0", 7);
    QTest::newRow("every byte") << [] {
        QByteArray all;
        for (int i = 0; i < 256; ++i)
            all.append(char(i));
        return all;
    }();
    QTest::newRow("Go service JSON") << QByteArray(
        R"({"ID":7,"Code":"cmp-7","Name":"Spotify – été","Image":"https://x/y.png","CTA":"Download",)"
        R"("Status":"ACTIVE","CreatedAt":"2024-01-02T03:04:05Z","UpdatedAt":"2024-01-02T03:04:05Z",)"
        R"("Deleted":false,"DeletedAt":null})");
    QTest::newRow("1 MiB") << QByteArray(1 << 20, 'x');
}

void RedisClientTest::roundTripsBytes()
{
    QFETCH(QByteArray, value);
    // About bytes, not time: a MiB may take longer than 50 ms on a loaded machine.
    auto client = clientFor(m_server.url() + QStringLiteral("?command_timeout_ms=2000"));
    const QByteArray key("bytes:\x01 key");
    QVERIFY(client->setMany({{key, value}}, 0ms).ok());
    const RedisReply got = run(*client, {"GET", key});
    QVERIFY2(!got.isError(), qPrintable(got.errorText()));
    QCOMPARE(got.type, RedisReply::Type::String);
    QCOMPARE(got.bytes, value);
    QCOMPARE(m_server.cli({QStringLiteral("STRLEN"), QString::fromLatin1(key)}).toLongLong(), qint64(value.size()));

    const QByteArray binaryKey("key\0\xff\r\n", 7);
    QVERIFY(client->setMany({{binaryKey, value}}, 60s).ok());
    QCOMPARE(client->mget({binaryKey, key}).value, (QList<std::optional<QByteArray>>{value, value}));
}

void RedisClientTest::mgetKeepsTheCallersOrder()
{
    // 1000 keys, every third missing, asked for in a shuffled order.
    QList<QPair<QByteArray, QByteArray>> items;
    QList<QByteArray> keys;
    for (int i = 0; i < 1000; ++i) {
        const QByteArray key = "order:" + QByteArray::number(i);
        keys.append(key);
        if (i % 3 != 0)
            items.append({key, "value-" + QByteArray::number(i)});
    }
    QVERIFY(m_client->setMany(items, 60s).ok());
    QCOMPARE(m_server.cli({QStringLiteral("DBSIZE")}).toInt(), int(items.size()));

    std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
    const auto values = m_client->mget(keys);
    QVERIFY2(values.ok(), qPrintable(values.error));
    QCOMPARE(values.value.size(), keys.size());
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const int n = keys.at(i).mid(6).toInt();
        if (n % 3 == 0)
            QVERIFY2(!values.value.at(i).has_value(), keys.at(i).constData());
        else
            QCOMPARE(values.value.at(i).value_or("<missing>"), "value-" + QByteArray::number(n));
    }
    QVERIFY(m_client->mget({}).ok());
}

// The delivery path's shared reads: MGETs of at most N keys each, pipelined, the values in
// the caller's order.
void RedisClientTest::mgetInCommandsOfAtMost()
{
    QList<QPair<QByteArray, QByteArray>> items;
    QList<QByteArray> keys;
    for (int i = 0; i < 10; ++i) {
        keys.append("batch:" + QByteArray::number(i));
        if (i != 4)
            items.append({keys.back(), "v" + QByteArray::number(i)});
    }
    QVERIFY(m_client->setMany(items, 60s).ok());
    m_server.cli({QStringLiteral("CONFIG"), QStringLiteral("RESETSTAT")});
    const auto values = m_client->mget(keys, 3);
    QVERIFY2(values.ok(), qPrintable(values.error));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(values.value.at(i).value_or("<missing>"), i == 4 ? QByteArray("<missing>") : QByteArray("v" + QByteArray::number(i)));
    // 10 keys, 3 a command: 4 MGETs.
    QVERIFY2(m_server.cli({QStringLiteral("INFO"), QStringLiteral("commandstats")}).contains("cmdstat_mget:calls=4,"),
             m_server.cli({QStringLiteral("INFO"), QStringLiteral("commandstats")}).constData());
}

void RedisClientTest::setManyExpiry_data()
{
    QTest::addColumn<qint64>("ttlMs");
    QTest::addColumn<qint64>("minPttl");
    QTest::addColumn<qint64>("maxPttl");
    QTest::newRow("24 h, the Go service's TTL") << qint64(86'400'000) << qint64(86'390'000) << qint64(86'400'000);
    QTest::newRow("1.5 s") << qint64(1500) << qint64(1000) << qint64(1500);
    QTest::newRow("no expiry") << qint64(0) << qint64(-1) << qint64(-1);
}

void RedisClientTest::setManyExpiry()
{
    QFETCH(qint64, ttlMs);
    QFETCH(qint64, minPttl);
    QFETCH(qint64, maxPttl);
    QVERIFY(m_client->setMany({{"ttl:a", "1"}, {"ttl:b", "2"}}, std::chrono::milliseconds(ttlMs)).ok());
    for (const char *key : {"ttl:a", "ttl:b"}) {
        const qint64 pttl = m_server.cli({QStringLiteral("PTTL"), QLatin1String(key)}).toLongLong();
        QVERIFY2(pttl >= minPttl && pttl <= maxPttl, qPrintable(QString::number(pttl)));
        const RedisReply ours = run(*m_client, {"PTTL", key});
        QCOMPARE(ours.type, RedisReply::Type::Integer);
        QVERIFY2(ours.integer >= minPttl && ours.integer <= maxPttl, qPrintable(QString::number(ours.integer)));
    }
}

void RedisClientTest::removeCountsExistingKeys()
{
    QVERIFY(m_client->setMany({{"rm:1", "a"}, {"rm:2", "b"}, {"rm:3", "c"}}, 60s).ok());
    const auto unlinked = m_client->unlink({"rm:1", "rm:2", "rm:missing"});
    QVERIFY2(unlinked.ok(), qPrintable(unlinked.error));
    QCOMPARE(unlinked.value, 2);
    const auto again = m_client->unlink({"rm:3", "rm:1"}); // rm:1 is gone already
    QVERIFY2(again.ok(), qPrintable(again.error));
    QCOMPARE(again.value, 1);
    QCOMPARE(m_server.cli({QStringLiteral("DBSIZE")}).toInt(), 0);
}

void RedisClientTest::inspection()
{
    QVERIFY(m_client->setMany({{"campaign:1", "{}"}}, 0ms).ok());
    m_server.cli({QStringLiteral("RPUSH"), QStringLiteral("a-list"), QStringLiteral("x")});

    QCOMPARE(m_server.cli({QStringLiteral("TYPE"), QStringLiteral("campaign:1")}), QByteArray("string"));
    QCOMPARE(m_server.cli({QStringLiteral("PTTL"), QStringLiteral("campaign:1")}), QByteArray("-1"));

    // Status and negative integer replies reach the caller as Redis sent them.
    for (const auto &[key, type] : {std::pair{"a-list", "list"}, std::pair{"nothing", "none"}}) {
        const RedisReply reply = run(*m_client, {"TYPE", key});
        QCOMPARE(reply.type, RedisReply::Type::Status);
        QCOMPARE(reply.bytes, QByteArray(type));
    }
    const RedisReply noKey = run(*m_client, {"PTTL", "nothing"});
    QCOMPARE(noKey.type, RedisReply::Type::Integer);
    QCOMPARE(noKey.integer, -2);

    QCOMPARE(m_client->pexpire("campaign:1", 30s).value, true);
    const qint64 pttl = m_server.cli({QStringLiteral("PTTL"), QStringLiteral("campaign:1")}).toLongLong();
    QVERIFY2(pttl > 29'000 && pttl <= 30'000, qPrintable(QString::number(pttl)));
    const auto missingExpiry = m_client->pexpire("nothing", 30s);
    QVERIFY2(missingExpiry.ok(), qPrintable(missingExpiry.error));
    QCOMPARE(missingExpiry.value, false);

    // PERSIST answers 1 when it removed an expiry, 0 when there was none.
    const RedisReply persisted = run(*m_client, {"PERSIST", "campaign:1"});
    QCOMPARE(persisted.type, RedisReply::Type::Integer);
    QCOMPARE(persisted.integer, 1);
    QCOMPARE(m_server.cli({QStringLiteral("PTTL"), QStringLiteral("campaign:1")}), QByteArray("-1"));
    const RedisReply again = run(*m_client, {"PERSIST", "campaign:1"});
    QCOMPARE(again.type, RedisReply::Type::Integer);
    QCOMPARE(again.integer, 0);

    QVERIFY(run(*m_client, {"GET", "nothing"}).isNil());
    const RedisReply wrongType = run(*m_client, {"GET", "a-list"});
    QCOMPARE(wrongType.type, RedisReply::Type::Error);
    QCOMPARE(wrongType.errorCode(), QByteArray("WRONGTYPE"));
    QVERIFY(m_client->ping().ok()); // an error reply leaves the connection usable
}

void RedisClientTest::scanVisitsEveryMatchingKey()
{
    QList<QPair<QByteArray, QByteArray>> items;
    QSet<QByteArray> expected;
    for (int i = 0; i < 300; ++i) {
        items.append({"campaign:" + QByteArray::number(i), "v"});
        expected.insert("campaign:" + QByteArray::number(i));
        items.append({"other:" + QByteArray::number(i), "v"});
    }
    QVERIFY(m_client->setMany(items, 60s).ok());

    const auto walk = test::walkScan([&](const QByteArray &cursor) {
        return m_client->scan(cursor, "campaign:*", 50);
    });
    QVERIFY2(walk.ok(), qPrintable(walk.error));
    QCOMPARE(walk.keys, expected);
    QVERIFY(walk.cursors.size() > 1);

    const auto badCursor = m_client->scan("not-a-cursor", "*", 10);
    QVERIFY(!badCursor.ok());
    QVERIFY2(badCursor.error.contains(QLatin1String("invalid cursor")), qPrintable(badCursor.error));
}

void RedisClientTest::infoDbsizePing()
{
    QVERIFY(m_client->setMany({{"a", "1"}, {"b", "2"}, {"c", "3"}}, 60s).ok());
    const auto size = m_client->dbsize();
    QVERIFY(size.ok());
    QCOMPARE(size.value, 3);
    const auto info = m_client->info();
    QVERIFY2(info.ok(), qPrintable(info.error));
    QCOMPARE(info.value.size(), 1);
    QVERIFY(info.value.first().fields.value("redis_version").startsWith("7."));
    QVERIFY(info.value.first().fields.value("db0").startsWith("keys=3,"));
    QVERIFY(info.value.first().fields.contains("used_memory_human"));
    QVERIFY(m_client->ping().ok());
}

void RedisClientTest::selectsTheDatabase()
{
    auto client = clientFor(m_server.url() + QStringLiteral("/5"));
    QVERIFY(client->setMany({{"in-db-5", "yes"}}, 60s).ok());
    QCOMPARE(m_server.cli({QStringLiteral("-n"), QStringLiteral("5"), QStringLiteral("GET"), QStringLiteral("in-db-5")}),
             QByteArray("yes"));
    QCOMPARE(m_server.cli({QStringLiteral("EXISTS"), QStringLiteral("in-db-5")}), QByteArray("0"));
    QCOMPARE(client->dbsize().value, 1);

    auto outOfRange = clientFor(m_server.url() + QStringLiteral("/99"));
    const auto ping = outOfRange->ping();
    QVERIFY(!ping.ok());
    QVERIFY2(ping.error.contains(QLatin1String("cannot select database 99")), qPrintable(ping.error));
}

void RedisClientTest::authentication_data()
{
    QTest::addColumn<QString>("userInfo"); // goes before '@'; empty for none
    QTest::addColumn<bool>("secured");
    QTest::addColumn<QString>("error");    // empty: must work

    QTest::newRow("right password") << ":s3cret%20pass" << true << "";
    QTest::newRow("ACL user") << "reader:reader-pw" << true << "";
    QTest::newRow("wrong password") << ":guess-s3cret" << true
                                    << "authentication as the default user failed: WRONGPASS";
    QTest::newRow("wrong user") << "mallory:reader-pw" << true << "authentication as user \"mallory\" failed: WRONGPASS";
    QTest::newRow("wrong password of ACL user") << "reader:s3cret%20pass" << true << "as user \"reader\" failed";
    QTest::newRow("no password") << "" << true << "the server requires a password";
    QTest::newRow("password, server has none") << ":s3cret-x" << false << "authentication as the default user failed";
}

void RedisClientTest::authentication()
{
    QFETCH(QString, userInfo);
    QFETCH(bool, secured);
    QFETCH(QString, error);
    const TestRedisServer &server = secured ? m_secured : m_server;
    auto client = clientFor(QStringLiteral("redis://") + (userInfo.isEmpty() ? QString() : userInfo + QLatin1Char('@'))
                            + server.address());
    // A value of this row's own: a write by an earlier row cannot pass for this one's.
    const QByteArray value = QTest::currentDataTag();
    const auto written = client->setMany({{"auth-check", value}}, 60s);
    if (error.isEmpty()) {
        QVERIFY2(written.ok(), qPrintable(written.error));
        QCOMPARE(server.cli({QStringLiteral("GET"), QStringLiteral("auth-check")}), value);
        return;
    }
    QVERIFY(!written.ok());
    QVERIFY2(written.error.contains(error), qPrintable(written.error));
    QVERIFY2(!written.error.contains(QLatin1String("s3cret")), "the error shows the password");
    QVERIFY2(!written.error.contains(QLatin1String("reader-pw")), "the error shows the password");
}

void RedisClientTest::hungServerTimesOut_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("SIGSTOP") << "pause";
    QTest::newRow("DEBUG SLEEP") << "debug-sleep";
}

void RedisClientTest::hungServerTimesOut()
{
    QFETCH(QString, how);
    QVERIFY(m_client->setMany({{"k", "v"}}, 60s).ok()); // connected before the server hangs

    QProcess sleeper;
    if (how == QLatin1String("pause")) {
        m_server.pause();
    } else {
        sleeper.start(QStringLiteral("redis-cli"), {QStringLiteral("-p"), QString::number(m_server.port()),
                                                    QStringLiteral("DEBUG"), QStringLiteral("SLEEP"), QStringLiteral("1")});
        QVERIFY(sleeper.waitForStarted());
        // Wait until the server is inside DEBUG SLEEP: it stops answering.
        QTRY_VERIFY_WITH_TIMEOUT(!m_server.answersWithin(20), 2000);
    }

    QElapsedTimer timer;
    timer.start();
    const auto hung = m_client->mget({"k"});
    const qint64 firstMs = timer.elapsed();
    QVERIFY(!hung.ok());
    QVERIFY2(firstMs < 150, qPrintable(QStringLiteral("took %1 ms: %2").arg(firstMs).arg(hung.error)));

    // Until the backoff elapses, calls fail at once instead of waiting again.
    timer.restart();
    const auto fast = m_client->mget({"k"});
    QVERIFY(!fast.ok());
    QVERIFY2(timer.elapsed() < 30, qPrintable(fast.error));
    QVERIFY2(fast.error.contains(QLatin1String("not retrying")), qPrintable(fast.error));

    if (how == QLatin1String("pause"))
        m_server.resume();
    else
        QVERIFY(sleeper.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->mget({"k"}).ok(), 3000);
    QCOMPARE(run(*m_client, {"GET", "k"}).bytes, QByteArray("v"));
    QVERIFY2(hung.error.contains(QLatin1String("timed out after 50 ms")), qPrintable(hung.error));
}

void RedisClientTest::connectingToAHungServerTimesOut()
{
    // The kernel still accepts the connection; the handshake gets no answer. The caller
    // waits for a connection only as long as for a command: connecting goes on without it.
    m_server.pause();
    auto client = clientFor(m_server.url() + QStringLiteral("?connect_timeout_ms=300"));
    QElapsedTimer timer;
    timer.start();
    const auto ping = client->ping();
    const qint64 ms = timer.elapsed();
    QVERIFY(!ping.ok());
    QVERIFY2(ms < 150, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    QVERIFY2(ping.error.contains(QLatin1String("no connection within 50 ms (still connecting)")), qPrintable(ping.error));

    // Once the connect timeout has passed, calls fail at once and say why.
    QTRY_VERIFY_WITH_TIMEOUT(client->ping().error.contains(QLatin1String("timed out after 300 ms")), 2000);
    timer.restart();
    const auto fast = client->ping();
    QVERIFY2(timer.elapsed() < 30, qPrintable(fast.error));
    m_server.resume();
    QTRY_VERIFY_WITH_TIMEOUT(client->ping().ok(), 3000);
}

void RedisClientTest::refusedConnectionFailsFastAndBacksOff()
{
    TestRedisServer gone;
    QVERIFY2(gone.start(), qPrintable(gone.error()));
    const QString url = gone.url();
    gone.stop();

    auto client = clientFor(url);
    QElapsedTimer timer;
    timer.start();
    const auto first = client->ping();
    QVERIFY(!first.ok());
    QVERIFY2(first.error.contains(QLatin1String("cannot connect")), qPrintable(first.error));
    const auto second = client->mget({"a", "b"});
    QVERIFY(!second.ok());
    QVERIFY2(second.error.contains(QLatin1String("not retrying")), qPrintable(second.error));
    QVERIFY(timer.elapsed() < 100);
}

void RedisClientTest::reconnectsAfterRestart_data()
{
    QTest::addColumn<bool>("crash");
    QTest::newRow("stopped") << false;
    QTest::newRow("killed") << true;
}

void RedisClientTest::reconnectsAfterRestart()
{
    QFETCH(bool, crash);
    QVERIFY(m_client->setMany({{"before", "1"}}, 60s).ok());
    crash ? m_server.kill() : m_server.stop();

    QElapsedTimer timer;
    timer.start();
    const auto down = m_client->mget({"before"});
    QVERIFY(!down.ok());
    QVERIFY2(timer.elapsed() < 100, qPrintable(down.error));

    QVERIFY2(m_server.restart(), qPrintable(m_server.error()));
    timer.restart();
    QTRY_VERIFY_WITH_TIMEOUT(m_client->setMany({{"after", "2"}}, 60s).ok(), 3000);
    qInfo("reconnected %lld ms after the restart", timer.elapsed());
    QCOMPARE(m_server.cli({QStringLiteral("GET"), QStringLiteral("after")}), QByteArray("2"));
}

void RedisClientTest::connectionClosedByTheServerIsReopened()
{
    QVERIFY(m_client->ping().ok());
    QVERIFY(adserveConnections(m_server) >= 1);
    m_server.cli({QStringLiteral("CLIENT"), QStringLiteral("KILL"), QStringLiteral("TYPE"), QStringLiteral("normal"),
                  QStringLiteral("SKIPME"), QStringLiteral("yes")});
    // The first call after an idle close reconnects by itself: no error for the caller.
    const auto after = m_client->setMany({{"k", "v"}}, 60s);
    QVERIFY2(after.ok(), qPrintable(after.error));
}

void RedisClientTest::connectionsArePerThread()
{
    constexpr int kThreads = 6;
    // About threads, not time: on a loaded machine six first connections may take longer than 50 ms.
    auto client = clientFor(m_server.url() + QStringLiteral("?command_timeout_ms=2000"));
    std::atomic<int> failures{0};
    std::atomic<int> ready{0};
    std::atomic<bool> release{false};
    QList<QThread *> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.append(QThread::create([&, t] {
            for (int round = 0; round < 100; ++round) {
                QList<QPair<QByteArray, QByteArray>> items;
                QList<QByteArray> keys;
                for (int i = 0; i < 20; ++i) {
                    const QByteArray key = "t" + QByteArray::number(t) + ":" + QByteArray::number(i);
                    keys.append(key);
                    items.append({key, QByteArray::number(round * 1000 + i)});
                }
                if (!client->setMany(items, 60s).ok())
                    ++failures;
                const auto values = client->mget(keys);
                for (int i = 0; values.ok() && i < 20; ++i) {
                    if (values.value.at(i) != QByteArray::number(round * 1000 + i))
                        ++failures;
                }
                if (!values.ok())
                    ++failures;
            }
            ++ready;
            while (!release)
                QThread::msleep(5);
        }));
        threads.last()->start();
    }
    QTRY_COMPARE_WITH_TIMEOUT(ready.load(), kThreads, 20000);
    QCOMPARE(failures.load(), 0);
    QCOMPARE(adserveConnections(m_server), kThreads + 1); // one per thread, plus m_client's
    release = true;
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(5000));
        delete thread;
    }
    // A thread's connections close when it ends.
    QTRY_COMPARE_WITH_TIMEOUT(adserveConnections(m_server), 1, 2000);
}

void RedisClientTest::destroyingTheClientClosesItsConnections()
{
    auto client = clientFor(m_server.url());
    QVERIFY(client->ping().ok());
    QCOMPARE(adserveConnections(m_server), 2);
    client.reset();
    QTRY_COMPARE_WITH_TIMEOUT(adserveConnections(m_server), 1, 2000);
}

QTEST_GUILESS_MAIN(RedisClientTest)
#include "tst_redis_client.moc"
