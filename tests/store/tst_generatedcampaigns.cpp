// What the generator writes, on a temporary SQLite file and on a real PostgreSQL: one run is
// one transaction (nobody sees part of it, and a cancelled run leaves no row and no change
// behind); "remove generated" takes back every campaign coded gen-<seed>-<n>, of one seed or
// all, in one transaction that the change log records, and nothing else. Each test also
// follows the change log as another instance does, and checks what it is handed.
#include "StoreUnderTest.h"
#include "TestCampaigns.h"
#include "TestPostgres.h"
#include "changes/ChangeFeed.h"
#include "changes/ChangeLog.h"
#include "store/CampaignGenerator.h"

#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace adserve;
using adserve::test::campaign;
using adserve::test::rule;

class GeneratedCampaignsTest : public QObject
{
    Q_OBJECT
public:
    explicit GeneratedCampaignsTest(TestPostgres *postgres) : db_(postgres) {}

private Q_SLOTS:
    void init();
    void cleanup();

    void aRunIsInvisibleUntilItIsWhole();
    void aCancelledRunLeavesNothing();
    void aFailedRunLeavesNothing();
    void countsTellLiveFromDeleted();
    void removeTakesBackOneSeedThenAll();
    void aCancelledRemovalRemovesNothing();

private:
    // Where another instance stands in the log now: it has applied everything so far.
    ChangeFeed followerAtHead();
    // What that instance is handed when it reads the log until it has read everything.
    QList<LogRow> follow(ChangeFeed &feed);
    qint64 scalar(const QString &sql) { return db_.scalar(sql); }
    qint64 generatedRows(const QString &table);

    StoreUnderTest db_;
    std::unique_ptr<CampaignStore> store_;
};

void GeneratedCampaignsTest::init()
{
    QString error;
    QVERIFY2(db_.fresh(&error), qPrintable(error));
    store_ = db_.open();
    QVERIFY(store_);
}

void GeneratedCampaignsTest::cleanup()
{
    store_.reset();
    db_.closeRaw();
}

ChangeFeed GeneratedCampaignsTest::followerAtHead()
{
    const auto head = ChangeLog(store_->sessions()).head();
    if (!head.ok())
        qWarning("no head: %s", qPrintable(head.message));
    return ChangeFeed::startingAt(head.value);
}

QList<LogRow> GeneratedCampaignsTest::follow(ChangeFeed &feed)
{
    ChangeLog log(store_->sessions());
    QList<LogRow> handed;
    for (int round = 0; round < 10000; ++round) {
        const auto page = log.read(feed, 1000);
        if (!page.ok()) {
            qWarning("read failed: %s", qPrintable(page.message));
            return handed;
        }
        handed += feed.unseen(page.value);
        feed.advance(page.value);
        if (!page.value.full && feed.gaps().isEmpty() && feed.settled() && feed.appliedThrough() >= page.value.newestId)
            break;
    }
    return handed;
}

qint64 GeneratedCampaignsTest::generatedRows(const QString &table)
{
    // substr: SQLite's LIKE ignores case.
    if (table == QLatin1String("campaigns"))
        return scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE substr(code, 1, 4) = 'gen-'"));
    return scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id "
                                 "WHERE substr(c.code, 1, 4) = 'gen-'"));
}

void GeneratedCampaignsTest::aRunIsInvisibleUntilItIsWhole()
{
    ChangeFeed follower = followerAtHead();
    QSignalSpy announced(store_.get(), &CampaignStore::campaignsChanged);
    QList<qint64> seenMeanwhile; // by another connection, after each batch
    qint64 deleted = -1;
    const auto generated = CampaignGenerator::generate(*store_, 12000, 3, [&](qint64, qint64) {
        seenMeanwhile.append(generatedRows(QStringLiteral("campaigns")));
        return true;
    }, &deleted);
    QVERIFY2(generated.ok(), qPrintable(generated.message));
    QCOMPARE(generated.value, 12000);
    QCOMPARE(seenMeanwhile, QList<qint64>({0, 0, 0}));
    QCOMPARE(generatedRows(QStringLiteral("campaigns")), 12000);
    QCOMPARE(deleted, scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE deleted")));
    QVERIFY2(deleted > 240 && deleted < 480, qPrintable(QString::number(deleted)));

    // Announced once, naming every campaign written (in id order), with the change it made.
    QCOMPARE(announced.count(), 1);
    const auto change = announced.first().at(0).value<StoreChange>();
    QCOMPARE(change.campaignIds.size(), 12000);
    QVERIFY(std::is_sorted(change.campaignIds.cbegin(), change.campaignIds.cend()));
    QCOMPARE(change.campaignIds.last(), scalar(QStringLiteral("SELECT max(id) FROM campaigns")));
    QCOMPARE(change.changeId, generated.changeId);
    QCOMPARE(change.txns.size(), 1);
    // Another instance is handed every campaign and rule row, in one transaction.
    const QList<LogRow> handed = follow(follower);
    QCOMPARE(qint64(handed.size()), 12000 + generatedRows(QStringLiteral("target_rules")));
    QSet<qint64> txns, campaigns;
    for (const LogRow &row : handed) {
        txns.insert(row.txn);
        campaigns.insert(row.campaignId);
    }
    QCOMPARE(txns.size(), 1);
    QCOMPARE(campaigns.size(), 12000);
    QCOMPARE(follower.appliedThrough(), generated.changeId);
}

void GeneratedCampaignsTest::aCancelledRunLeavesNothing()
{
    ChangeFeed follower = followerAtHead();
    const qint64 logBefore = scalar(QStringLiteral("SELECT count(*) FROM adserve_changes"));
    QSignalSpy announced(store_.get(), &CampaignStore::campaignsChanged);
    QList<qint64> reported;
    qint64 deleted = -1;
    const auto cancelled = CampaignGenerator::generate(*store_, 12000, 5, [&](qint64 done, qint64) {
        reported.append(done);
        return reported.size() < 2; // cancel after the second batch
    }, &deleted);
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.message));
    QCOMPARE(reported, QList<qint64>({5000, 10000}));
    QCOMPARE(cancelled.value, 0);
    QCOMPARE(deleted, 0);
    QCOMPARE(generatedRows(QStringLiteral("campaigns")), 0);
    QCOMPARE(generatedRows(QStringLiteral("target_rules")), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules")),
             scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id")));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM adserve_changes")), logBefore);
    QCOMPARE(announced.count(), 0);

    // Another instance is handed nothing of it: the ids it took (PostgreSQL's sequence does
    // not roll back) are a hole that closes, not a change it waits for.
    QVERIFY(follow(follower).isEmpty());
    QVERIFY(follower.gaps().isEmpty());
    // And the next write reaches it as usual, the same codes free to be generated again.
    const auto again = CampaignGenerator::generate(*store_, 20, 5);
    QVERIFY2(again.ok(), qPrintable(again.message));
    QCOMPARE(again.value, 20);
    const QList<LogRow> handed = follow(follower);
    QVERIFY(!handed.isEmpty());
    QCOMPARE(follower.appliedThrough(), again.changeId);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code = 'gen-5-1'")), 1);
}

void GeneratedCampaignsTest::aFailedRunLeavesNothing()
{
    // gen-9-7000 is taken: the run fails in its second batch, and its first goes too.
    QVERIFY(store_->create(campaign(QStringLiteral("gen-9-7000"))).ok());
    const qint64 logBefore = scalar(QStringLiteral("SELECT count(*) FROM adserve_changes"));
    const auto failed = CampaignGenerator::generate(*store_, 12000, 9);
    QCOMPARE(failed.error, StoreError::Conflict);
    QCOMPARE(failed.value, 0);
    QCOMPARE(generatedRows(QStringLiteral("campaigns")), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM adserve_changes")), logBefore);
}

void GeneratedCampaignsTest::countsTellLiveFromDeleted()
{
    QVERIFY(CampaignGenerator::generate(*store_, 1500, 7).ok());
    QVERIFY(CampaignGenerator::generate(*store_, 300, 8).ok());
    // Named like generated ones, but not as the generator names them: not counted.
    for (const char *code : {"gen-spring", "gen-2024-launch", "gen-7-", "GEN-7-1x", "gen-7-12-b"})
        QVERIFY(store_->create(campaign(QString::fromLatin1(code))).ok());

    const auto all = CampaignGenerator::countGenerated(*store_);
    QVERIFY2(all.ok(), qPrintable(all.message));
    QCOMPARE(all.value.total(), 1800);
    QCOMPARE(all.value.deleted, scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE deleted")));
    QVERIFY(all.value.deleted > 0);
    const auto seven = CampaignGenerator::countGenerated(*store_, 7);
    QCOMPARE(seven.value.total(), 1500);
    QCOMPARE(seven.value.live,
             scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE substr(code, 1, 6) = 'gen-7-' AND NOT deleted"))
                 - 2); // "gen-7-" and "gen-7-12-b"
    QCOMPARE(CampaignGenerator::countGenerated(*store_, 70).value.total(), 0);
}

void GeneratedCampaignsTest::removeTakesBackOneSeedThenAll()
{
    const qint64 samples = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    QVERIFY(CampaignGenerator::generate(*store_, 1500, 7).ok());
    QVERIFY(CampaignGenerator::generate(*store_, 300, 8).ok());
    const auto kept = store_->create(campaign(QStringLiteral("gen-spring"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QVERIFY(kept.ok());
    const qint64 generatedRules = generatedRows(QStringLiteral("target_rules")) - 1; // but gen-spring's
    QVERIFY(generatedRules > 1800);

    // One seed: a few campaigns, each named to the instances that follow.
    ChangeFeed follower = followerAtHead();
    QSignalSpy announced(store_.get(), &CampaignStore::campaignsChanged);
    const auto eight = CampaignGenerator::removeGenerated(*store_, 8);
    QVERIFY2(eight.ok(), qPrintable(eight.message));
    QCOMPARE(eight.value, 300);
    QCOMPARE(CampaignGenerator::countGenerated(*store_, 8).value.total(), 0);
    QCOMPARE(CampaignGenerator::countGenerated(*store_, 7).value.total(), 1500);
    QCOMPARE(announced.count(), 1);
    QCOMPARE(announced.first().at(0).value<StoreChange>().campaignIds.size(), 300);
    QCOMPARE(announced.first().at(0).value<StoreChange>().changeId, eight.changeId);

    // Every seed: the rest, with their rules; the campaign merely named "gen-..." stays.
    const auto all = CampaignGenerator::removeGenerated(*store_);
    QVERIFY2(all.ok(), qPrintable(all.message));
    QCOMPARE(all.value, 1500);
    QCOMPARE(generatedRows(QStringLiteral("campaigns")), 1); // gen-spring
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), samples + 1);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules")),
             scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id")));
    QVERIFY(store_->campaign(kept.value.campaign.id).ok());
    QCOMPARE(CampaignGenerator::countGenerated(*store_).value.total(), 0);
    QCOMPARE(announced.count(), 2);
    QCOMPARE(announced.last().at(0).value<StoreChange>().campaignIds.size(), 1500);

    // Another instance is handed each removal: every campaign and rule row deleted, under
    // its campaign, two transactions in all.
    const QList<LogRow> handed = follow(follower);
    QCOMPARE(qint64(handed.size()), 1800 + generatedRules);
    QSet<qint64> txns, campaigns;
    for (const LogRow &row : handed) {
        txns.insert(row.txn);
        campaigns.insert(row.campaignId);
    }
    QCOMPARE(txns.size(), 2);
    QCOMPARE(campaigns.size(), 1800);
    QVERIFY(!campaigns.contains(kept.value.campaign.id));
    QCOMPARE(follower.appliedThrough(), all.changeId);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM adserve_changes WHERE op = 'delete' AND entity = 'campaign'")),
             1800);
    QCOMPARE(scalar(QStringLiteral("SELECT count(DISTINCT note) FROM adserve_changes WHERE op = 'delete'")), 2);

    // The codes are free again: the same seed gives the same campaigns once more.
    const auto again = CampaignGenerator::generate(*store_, 300, 8);
    QVERIFY2(again.ok(), qPrintable(again.message));
    QCOMPARE(again.value, 300);
}

void GeneratedCampaignsTest::aCancelledRemovalRemovesNothing()
{
    QVERIFY(CampaignGenerator::generate(*store_, 12000, 4).ok());
    const qint64 rules = generatedRows(QStringLiteral("target_rules"));
    const qint64 logBefore = scalar(QStringLiteral("SELECT count(*) FROM adserve_changes"));
    ChangeFeed follower = followerAtHead();
    QList<qint64> reported;
    const auto cancelled = CampaignGenerator::removeGenerated(*store_, std::nullopt, [&](qint64 done, qint64 total) {
        reported.append(done);
        return total == 12000 && reported.size() < 2;
    });
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.message));
    QCOMPARE(cancelled.value, 0);
    QCOMPARE(reported, QList<qint64>({5000, 10000}));
    QCOMPARE(generatedRows(QStringLiteral("campaigns")), 12000);
    QCOMPARE(generatedRows(QStringLiteral("target_rules")), rules);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM adserve_changes")), logBefore);
    QVERIFY(follow(follower).isEmpty());
    QVERIFY(follower.gaps().isEmpty());
}

class SqliteGeneratedCampaignsTest : public GeneratedCampaignsTest
{
    Q_OBJECT
public:
    SqliteGeneratedCampaignsTest() : GeneratedCampaignsTest(nullptr) {}
};

class PostgresGeneratedCampaignsTest : public GeneratedCampaignsTest
{
    Q_OBJECT
public:
    explicit PostgresGeneratedCampaignsTest(TestPostgres *postgres) : GeneratedCampaignsTest(postgres) {}
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    return runOnBothStores<SqliteGeneratedCampaignsTest, PostgresGeneratedCampaignsTest>(argc, argv);
}

#include "tst_generatedcampaigns.moc"
