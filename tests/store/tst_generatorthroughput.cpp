#include "TestPostgres.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace adserve;

// How fast generated campaigns go into each backend. ADSERVE_GENERATE_COUNT sets how many
// (default 100000); ADSERVE_GENERATE_BACKENDS picks "sqlite", "postgres" or both (default).
class GeneratorThroughputTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void generate_data();
    void generate();

private:
    static qint64 count()
    {
        bool ok = false;
        const qint64 n = qEnvironmentVariable("ADSERVE_GENERATE_COUNT").toLongLong(&ok);
        return ok && n > 0 ? n : 100000;
    }
};

void GeneratorThroughputTest::generate_data()
{
    QTest::addColumn<bool>("postgres");
    const QString backends = qEnvironmentVariable("ADSERVE_GENERATE_BACKENDS", QStringLiteral("sqlite,postgres"));
    if (backends.contains(QLatin1String("sqlite")))
        QTest::newRow("sqlite") << false;
    if (backends.contains(QLatin1String("postgres")))
        QTest::newRow("postgres") << true;
}

void GeneratorThroughputTest::generate()
{
    QFETCH(bool, postgres);
    QTemporaryDir dir;
    TestPostgres server;
    DatabaseTarget target = DatabaseTarget::sqlite(dir.filePath(QStringLiteral("bulk.sqlite")));
    QString error;
    if (postgres) {
        QVERIFY2(server.start(&error), qPrintable(error));
        target = *DatabaseTarget::fromDatabaseUrl(server.databaseUrl(), &error);
    }
    auto store = CampaignStore::open(target, &error);
    QVERIFY2(store, qPrintable(error));

    const qint64 n = count();
    QElapsedTimer timer;
    timer.start();
    const auto generated = CampaignGenerator::generate(*store, n, 1, [&](qint64 done, qint64 total) {
        if (done % 100000 == 0 || done == total)
            qInfo("%lld / %lld after %.1f s", done, total, timer.elapsed() / 1000.0);
        return true;
    });
    const double seconds = timer.elapsed() / 1000.0;
    QVERIFY2(generated.ok(), qPrintable(generated.message));
    QCOMPARE(generated.value, n);
    qInfo("%s: %lld campaigns in %.1f s (%.0f campaigns/s)", postgres ? "PostgreSQL" : "SQLite", n, seconds,
          n / seconds);

    timer.restart();
    const auto targeting = store->targeting();
    QVERIFY2(targeting.ok(), qPrintable(targeting.message));
    qInfo("targeting(): %lld live campaigns read in %.1f s", qint64(targeting.value.size()), timer.elapsed() / 1000.0);
}

QTEST_GUILESS_MAIN(GeneratorThroughputTest)
#include "tst_generatorthroughput.moc"
