// A PostgreSQL that stops answering (frozen, or behind a network that silently drops
// packets) never hangs the store: every call fails within DATABASE_QUERY_TIMEOUT_MS (and a
// few ms) with an error that names it, reconnecting included; the stuck connection is
// dropped, nothing is half-written, and once the server answers again the next call reconnects.
#include "TestCampaigns.h"
#include "TestPostgres.h"
#include "config/Config.h"
#include "store/CampaignStore.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <functional>
#include <future>

using namespace adserve;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::milliseconds kTimeout = 1000ms;
// Proves "does not hang", not speed: generous for a loaded two-core machine.
constexpr qint64 kHangBoundMs = 10000;
// How much later than the query timeout a call to a frozen server may return. The connection
// is cut when the timeout passes; what follows is quick (the rollback and the liveness check
// fail at once on the cut socket), but on a loaded two-core machine the watchdog's thread and
// the caller's may each be scheduled some ms late. A connect that waited for libpq's
// connect_timeout would take seconds.
constexpr qint64 kMarginMs = 50;

CampaignWithRules campaignNamed(const QString &code)
{
    return test::campaign(code, {test::rule(Dimension::Country, RuleType::Include, {QStringLiteral("us")})});
}

// Thaws the server when a test leaves, however it leaves.
struct Frozen
{
    explicit Frozen(TestPostgres &server) : server(server) { server.pause(); }
    ~Frozen() { server.resume(); }
    TestPostgres &server;
};

struct Timed
{
    QString message;
    bool ok = false;
    StoreError error = StoreError::None;
    qint64 millis = 0;
};

template<typename Call>
Timed timed(Call &&call)
{
    QElapsedTimer timer;
    timer.start();
    const auto result = call();
    return {result.message, result.ok(), result.error, timer.elapsed()};
}

} // namespace

enum class Call { CampaignsByIds, Targeting, Campaigns, Create, SetStatus, AddRule };
Q_DECLARE_METATYPE(Call)

class StoreHangTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void timeoutSetting_data();
    void timeoutSetting();
    void frozenServer_data();
    void frozenServer();
    void everyCallToAFrozenServerIsBounded();
    void frozenInTheMiddleOfAWrite();
    void slowStatementIsCanceledByTheServer();
    void loadingAllTargetingMayTakeLonger();
    void eventLoopKeepsTurning();

private:
    std::unique_ptr<CampaignStore> openStore(std::chrono::milliseconds timeout);
    // A connection of the test's own, outside the store: it holds locks and looks at the server.
    QSqlQuery admin();
    qint64 count(const QString &sql);

    TestPostgres server_;
    std::unique_ptr<CampaignStore> store_;
    qint64 keptId_ = 0;
};

void StoreHangTest::initTestCase()
{
    QString error;
    QVERIFY2(server_.start(&error), qPrintable(error));
    store_ = openStore(kTimeout);
    QVERIFY(store_);
    const auto kept = store_->create(campaignNamed(QStringLiteral("kept")));
    QVERIFY2(kept.ok(), qPrintable(kept.message));
    keptId_ = kept.value.campaign.id;
}

void StoreHangTest::cleanupTestCase()
{
    store_.reset();
    QSqlDatabase::removeDatabase(QStringLiteral("hang-admin"));
    server_.stop();
}

void StoreHangTest::cleanup()
{
    server_.resume();
    QSqlDatabase::database(QStringLiteral("hang-admin"), false).close(); // ends a lock a failed test left
}

std::unique_ptr<CampaignStore> StoreHangTest::openStore(std::chrono::milliseconds timeout)
{
    QString error;
    auto target = DatabaseTarget::fromDatabaseUrl(server_.databaseUrl(), &error);
    if (!target) {
        qWarning("%s", qPrintable(error));
        return nullptr;
    }
    target->queryTimeout = timeout;
    auto store = CampaignStore::open(*target, &error);
    if (!store)
        qWarning("%s", qPrintable(error));
    return store;
}

QSqlQuery StoreHangTest::admin()
{
    const QString name = QStringLiteral("hang-admin");
    QSqlDatabase db = QSqlDatabase::database(name, false);
    if (!db.isValid()) {
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(server_.port());
        db.setUserName(QStringLiteral("postgres"));
        db.setDatabaseName(QStringLiteral("adserve"));
    }
    if (!db.isOpen() && !db.open())
        qWarning("admin connection: %s", qPrintable(db.lastError().text()));
    return QSqlQuery(db);
}

qint64 StoreHangTest::count(const QString &sql)
{
    QSqlQuery query = admin();
    if (!query.exec(sql) || !query.next()) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return -1;
    }
    return query.value(0).toLongLong();
}

void StoreHangTest::timeoutSetting_data()
{
    QTest::addColumn<QString>("value"); // empty: unset
    QTest::addColumn<qint64>("expectedMs"); // 0: a start-up error naming the variable

    QTest::newRow("unset: 5 s") << QString() << qint64(5000);
    QTest::newRow("250 ms") << QStringLiteral("250") << qint64(250);
    QTest::newRow("an hour at most") << QStringLiteral("3600000") << qint64(3600000);
    QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
    QTest::newRow("negative") << QStringLiteral("-5") << qint64(0);
    QTest::newRow("junk") << QStringLiteral("5s") << qint64(0);
    QTest::newRow("over an hour") << QStringLiteral("3600001") << qint64(0);
}

void StoreHangTest::timeoutSetting()
{
    QFETCH(QString, value);
    QFETCH(qint64, expectedMs);
    QMap<QString, QString> values{{QStringLiteral("DATABASE_URL"), server_.databaseUrl()}};
    if (!value.isNull())
        values.insert(QStringLiteral("DATABASE_QUERY_TIMEOUT_MS"), value);
    QString error;
    const auto config = ConfigBuilder::build(values, &error);
    if (expectedMs == 0) {
        QVERIFY(!config);
        QVERIFY2(error.startsWith(QStringLiteral("DATABASE_QUERY_TIMEOUT_MS: ")), qPrintable(error));
        return;
    }
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(qint64(config->database.queryTimeout.count()), expectedMs);
}

void StoreHangTest::frozenServer_data()
{
    QTest::addColumn<Call>("call");
    QTest::newRow("read: details of a cache miss") << Call::CampaignsByIds;
    QTest::newRow("read: targeting snapshot") << Call::Targeting;
    QTest::newRow("read: campaign list") << Call::Campaigns;
    QTest::newRow("write: create") << Call::Create;
    QTest::newRow("write: set status") << Call::SetStatus;
    QTest::newRow("write: add rule") << Call::AddRule;
}

void StoreHangTest::frozenServer()
{
    QFETCH(Call, call);
    CampaignStore &store = *store_;
    QVERIFY(store.ping().ok()); // this thread holds a connection that is about to get stuck
    const qint64 rulesBefore = count(QStringLiteral("SELECT count(*) FROM target_rules"));

    const std::function<Timed()> run = [&]() -> Timed {
        switch (call) {
        case Call::CampaignsByIds: return timed([&] { return store.campaignsByIds({keptId_}); });
        case Call::Targeting: return timed([&] { return store.targeting(); });
        case Call::Campaigns: return timed([&] { return store.campaigns(); });
        case Call::Create: return timed([&] { return store.create(campaignNamed(QStringLiteral("frozen"))); });
        case Call::SetStatus: return timed([&] { return store.setStatus(keptId_, kStatusInactive); });
        case Call::AddRule:
            return timed([&] { return store.addRule(keptId_, test::rule(Dimension::Os, RuleType::Include, {QStringLiteral("ios")})); });
        }
        return {};
    };
    Timed outcome;
    {
        Frozen frozen(server_);
        outcome = run();
    }
    QVERIFY2(!outcome.ok, "a call to a frozen server cannot succeed");
    QCOMPARE(outcome.error, StoreError::Unavailable);
    QVERIFY2(outcome.message.contains(QStringLiteral("PostgreSQL did not answer within 1000 ms")), qPrintable(outcome.message));
    QVERIFY2(outcome.millis >= kTimeout.count(), qPrintable(QString::number(outcome.millis)));
    QVERIFY2(outcome.millis <= kTimeout.count() + kMarginMs, qPrintable(QString::number(outcome.millis)));

    // Answering again: the next call reconnects, and the failed write left nothing behind.
    const auto after = store.campaign(keptId_);
    QVERIFY2(after.ok(), qPrintable(after.message));
    QCOMPARE(after.value.campaign.status, kStatusActive);
    QCOMPARE(after.value.rules.size(), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM campaigns WHERE code = 'frozen'")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM target_rules")), rulesBefore);
}

void StoreHangTest::everyCallToAFrozenServerIsBounded()
{
    // Call after call, reads and writes: the first is cut (and its retry fails at once on
    // the dropped connection), the ones after find that the server does not answer a new
    // connection. None waits longer than the timeout; none writes anything.
    constexpr auto kShortTimeout = 300ms;
    auto store = openStore(kShortTimeout);
    QVERIFY(store);
    QVERIFY(store->ping().ok()); // an open connection, about to get stuck
    QList<Timed> outcomes;
    {
        Frozen frozen(server_);
        for (int i = 0; i < 6; ++i) {
            outcomes.append(i % 2 ? timed([&] { return store->create(campaignNamed(QStringLiteral("frozen-%1").arg(i))); })
                                  : timed([&] { return store->campaignsByIds({keptId_}); }));
        }
    }
    QStringList millis;
    for (const Timed &outcome : outcomes)
        millis.append(QString::number(outcome.millis));
    qInfo("calls to the frozen server took %s ms", qPrintable(millis.join(QStringLiteral(", "))));
    for (const Timed &outcome : outcomes) {
        QVERIFY(!outcome.ok);
        QCOMPARE(outcome.error, StoreError::Unavailable);
        QVERIFY2(outcome.message.contains(QStringLiteral("within 300 ms")), qPrintable(outcome.message));
        QVERIFY2(outcome.millis <= kShortTimeout.count() + kMarginMs, qPrintable(QString::number(outcome.millis)));
    }
    QTRY_VERIFY_WITH_TIMEOUT(store->ping().ok(), 5000);
    QVERIFY(store->campaignsByIds({keptId_}).ok());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM campaigns WHERE code LIKE 'frozen-%'")), 0);
}

void StoreHangTest::frozenInTheMiddleOfAWrite()
{
    // A longer timeout: the write must be caught waiting on the server before it is frozen.
    auto store = openStore(3000ms);
    QVERIFY(store);
    QSqlQuery lock = admin();
    QVERIFY2(lock.exec(QStringLiteral("BEGIN")), qPrintable(lock.lastError().text()));
    QVERIFY2(lock.exec(QStringLiteral("LOCK TABLE target_rules IN ACCESS EXCLUSIVE MODE")), qPrintable(lock.lastError().text()));

    // Its campaign row goes in, its rule waits for the lock; then the whole server freezes.
    auto write = std::async(std::launch::async, [&] {
        return timed([&] { return store->create(campaignNamed(QStringLiteral("half"))); });
    });
    QElapsedTimer waiting;
    waiting.start();
    while (count(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted")) < 1
           && waiting.elapsed() < 2500)
        QThread::msleep(5);
    QVERIFY2(waiting.elapsed() < 2500, "the write never waited for the lock");
    Timed outcome;
    {
        Frozen frozen(server_);
        QVERIFY2(write.wait_for(std::chrono::milliseconds(3000 + kHangBoundMs)) == std::future_status::ready,
                 "the write hangs");
        outcome = write.get();
    }
    QVERIFY(!outcome.ok);
    QVERIFY2(outcome.message.contains(QStringLiteral("PostgreSQL did not answer within 3000 ms")), qPrintable(outcome.message));

    QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
    // The stuck transaction (it locked campaigns with its first insert) ends once its server
    // runs again and finds its client gone. Only its locks are counted: the change listeners
    // ping on their own threads meanwhile.
    const QString locksOnCampaigns = QStringLiteral("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                                                    "WHERE c.relname = 'campaigns' AND l.pid <> pg_backend_pid()");
    QTRY_COMPARE_WITH_TIMEOUT(count(locksOnCampaigns), 0, 10000);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM campaigns WHERE code = 'half'")), 0);
    QVERIFY(store->ping().ok());
}

void StoreHangTest::slowStatementIsCanceledByTheServer()
{
    // Alive but stuck behind a lock: the server cancels the statement itself, the
    // connection stays usable, and the transaction is rolled back.
    QSqlQuery lock = admin();
    QVERIFY(lock.exec(QStringLiteral("BEGIN")));
    QVERIFY(lock.exec(QStringLiteral("LOCK TABLE target_rules IN ACCESS EXCLUSIVE MODE")));
    const Timed outcome = timed([&] { return store_->create(campaignNamed(QStringLiteral("slow"))); });
    QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));

    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.error, StoreError::Unavailable);
    QVERIFY2(outcome.message.contains(QStringLiteral("PostgreSQL did not finish a statement within 1000 ms")),
             qPrintable(outcome.message));
    QVERIFY2(outcome.millis < kTimeout.count() + kHangBoundMs, qPrintable(QString::number(outcome.millis)));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM campaigns WHERE code = 'slow'")), 0);
    QVERIFY(store_->create(campaignNamed(QStringLiteral("slow"))).ok());
}

void StoreHangTest::loadingAllTargetingMayTakeLonger()
{
    // Loading all targeting is one read that grows with the store (seconds at a million
    // campaigns): the server does not time it, and the client waits up to 10x the timeout
    // for rows. Here its rules wait 3x the timeout behind a lock, and it still succeeds.
    constexpr auto kLockedFor = 3 * kTimeout;
    QSqlQuery lock = admin();
    QVERIFY(lock.exec(QStringLiteral("BEGIN")));
    QVERIFY(lock.exec(QStringLiteral("LOCK TABLE target_rules IN ACCESS EXCLUSIVE MODE")));
    auto loading = std::async(std::launch::async, [&] { return timed([&] { return store_->targeting(); }); });
    QThread::msleep(kLockedFor.count());
    QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
    const Timed outcome = loading.get();
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    // It outlasted the timeout (by less than kLockedFor: the read starts a moment after the lock).
    QVERIFY2(outcome.millis > 2 * kTimeout.count(), qPrintable(QString::number(outcome.millis)));

    // The same lock still stops a read on the request path after the timeout.
    QVERIFY(lock.exec(QStringLiteral("BEGIN")));
    QVERIFY(lock.exec(QStringLiteral("LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE")));
    const Timed details = timed([&] { return store_->campaignsByIds({keptId_}); });
    QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
    QVERIFY(!details.ok);
    QVERIFY2(details.message.contains(QStringLiteral("PostgreSQL did not finish a statement within 1000 ms")),
             qPrintable(details.message));
}

void StoreHangTest::eventLoopKeepsTurning()
{
    // The store's change listener checks its connection every 2 s and reconnects when the
    // check fails; with the server frozen both block (for the query timeout, then for the
    // connect timeout), on the listener's own thread. The thread that owns the store keeps
    // turning its event loop the whole time.
    constexpr int kFrozenMs = 4000;
    constexpr qint64 kTickMs = 20;
    // A blocked loop would show a gap of the query timeout (1 s) or more.
    constexpr qint64 kLongestAllowedGapMs = 500;
    QElapsedTimer sinceLastTick;
    qint64 longestGap = 0;
    QTimer ticker;
    ticker.setInterval(int(kTickMs));
    connect(&ticker, &QTimer::timeout, this, [&] {
        longestGap = std::max(longestGap, sinceLastTick.restart());
    });
    {
        Frozen frozen(server_);
        sinceLastTick.start();
        ticker.start();
        QTest::qWait(kFrozenMs);
        ticker.stop();
        longestGap = std::max(longestGap, sinceLastTick.elapsed()); // a stall that outlasted the wait
    }
    QVERIFY2(longestGap < kLongestAllowedGapMs, qPrintable(QStringLiteral("event loop stood still for %1 ms").arg(longestGap)));
    QTRY_VERIFY_WITH_TIMEOUT(store_->ping().ok(), 15000);
}

QTEST_GUILESS_MAIN(StoreHangTest)
#include "tst_store_hang.moc"
