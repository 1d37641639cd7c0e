#include "store/DatabaseTarget.h"

#include <QTest>

using namespace adserve;

// DATABASE_URL in either libpq form -> the connection parameters, or a clear error.
class DatabaseTargetTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void describeNeverShowsThePassword_data();
    void describeNeverShowsThePassword();
    void errorsNeverShowThePassword_data();
    void errorsNeverShowThePassword();
    void sqliteTarget();
};

void DatabaseTargetTest::parses_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("options");

    QTest::newRow("url, everything") << "postgres://ads:s3cret@db.internal:6543/campaigns?sslmode=require"
                                     << "db.internal" << 6543 << "campaigns" << "ads" << "s3cret" << "sslmode=require";
    QTest::newRow("postgresql scheme, default port") << "postgresql://ads@localhost/campaigns"
                                                     << "localhost" << 5432 << "campaigns" << "ads" << "" << "";
    QTest::newRow("scheme in capitals") << "POSTGRES://h/db" << "h" << 5432 << "db" << "" << "" << "";
    QTest::newRow("percent-decoded parts") << "postgres://user%40corp:p%3Ass%2Fw@h/my%20db"
                                           << "h" << 5432 << "my db" << "user@corp" << "p:ss/w" << "";
    QTest::newRow("ipv6 host with port") << "postgres://u@[::1]:5433/db" << "::1" << 5433 << "db" << "u" << "" << "";
    QTest::newRow("socket folder as host") << "postgres://%2Fvar%2Frun%2Fpostgresql/db"
                                           << "/var/run/postgresql" << 5432 << "db" << "" << "" << "";
    QTest::newRow("several query options") << "postgres://h/db?connect_timeout=3&application_name=ad%20serve"
                                           << "h" << 5432 << "db" << "" << ""
                                           << "connect_timeout=3;application_name='ad serve'";
    QTest::newRow("query overrides user") << "postgres://h/db?user=other" << "h" << 5432 << "db" << "other" << ""
                                          << "";
    QTest::newRow("key=value") << "host=localhost port=5433 dbname=ads user=svc password=pw sslmode=disable"
                               << "localhost" << 5433 << "ads" << "svc" << "pw" << "sslmode=disable";
    QTest::newRow("key = value with spaces") << "host = h  dbname = d" << "h" << 5432 << "d" << "" << "" << "";
    QTest::newRow("quoted values") << "dbname='my db' password='it\\'s \\\\ ok' application_name='a b'"
                                   << "" << 5432 << "my db" << "" << "it's \\ ok" << "application_name='a b'";
    QTest::newRow("empty quoted value") << "dbname=d password=''" << "" << 5432 << "d" << "" << "" << "";
    QTest::newRow("connect_timeout kept") << "dbname=d connect_timeout=10" << "" << 5432 << "d" << "" << ""
                                          << "connect_timeout=10";
}

void DatabaseTargetTest::parses()
{
    QFETCH(QString, url);
    QString error;
    const std::optional<DatabaseTarget> target = DatabaseTarget::fromDatabaseUrl(url, &error);
    QVERIFY2(target, qPrintable(error));
    QVERIFY(target->isPostgres());
    QTEST(target->host, "host");
    QTEST(target->port, "port");
    QTEST(target->database, "database");
    QTEST(target->user, "user");
    QTEST(target->password, "password");
    QTEST(target->connectOptions, "options");
}

void DatabaseTargetTest::rejects_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("error");

    QTest::newRow("empty") << "" << "empty database URL";
    QTest::newRow("unknown scheme") << "mysql://h/db" << "unknown scheme 'mysql'";
    QTest::newRow("redis url by mistake") << "redis://localhost:6379" << "unknown scheme 'redis'";
    QTest::newRow("port not a number") << "postgres://h:abc/db" << "bad port 'abc'";
    QTest::newRow("port out of range") << "postgres://h:70000/db" << "bad port '70000'";
    QTest::newRow("port empty") << "postgres://h:/db" << "bad port ''";
    QTest::newRow("key=value bad port") << "host=h port=0 dbname=d" << "bad port '0'";
    QTest::newRow("url without database") << "postgres://user:pw@h:5432" << "missing database name";
    QTest::newRow("url with empty database") << "postgres://h/" << "missing database name";
    QTest::newRow("key=value without dbname") << "host=h user=u" << "missing database name";
    QTest::newRow("unknown key") << "host=h dbname=d colour=blue" << "unknown connection parameter 'colour'";
    QTest::newRow("unknown query option") << "postgres://h/db?pool=5" << "unknown connection parameter 'pool'";
    QTest::newRow("unterminated quote") << "dbname='ads user=x" << "unterminated quoted value for 'dbname'";
    QTest::newRow("key without value") << "host dbname=d" << "expected '=' after 'host'";
    QTest::newRow("neither form") << "just-some-text" << "not a postgres:// URL";
    QTest::newRow("bad sslmode") << "postgres://h/db?sslmode=maybe" << "bad sslmode 'maybe'";
    QTest::newRow("bad connect_timeout") << "dbname=d connect_timeout=soon" << "bad connect_timeout 'soon'";
    QTest::newRow("unterminated ipv6") << "postgres://[::1/db" << "unterminated '['";
}

void DatabaseTargetTest::rejects()
{
    QFETCH(QString, url);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!DatabaseTarget::fromDatabaseUrl(url, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
}

void DatabaseTargetTest::describeNeverShowsThePassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("url") << "postgres://ads:TopSecret1@h:5433/db?sslmode=require";
    QTest::newRow("key=value") << "host=h dbname=db user=ads password=TopSecret1";
    QTest::newRow("quoted") << "host=h dbname=db password='TopSecret1 with space'";
}

void DatabaseTargetTest::describeNeverShowsThePassword()
{
    QFETCH(QString, url);
    QString error;
    const auto target = DatabaseTarget::fromDatabaseUrl(url, &error);
    QVERIFY2(target, qPrintable(error));
    QVERIFY(target->password.startsWith(QLatin1String("TopSecret1")));
    QVERIFY2(!target->describe().contains(QLatin1String("TopSecret1")), qPrintable(target->describe()));
    QVERIFY(target->describe().contains(QLatin1String("h:")));
    QVERIFY(!target->connectOptions.contains(QLatin1String("TopSecret1")));
}

void DatabaseTargetTest::errorsNeverShowThePassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("url, bad port") << "postgres://ads:TopSecret1@h:bad/db";
    QTest::newRow("url, no database") << "postgres://ads:TopSecret1@h";
    QTest::newRow("key=value, unknown key") << "password=TopSecret1 host=h colour=red dbname=d";
    QTest::newRow("key=value, unterminated") << "dbname=d password='TopSecret1";
}

void DatabaseTargetTest::errorsNeverShowThePassword()
{
    QFETCH(QString, url);
    QString why;
    QVERIFY(!DatabaseTarget::fromDatabaseUrl(url, &why));
    QVERIFY(!why.isEmpty());
    QVERIFY2(!why.contains(QLatin1String("TopSecret1")), qPrintable(why));
}

void DatabaseTargetTest::sqliteTarget()
{
    const DatabaseTarget target = DatabaseTarget::sqlite(QStringLiteral("/tmp/a.sqlite"));
    QVERIFY(!target.isPostgres());
    QCOMPARE(target.sqlitePath, QStringLiteral("/tmp/a.sqlite"));
    QVERIFY(target.describe().contains(QLatin1String("/tmp/a.sqlite")));
    QString error;
    const auto fromUrl = DatabaseTarget::fromDatabaseUrl(QStringLiteral("sqlite:///var/lib/x.sqlite"), &error);
    QVERIFY2(fromUrl, qPrintable(error));
    QVERIFY(!fromUrl->isPostgres());
    QCOMPARE(fromUrl->sqlitePath, QStringLiteral("/var/lib/x.sqlite"));
}

QTEST_GUILESS_MAIN(DatabaseTargetTest)
#include "tst_databasetarget.moc"
