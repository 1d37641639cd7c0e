// Configuration: .env < environment < flags, and a clear one-line error for bad values;
// URLs from files, a warning for a password on the command line, passwords split off URLs.
#include "config/CommandLine.h"
#include "config/UrlPassword.h"

#include <QTemporaryDir>
#include <QTest>

using namespace adserve;

class ConfigTest : public QObject
{
    Q_OBJECT
private slots:
    void defaults();
    void invalidValues_data();
    void invalidValues();
    void validValues();
    void envFileSyntax();
    void envFileErrors();
    void precedence();
    void unknownFlag();
    void passwordsSplitOffUrls_data();
    void passwordsSplitOffUrls();
    void urlFilesAreRead();
    void urlFileErrors_data();
    void urlFileErrors();
    void passwordOnTheCommandLineIsWarnedAbout_data();
    void passwordOnTheCommandLineIsWarnedAbout();
};

// Writes `content` to the file `name` in `dir` and returns its path (empty if it cannot be written).
static QString writeEnvFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return path;
}

void ConfigTest::defaults()
{
    QString error;
    const auto config = ConfigBuilder::build({}, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->database.kind, DatabaseTarget::Kind::Sqlite);
    QCOMPARE(config->cache.url, QStringLiteral("memory://"));
    QCOMPARE(config->batchSize, 100);
    QCOMPARE(config->cacheTtl, std::chrono::seconds(86400));
    QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(config->port, quint16(8080));
    QVERIFY(config->adminToken.isEmpty());
    QVERIFY(config->traffic.recording);
    QCOMPARE(config->traffic.retentionDays, 35);
    QCOMPARE(config->traffic.flushInterval, std::chrono::milliseconds(60000));
}

void ConfigTest::invalidValues_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("batch size zero") << "DELIVERY_CAMPAIGN_BATCH_SIZE" << "0" << "DELIVERY_CAMPAIGN_BATCH_SIZE";
    QTest::newRow("batch size junk") << "DELIVERY_CAMPAIGN_BATCH_SIZE" << "ten" << "\"ten\"";
    QTest::newRow("batch size negative") << "DELIVERY_CAMPAIGN_BATCH_SIZE" << "-5" << "DELIVERY_CAMPAIGN_BATCH_SIZE";
    QTest::newRow("redis tls") << "REDIS_URL" << "rediss://h:6380" << "TLS";
    QTest::newRow("redis wrong scheme") << "REDIS_URL" << "http://h" << "unknown scheme";
    QTest::newRow("redis not a url") << "REDIS_URL" << "::::" << "REDIS_URL";
    QTest::newRow("cluster not bool") << "REDIS_CLUSTER" << "maybe" << "REDIS_CLUSTER";
    QTest::newRow("database url scheme") << "DATABASE_URL" << "mysql://u@h/db" << "DATABASE_URL";
    QTest::newRow("listen address") << "ADSERVE_LISTEN" << "not-an-ip:80" << "ADSERVE_LISTEN";
    QTest::newRow("listen port") << "ADSERVE_LISTEN" << "127.0.0.1:99999" << "ADSERVE_LISTEN";
    QTest::newRow("ttl zero") << "CACHE_TTL_SECONDS" << "0" << "CACHE_TTL_SECONDS";
    QTest::newRow("threads") << "ADSERVE_THREADS" << "lots" << "ADSERVE_THREADS";
    QTest::newRow("near cache ttl") << "CACHE_NEAR_TTL_MS" << "-1" << "CACHE_NEAR_TTL_MS";
    QTest::newRow("traffic recording junk") << "TRAFFIC_RECORDING" << "sometimes" << "TRAFFIC_RECORDING: \"sometimes\" is not true or false";
    QTest::newRow("traffic retention zero") << "TRAFFIC_RETENTION_DAYS" << "0" << "TRAFFIC_RETENTION_DAYS: \"0\" is not a whole number";
    QTest::newRow("traffic retention junk") << "TRAFFIC_RETENTION_DAYS" << "a month" << "TRAFFIC_RETENTION_DAYS: \"a month\"";
}

void ConfigTest::invalidValues()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, mentions);
    QString error;
    QVERIFY(!ConfigBuilder::build({{key, value}}, &error));
    QVERIFY2(error.startsWith(key + QLatin1Char(':')), qPrintable(error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
}

void ConfigTest::validValues()
{
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE"), QStringLiteral(" 25 ")},
                                              {QStringLiteral("REDIS_URL"), QStringLiteral("redis://:secret@127.0.0.1:6390/2")},
                                              {QStringLiteral("REDIS_CLUSTER"), QStringLiteral("TRUE")},
                                              {QStringLiteral("ADSERVE_LISTEN"), QStringLiteral("0.0.0.0:9000")},
                                              {QStringLiteral("ADSERVE_ADMIN_TOKEN"), QStringLiteral("t0k")},
                                              {QStringLiteral("TRAFFIC_RECORDING"), QStringLiteral("false")},
                                              {QStringLiteral("TRAFFIC_RETENTION_DAYS"), QStringLiteral("7")}},
                                             &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->batchSize, 25);
    QCOMPARE(config->cache.url, QStringLiteral("redis://:secret@127.0.0.1:6390/2"));
    QVERIFY(config->cache.cluster);
    QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::AnyIPv4));
    QCOMPARE(config->port, quint16(9000));
    QCOMPARE(config->adminToken, QStringLiteral("t0k"));
    QVERIFY(!config->traffic.recording);
    QCOMPARE(config->traffic.retentionDays, 7);
}

void ConfigTest::envFileSyntax()
{
    QTemporaryDir dir;
    const QString path = writeEnvFile(
        dir, QStringLiteral(".env"),
        "# comment\n\nexport A=1\nB = 'two words'\nC=\"quoted # not a comment\"\nD=plain # comment\nE=\n");
    QVERIFY(!path.isEmpty());
    QString error;
    const auto values = readEnvFile(path, &error);
    QVERIFY2(values, qPrintable(error));
    QCOMPARE(values->value(QStringLiteral("A")), QStringLiteral("1"));
    QCOMPARE(values->value(QStringLiteral("B")), QStringLiteral("two words"));
    QCOMPARE(values->value(QStringLiteral("C")), QStringLiteral("quoted # not a comment"));
    QCOMPARE(values->value(QStringLiteral("D")), QStringLiteral("plain"));
    QVERIFY(values->contains(QStringLiteral("E")));
}

void ConfigTest::envFileErrors()
{
    QTemporaryDir dir;
    const QString path = writeEnvFile(dir, QStringLiteral(".env"), "A=1\nthis line is wrong\n");
    QVERIFY(!path.isEmpty());
    QString error;
    QVERIFY(!readEnvFile(path, &error));
    QVERIFY2(error.contains(QStringLiteral(":2:")), qPrintable(error));
}

void ConfigTest::precedence()
{
    QTemporaryDir dir;
    const QString path = writeEnvFile(dir, QStringLiteral("my.env"),
                                      "DELIVERY_CAMPAIGN_BATCH_SIZE=10\nCACHE_TTL_SECONDS=60\nADSERVE_THREADS=3\n");
    QVERIFY(!path.isEmpty());

    CommandLine cli(QStringLiteral("test"));
    QString error;
    QVERIFY(cli.parse({QStringLiteral("adserve"), QStringLiteral("--env-file"), path, QStringLiteral("--batch-size"),
                       QStringLiteral("30")},
                      &error));
    const auto config = cli.config({QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE=20"), QStringLiteral("CACHE_TTL_SECONDS=120")}, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->batchSize, 30);                        // flag beats environment and file
    QCOMPARE(config->cacheTtl, std::chrono::seconds(120));  // environment beats file
    QCOMPARE(config->serverThreads, 3);                     // file beats default
}

void ConfigTest::unknownFlag()
{
    CommandLine cli(QStringLiteral("test"));
    QString error;
    QVERIFY(!cli.parse({QStringLiteral("adserve"), QStringLiteral("--no-such-flag")}, &error));
    QVERIFY(error.contains(QStringLiteral("no-such-flag")));
    QVERIFY(cli.parse({QStringLiteral("adserve"), QStringLiteral("--help")}, &error));
    QVERIFY(cli.helpRequested());
    QVERIFY(cli.helpText().contains(QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE")));
    QVERIFY(cli.helpText().contains(QStringLiteral("--redis-url")));
    QVERIFY(cli.helpText().contains(QStringLiteral("TRAFFIC_RECORDING")));
    QVERIFY(cli.helpText().contains(QStringLiteral("TRAFFIC_RETENTION_DAYS")));
}

void ConfigTest::passwordsSplitOffUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("withoutPassword");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("joined"); // put back together
    QTest::newRow("postgres") << "postgres://app:s3cret@db:5432/adserve" << "postgres://app@db:5432/adserve" << "s3cret"
                              << "postgres://app:s3cret@db:5432/adserve";
    QTest::newRow("postgres encoded") << "postgresql://app:p%40ss:w@db/adserve?sslmode=require"
                                      << "postgresql://app@db/adserve?sslmode=require" << "p@ss:w"
                                      << "postgresql://app:p%40ss%3Aw@db/adserve?sslmode=require";
    QTest::newRow("postgres option") << "postgres://db/adserve?password=s3cret&sslmode=disable"
                                     << "postgres://db/adserve?sslmode=disable" << "s3cret"
                                     << "postgres://:s3cret@db/adserve?sslmode=disable";
    QTest::newRow("postgres no password") << "postgres://app@db/adserve" << "postgres://app@db/adserve" << ""
                                          << "postgres://app@db/adserve";
    QTest::newRow("libpq") << "host=db password=s3cret dbname=adserve" << "host=db dbname=adserve" << "s3cret"
                           << "host=db dbname=adserve password='s3cret'";
    QTest::newRow("libpq quoted") << R"(PASSWORD = 'a \'b' dbname=x)" << "dbname=x" << "a 'b" << R"(dbname=x password='a \'b')";
    QTest::newRow("redis") << "redis://:s3cret@cache:6379/0" << "redis://cache:6379/0" << "s3cret"
                           << "redis://:s3cret@cache:6379/0";
    QTest::newRow("redis user") << "redis://app:s3cret@cache:6379" << "redis://app:@cache:6379" << "s3cret"
                                << "redis://app:s3cret@cache:6379";
    QTest::newRow("redis password only") << "redis://s3cret@cache" << "redis://cache" << "s3cret"
                                         << "redis://:s3cret@cache";
    QTest::newRow("redis no password") << "redis://cache:6379" << "redis://cache:6379" << "" << "redis://cache:6379";
}

void ConfigTest::passwordsSplitOffUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, withoutPassword);
    QFETCH(QString, password);
    QFETCH(QString, joined);
    const UrlPassword split = UrlPassword::split(url);
    QCOMPARE(split.url, withoutPassword);
    QCOMPARE(split.password, password);
    QCOMPARE(UrlPassword::join(split.url, split.password), joined);
    if (!url.startsWith(QLatin1String("redis"))) { // the engine reads the same password back
        QString error;
        const auto target = DatabaseTarget::fromDatabaseUrl(joined, &error);
        QVERIFY2(target, qPrintable(error));
        QCOMPARE(target->password, password);
    }
}

void ConfigTest::urlFilesAreRead()
{
    QTemporaryDir dir;
    const QString database = writeEnvFile(dir, QStringLiteral("database-url"), "  postgres://app:s3cret@db/adserve\n");
    const QString redis = writeEnvFile(dir, QStringLiteral("redis-url"), "redis://:r3dis@cache:6380\n");
    CommandLine cli(QStringLiteral("test"));
    QString error;
    QVERIFY(cli.parse({QStringLiteral("adserve"), QStringLiteral("--database-url-file"), database,
                       QStringLiteral("--redis-url-file"), redis},
                      &error));
    const auto config = cli.config({QStringLiteral("DATABASE_URL=postgres://other/db")}, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->database.host, QStringLiteral("db"));  // the file beats the environment
    QCOMPARE(config->database.password, QStringLiteral("s3cret"));
    QCOMPARE(config->cache.url, QStringLiteral("redis://:r3dis@cache:6380"));
    QVERIFY(cli.warnings().isEmpty());
    QVERIFY(cli.helpText().contains(QStringLiteral("--database-url-file")));
}

void ConfigTest::urlFileErrors_data()
{
    QTest::addColumn<QStringList>("args"); // FILE stands for a file holding `content`
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("missing") << QStringList{"--database-url-file", "/nonexistent/database-url"} << QByteArray()
                             << QStringList{"--database-url-file", "/nonexistent/database-url", "cannot be read"};
    QTest::newRow("empty") << QStringList{"--redis-url-file", "FILE"} << QByteArray(" \n")
                           << QStringList{"--redis-url-file", "FILE", "empty"};
    QTest::newRow("both") << QStringList{"--database-url", "postgres://db/x", "--database-url-file", "FILE"}
                          << QByteArray("postgres://db/y") << QStringList{"--database-url", "--database-url-file"};
    QTest::newRow("invalid url") << QStringList{"--redis-url-file", "FILE"} << QByteArray("rediss://:s3cret@cache")
                                 << QStringList{"REDIS_URL"};
}

void ConfigTest::urlFileErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, mentions);
    QTemporaryDir dir;
    const QString file = writeEnvFile(dir, QStringLiteral("url"), content);
    args.replaceInStrings(QStringLiteral("FILE"), file);
    mentions.replaceInStrings(QStringLiteral("FILE"), file);
    CommandLine cli(QStringLiteral("test"));
    QString error;
    QVERIFY(cli.parse(QStringList{QStringLiteral("adserve")} + args, &error));
    QVERIFY(!cli.config({}, &error));
    for (const QString &mention : mentions)
        QVERIFY2(error.contains(mention), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("s3cret")), qPrintable(error));
}

void ConfigTest::passwordOnTheCommandLineIsWarnedAbout_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("warning"); // empty: none
    QTest::newRow("database url") << QStringList{"--database-url", "postgres://app:s3cret@db/adserve"} << "--database-url-file";
    QTest::newRow("libpq") << QStringList{"--database-url=host=db password=s3cret dbname=x"} << "--database-url-file";
    QTest::newRow("redis url") << QStringList{"--redis-url", "redis://:s3cret@cache"} << "--redis-url-file";
    QTest::newRow("database url, no password") << QStringList{"--database-url", "postgres://app@db/adserve"} << "";
    QTest::newRow("redis url, no password") << QStringList{"--redis-url", "redis://cache:6379"} << "";
}

void ConfigTest::passwordOnTheCommandLineIsWarnedAbout()
{
    QFETCH(QStringList, args);
    QFETCH(QString, warning);
    CommandLine cli(QStringLiteral("test"));
    QString error;
    QVERIFY(cli.parse(QStringList{QStringLiteral("adserve")} + args, &error));
    const QStringList warnings = cli.warnings();
    QCOMPARE(warnings.size(), warning.isEmpty() ? 0 : 1);
    if (!warning.isEmpty()) {
        QVERIFY2(warnings.first().contains(warning), qPrintable(warnings.first()));
        QVERIFY2(warnings.first().contains(QLatin1String("every local user")), qPrintable(warnings.first()));
        QVERIFY2(!warnings.first().contains(QLatin1String("s3cret")), qPrintable(warnings.first()));
    }
}

QTEST_GUILESS_MAIN(ConfigTest)
#include "tst_config.moc"
