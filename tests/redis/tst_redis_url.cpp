// REDIS_URL as the Go service and redis-cli know it, read into RedisOptions.
#include "RedisOptions.h"

#include <QTest>

using namespace adserve;
using namespace std::chrono_literals;

class RedisUrlTest : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void keepsDefaultsNotInTheUrl();
    void describeNeverShowsThePassword();
};

void RedisUrlTest::parses_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<int>("db");
    QTest::addColumn<int>("connectMs");
    QTest::addColumn<int>("commandMs");

    QTest::newRow("host only") << "redis://localhost" << "localhost" << 6379 << "" << "" << 0 << 200 << 50;
    QTest::newRow("host and port") << "redis://127.0.0.1:6380" << "127.0.0.1" << 6380 << "" << "" << 0 << 200 << 50;
    QTest::newRow("Go service form") << "redis://:s3cret@redis.internal:6379/2" << "redis.internal" << 6379 << ""
                                     << "s3cret" << 2 << 200 << 50;
    QTest::newRow("ACL user") << "redis://alice:s3cret@10.0.0.5/0" << "10.0.0.5" << 6379 << "alice" << "s3cret" << 0
                              << 200 << 50;
    QTest::newRow("percent-encoded password") << "redis://:p%40ss%3Aw%2Frd@h" << "h" << 6379 << "" << "p@ss:w/rd" << 0
                                              << 200 << 50;
    QTest::newRow("raw '@' in password: the last '@' ends it") << "redis://:p@ss@h:7000" << "h" << 7000 << ""
                                                                << "p@ss" << 0 << 200 << 50;
    QTest::newRow("password without colon, as go-redis") << "redis://s3cret@h" << "h" << 6379 << "" << "s3cret" << 0
                                                         << 200 << 50;
    QTest::newRow("percent-encoded user") << "redis://bob%2Bci:pw@h" << "h" << 6379 << "bob+ci" << "pw" << 0 << 200
                                          << 50;
    QTest::newRow("IPv6") << "redis://[::1]:7001/3" << "::1" << 7001 << "" << "" << 3 << 200 << 50;
    QTest::newRow("IPv6 without port") << "redis://[fe80::1]" << "fe80::1" << 6379 << "" << "" << 0 << 200 << 50;
    QTest::newRow("empty host is localhost") << "redis://" << "localhost" << 6379 << "" << "" << 0 << 200 << 50;
    QTest::newRow("trailing slash") << "redis://h/" << "h" << 6379 << "" << "" << 0 << 200 << 50;
    QTest::newRow("scheme in capitals") << "REDIS://h:1" << "h" << 1 << "" << "" << 0 << 200 << 50;
    QTest::newRow("timeouts in ms") << "redis://h?connect_timeout_ms=150&command_timeout_ms=20" << "h" << 6379 << ""
                                    << "" << 0 << 150 << 20;
    QTest::newRow("go-redis timeouts") << "redis://h/1?dial_timeout=1s&read_timeout=30ms" << "h" << 6379 << "" << ""
                                       << 1 << 1000 << 30;
    QTest::newRow("go-redis timeout in whole seconds") << "redis://h?read_timeout=2" << "h" << 6379 << "" << "" << 0
                                                       << 200 << 2000;
}

void RedisUrlTest::parses()
{
    QFETCH(QString, url);
    const auto parsed = RedisOptions::fromUrl(url);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const RedisOptions &options = parsed.value;
    QTEST(options.address.host, "host");
    QTEST(int(options.address.port), "port");
    QTEST(options.user, "user");
    QTEST(options.password, "password");
    QTEST(options.db, "db");
    QTEST(int(options.connectTimeout.count()), "connectMs");
    QTEST(int(options.commandTimeout.count()), "commandMs");
}

void RedisUrlTest::refuses_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("cluster");
    QTest::addColumn<QString>("error"); // a part of the message

    QTest::newRow("TLS") << "rediss://:s3cret@h:6380" << false << "no TLS";
    QTest::newRow("other scheme") << "http://h:6379" << false << "unsupported Redis URL scheme \"http\"";
    QTest::newRow("unix socket") << "unix:///run/redis.sock" << false << "unsupported Redis URL scheme";
    QTest::newRow("no scheme") << "localhost:6379" << false << "expected redis://";
    QTest::newRow("port zero") << "redis://:s3cret@h:0" << false << "port \"0\"";
    QTest::newRow("port too big") << "redis://h:65536" << false << "port \"65536\"";
    QTest::newRow("port not a number") << "redis://h:abc/1" << false << "port \"abc\"";
    QTest::newRow("port with sign") << "redis://h:+80" << false << "port \"+80\"";
    QTest::newRow("empty port") << "redis://h:" << false << "empty port";
    QTest::newRow("db not a number") << "redis://h/cache" << false << "database \"cache\"";
    QTest::newRow("negative db") << "redis://h/-1" << false << "database \"-1\"";
    QTest::newRow("db with path") << "redis://h/1/2" << false << "database \"1/2\"";
    QTest::newRow("unknown option") << "redis://h?pool_size=10" << false << "unknown option \"pool_size\"";
    QTest::newRow("zero timeout") << "redis://h?command_timeout_ms=0" << false << "command_timeout_ms=\"0\"";
    QTest::newRow("junk timeout") << "redis://h?dial_timeout=soon" << false << "dial_timeout=\"soon\"";
    QTest::newRow("user without password") << "redis://alice:@h" << false << "user \"alice\" has no password";
    QTest::newRow("unclosed IPv6") << "redis://[::1:6379" << false << "unclosed '['";
    QTest::newRow("junk after IPv6") << "redis://[::1]x" << false << "junk after the IPv6 host";
    QTest::newRow("cluster with a database") << "redis://:s3cret@h:7000/2" << true << "only database 0";
}

void RedisUrlTest::refuses()
{
    QFETCH(QString, url);
    QFETCH(bool, cluster);
    QFETCH(QString, error);
    RedisOptions defaults;
    defaults.cluster = cluster;
    const auto parsed = RedisOptions::fromUrl(url, defaults);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error.contains(error), qPrintable(parsed.error));
    QVERIFY2(!parsed.error.contains(QLatin1String("s3cret")), "the error shows the password");
}

void RedisUrlTest::keepsDefaultsNotInTheUrl()
{
    RedisOptions defaults;
    defaults.connectTimeout = 300ms;
    defaults.commandTimeout = 25ms;
    defaults.cluster = true;
    const auto parsed = RedisOptions::fromUrl(QStringLiteral("redis://h:7000?command_timeout_ms=40"), defaults);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value.connectTimeout, 300ms);
    QCOMPARE(parsed.value.commandTimeout, 40ms);
    QVERIFY(parsed.value.cluster);
}

void RedisUrlTest::describeNeverShowsThePassword()
{
    const auto withUser = RedisOptions::fromUrl(QStringLiteral("redis://alice:s3cret@h:7000/4"));
    QVERIFY(withUser.ok());
    QCOMPARE(withUser.value.describe(), QStringLiteral("redis://alice@h:7000/4"));
    const auto passwordOnly = RedisOptions::fromUrl(QStringLiteral("redis://:s3cret@[::1]"));
    QVERIFY(passwordOnly.ok());
    QCOMPARE(passwordOnly.value.describe(), QStringLiteral("redis://[::1]:6379"));
}

QTEST_GUILESS_MAIN(RedisUrlTest)
#include "tst_redis_url.moc"
