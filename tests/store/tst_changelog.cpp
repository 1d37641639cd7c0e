// The change log, on a temporary SQLite file and on a real PostgreSQL: every change to
// campaigns and rules is recorded, whoever makes it, with who made it; a reader that
// follows the log never skips a change, even when writers commit out of order; history,
// restore and retention read the same log.
#include "StoreUnderTest.h"
#include "TestCampaigns.h"
#include "TestPostgres.h"
#include "changes/CampaignRestore.h"
#include "changes/ChangeFeed.h"
#include "changes/ChangeHistory.h"
#include "changes/ChangeLog.h"
#include "changes/InstanceRegistry.h"
#include "store/ConnectionPool.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QtConcurrent>


using namespace adserve;
using adserve::test::campaign;
using adserve::test::rule;

class ChangeLogTest : public QObject
{
    Q_OBJECT
public:
    explicit ChangeLogTest(TestPostgres *postgres) : db_(postgres) {}

private Q_SLOTS:
    void init();
    void cleanup();

    void ownWritesAreLoggedWithTheirActor();
    void writesByOthersAreLoggedWithTheDatabaseUser();
    void aRuleMovedIsAChangeOfBothCampaigns();
    void emptyingATableIsLogged();
    void historyFoldsATransactionIntoOneChange();
    void historyPagesByChange();
    void restoreMakesTheCampaignAsItWas();
    void restoreBringsBackADeletedCampaignAndHardDeletedRules();
    void restoreAcrossATruncateIsRefused();
    void restoreOfAnUnknownChangeIsNotFound();
    void pruneKeepsTheNewestChangesOfEachCampaign();
    void oneInstanceAtATimePrunes();
    void goneInstancesAreShownThenForgotten();
    void outOfOrderCommitsAreNotSkipped();
    void concurrentWritersAreNeverSkipped();

private:
    bool isPostgres() const { return db_.isPostgres(); }
    QList<ChangeEntry> allEntries() const { return ChangeLog(store_->sessions()).entries(0, 100000).value; }
    // What a reader that follows the log from `feed` delivers until it has read everything.
    QList<qint64> follow(ChangeFeed &feed, int pageSize);

    StoreUnderTest db_;
    std::unique_ptr<CampaignStore> store_;
};

void ChangeLogTest::init()
{
    QString error;
    QVERIFY2(db_.fresh(&error), qPrintable(error));
    store_ = db_.open();
    QVERIFY(store_);
}

void ChangeLogTest::cleanup()
{
    store_.reset();
    db_.closeRaw();
}

QList<qint64> ChangeLogTest::follow(ChangeFeed &feed, int pageSize)
{
    ChangeLog log(store_->sessions());
    QList<qint64> delivered;
    for (int round = 0; round < 1000; ++round) {
        const auto page = log.read(feed, pageSize);
        if (!page.ok()) {
            qWarning("read failed: %s", qPrintable(page.message));
            return delivered;
        }
        for (const LogRow &row : feed.unseen(page.value))
            delivered.append(row.id);
        feed.advance(page.value);
        if (!page.value.full && feed.gaps().isEmpty() && feed.settled() && feed.appliedThrough() >= page.value.newestId)
            break;
    }
    return delivered;
}

void ChangeLogTest::ownWritesAreLoggedWithTheirActor()
{
    const auto created = store_->create(campaign(QStringLiteral("logged"), {rule(Dimension::Country, RuleType::Include, {"US"})}),
                                        {QStringLiteral("alice"), {}});
    QVERIFY2(created.ok(), qPrintable(created.message));
    const qint64 id = created.value.campaign.id;
    const auto renamed = [&] {
        CampaignWithRules c = created.value;
        c.campaign.name = QStringLiteral("Renamed");
        return store_->update(c, {}, {QStringLiteral("api:ops"), {}});
    }();
    QVERIFY(renamed.ok());
    QVERIFY(renamed.changeId > created.changeId);

    const QList<ChangeEntry> entries = ChangeLog(store_->sessions()).entries(0, 100, id).value;
    QCOMPARE(entries.size(), 3); // created: campaign + rule; renamed: the campaign (its rule is unchanged)
    QCOMPARE(entries.at(0).entity, QStringLiteral("campaign"));
    QCOMPARE(entries.at(0).op, QStringLiteral("insert"));
    QCOMPARE(entries.at(0).actor, QStringLiteral("alice"));
    QVERIFY(entries.at(0).before.isEmpty());
    QCOMPARE(entries.at(0).after.value(QLatin1String("code")).toString(), QStringLiteral("logged"));
    QCOMPARE(entries.at(1).entity, QStringLiteral("rule"));
    QCOMPARE(entries.at(1).campaignId, id);
    QCOMPARE(entries.at(1).after.value(QLatin1String("values")).toArray().first().toString(), QStringLiteral("US"));
    QCOMPARE(entries.at(1).txn, entries.at(0).txn); // one transaction
    QCOMPARE(created.changeId, entries.at(1).id);   // the write reports its newest entry
    const ChangeEntry &update = entries.last();
    QCOMPARE(update.op, QStringLiteral("update"));
    QCOMPARE(update.actor, QStringLiteral("api:ops"));
    QCOMPARE(update.before.value(QLatin1String("name")).toString(), created.value.campaign.name);
    QCOMPARE(update.after.value(QLatin1String("name")).toString(), QStringLiteral("Renamed"));
    QCOMPARE(renamed.changeId, update.id);
    QVERIFY(update.txn != entries.at(0).txn);

    // A write naming nobody is the store's default actor's.
    store_->setDefaultActor(QStringLiteral("bob"));
    QVERIFY(store_->setStatus(id, kStatusInactive).ok());
    QCOMPARE(ChangeLog(store_->sessions()).entries(update.id, 10, id).value.first().actor, QStringLiteral("bob"));
    // Nothing of the write's stamp is left behind for the next writer.
    if (!isPostgres())
        QCOMPARE(db_.scalar(QStringLiteral("SELECT count(*) FROM adserve_writer")), 0);
}

void ChangeLogTest::writesByOthersAreLoggedWithTheDatabaseUser()
{
    store_->setDefaultActor(QStringLiteral("studio-user"));
    const auto created = store_->create(campaign(QStringLiteral("elsewhere"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;
    const qint64 before = created.changeId;
    QVERIFY(db_.exec(QStringLiteral("UPDATE campaigns SET cta = 'By hand' WHERE id = %1").arg(id)));
    QVERIFY(db_.exec(QStringLiteral("UPDATE target_rules SET \"values\" = %1 WHERE campaign_id = %2")
                         .arg(isPostgres() ? QStringLiteral("'{Android}'") : QStringLiteral("'[\"Android\"]'"))
                         .arg(id)));
    QVERIFY(db_.exec(QStringLiteral("DELETE FROM target_rules WHERE campaign_id = %1").arg(id)));
    const QList<ChangeEntry> entries = ChangeLog(store_->sessions()).entries(before, 100).value;
    QCOMPARE(entries.size(), 3);
    const QString who = isPostgres() ? QStringLiteral("postgres") : QStringLiteral("sqlite");
    for (const ChangeEntry &e : entries) {
        QCOMPARE(e.actor, who);
        QCOMPARE(e.campaignId, id);
    }
    QCOMPARE(entries.at(0).after.value(QLatin1String("cta")).toString(), QStringLiteral("By hand"));
    QCOMPARE(entries.at(1).before.value(QLatin1String("values")).toArray().first().toString(), QStringLiteral("iOS"));
    QCOMPARE(entries.at(1).after.value(QLatin1String("values")).toArray().first().toString(), QStringLiteral("Android"));
    QCOMPARE(entries.at(2).op, QStringLiteral("delete"));
    QVERIFY(entries.at(2).after.isEmpty());
    QCOMPARE(entries.at(2).before.value(QLatin1String("id")).toInteger(), created.value.rules.first().id);
}

void ChangeLogTest::aRuleMovedIsAChangeOfBothCampaigns()
{
    const auto from = store_->create(campaign(QStringLiteral("from"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    const auto to = store_->create(campaign(QStringLiteral("to")));
    QVERIFY(from.ok() && to.ok());
    QVERIFY(db_.exec(QStringLiteral("UPDATE target_rules SET campaign_id = %1 WHERE campaign_id = %2")
                         .arg(to.value.campaign.id)
                         .arg(from.value.campaign.id)));
    const QList<ChangeEntry> entries = ChangeLog(store_->sessions()).entries(to.changeId, 100).value;
    QSet<qint64> campaigns;
    for (const ChangeEntry &e : entries)
        campaigns.insert(e.campaignId);
    QCOMPARE(campaigns, (QSet<qint64>{from.value.campaign.id, to.value.campaign.id}));
}

void ChangeLogTest::emptyingATableIsLogged()
{
    QVERIFY(store_->create(campaign(QStringLiteral("gone-soon"), {rule(Dimension::Os, RuleType::Include, {"iOS"})})).ok());
    const qint64 newest = ChangeLog(store_->sessions()).newestId().value;
    const qint64 rules = db_.scalar(QStringLiteral("SELECT count(*) FROM target_rules"));
    QVERIFY(db_.exec(isPostgres() ? QStringLiteral("TRUNCATE target_rules") : QStringLiteral("DELETE FROM target_rules")));
    const QList<ChangeEntry> entries = ChangeLog(store_->sessions()).entries(newest, 100).value;
    if (isPostgres()) { // the whole table at once: readers reload everything
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().op, QStringLiteral("truncate"));
        QCOMPARE(entries.first().campaignId, 0);
    } else { // SQLite deletes row by row, and says which
        QCOMPARE(entries.size(), rules);
        for (const ChangeEntry &e : entries)
            QCOMPARE(e.op, QStringLiteral("delete"));
    }
}

void ChangeLogTest::historyFoldsATransactionIntoOneChange()
{
    const auto created = store_->create(campaign(QStringLiteral("story"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                                           rule(Dimension::App, RuleType::Exclude, {"x.y"})}),
                                        {QStringLiteral("carol"), {}});
    QVERIFY(created.ok());
    CampaignWithRules edited = created.value;
    edited.campaign.name = QStringLiteral("Story, told again");
    edited.rules[0].values = {QStringLiteral("US"), QStringLiteral("CA")};
    edited.rules.removeAt(1);
    edited.rules.append(rule(Dimension::Os, RuleType::Include, {QStringLiteral("iOS")}));
    const auto updated = store_->update(edited, {}, {QStringLiteral("dave"), {}});
    QVERIFY(updated.ok());
    QVERIFY(store_->setStatus(created.value.campaign.id, kStatusInactive, {QStringLiteral("erin"), {}}).ok());

    const auto entries = ChangeLog(store_->sessions()).campaignChanges(created.value.campaign.id, 0, 10);
    QVERIFY(entries.ok());
    const QList<CampaignChange> history = ChangeHistory::changes(entries.value);
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.at(0).kind, QStringLiteral("deactivated"));
    QCOMPARE(history.at(0).actor, QStringLiteral("erin"));
    const CampaignChange &edit = history.at(1);
    QCOMPARE(edit.kind, QStringLiteral("edited"));
    QCOMPARE(edit.actor, QStringLiteral("dave"));
    QCOMPARE(edit.changeId, updated.changeId);
    QCOMPARE(edit.fields.size(), 1);
    QCOMPARE(edit.fields.first().field, QStringLiteral("name"));
    QCOMPARE(edit.fields.first().after.toString(), QStringLiteral("Story, told again"));
    QStringList rules;
    for (const RuleChange &r : edit.rules)
        rules.append(r.describe());
    rules.sort();
    QCOMPARE(rules, (QStringList{QStringLiteral("added INCLUDE os: iOS"),
                                 QStringLiteral("changed INCLUDE country: US → INCLUDE country: US, CA"),
                                 QStringLiteral("removed EXCLUDE app: x.y")}));
    QCOMPARE(history.at(2).kind, QStringLiteral("created"));
    QCOMPARE(history.at(2).rules.size(), 2);
    QVERIFY(history.at(2).summary().contains(QLatin1String("added INCLUDE country: US")));
}

void ChangeLogTest::historyPagesByChange()
{
    const auto created = store_->create(campaign(QStringLiteral("paged"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;
    // Each change writes two rows (the rule, and the campaign touched): pages must not split one.
    for (int i = 0; i < 6; ++i)
        QVERIFY(store_->addRule(id, rule(Dimension::App, RuleType::Exclude, {QStringLiteral("app.%1").arg(i)})).ok());
    ChangeLog log(store_->sessions());
    const QList<CampaignChange> first = ChangeHistory::changes(log.campaignChanges(id, 0, 4).value);
    QCOMPARE(first.size(), 4);
    const QList<CampaignChange> rest = ChangeHistory::changes(log.campaignChanges(id, first.last().changeId, 4).value);
    QCOMPARE(rest.size(), 3);
    QCOMPARE(rest.last().kind, QStringLiteral("created"));
    QCOMPARE(rest.last().changeId, created.changeId);
    QVERIFY(rest.first().changeId < first.last().changeId);
    QSet<qint64> seen;
    for (const CampaignChange &c : first + rest) {
        QVERIFY2(!seen.contains(c.changeId), "a change on two pages");
        seen.insert(c.changeId);
        if (c.kind != QLatin1String("created"))
            QCOMPARE(c.rules.size(), 1);
    }
}

void ChangeLogTest::restoreMakesTheCampaignAsItWas()
{
    const auto created = store_->create(campaign(QStringLiteral("undo-me"), {rule(Dimension::Country, RuleType::Include, {"US"})}));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;
    CampaignWithRules edited = created.value;
    edited.campaign.name = QStringLiteral("Bad edit");
    edited.campaign.cta = QStringLiteral("Nope");
    edited.rules = {rule(Dimension::Country, RuleType::Include, {"FR"}), rule(Dimension::Os, RuleType::Exclude, {"iOS"})};
    QVERIFY(store_->update(edited).ok());

    CampaignRestore restore(*store_);
    const auto preview = restore.preview(id, created.changeId);
    QVERIFY2(preview.ok(), qPrintable(preview.message));
    QCOMPARE(preview.value.target.campaign.name, created.value.campaign.name);
    QCOMPARE(preview.value.effect.fields.size(), 2);
    QCOMPARE(preview.value.effect.rules.size(), 3); // FR and iOS go, US comes back
    QCOMPARE(store_->campaign(id).value.campaign.name, QStringLiteral("Bad edit")); // a preview writes nothing

    const auto restored = restore.restore(id, created.changeId, {QStringLiteral("frank"), {}});
    QVERIFY2(restored.ok(), qPrintable(restored.message));
    QVERIFY(restored.changeId > 0);
    const CampaignWithRules now = store_->campaign(id).value;
    QCOMPARE(now.campaign.name, created.value.campaign.name);
    QCOMPARE(now.campaign.cta, created.value.campaign.cta);
    QCOMPARE(now.rules.size(), 1);
    QCOMPARE(now.rules.first().id, created.value.rules.first().id); // the same rule row, revived
    QCOMPARE(now.rules.first().values, QStringList{QStringLiteral("US")});

    // The restore is a change of its own, noted as such, and can itself be undone.
    const QList<CampaignChange> history =
        ChangeHistory::changes(ChangeLog(store_->sessions()).campaignChanges(id, 0, 1).value);
    QCOMPARE(history.first().note, QStringLiteral("restore of change %1").arg(created.changeId));
    QCOMPARE(history.first().actor, QStringLiteral("frank"));
    const qint64 badEdit = ChangeHistory::changes(ChangeLog(store_->sessions()).campaignChanges(id, 0, 2).value).last().changeId;
    QVERIFY(restore.restore(id, badEdit, {}).ok());
    QCOMPARE(store_->campaign(id).value.campaign.name, QStringLiteral("Bad edit"));
    QCOMPARE(store_->campaign(id).value.rules.size(), 2);
}

void ChangeLogTest::restoreBringsBackADeletedCampaignAndHardDeletedRules()
{
    const auto created = store_->create(campaign(QStringLiteral("phoenix"), {rule(Dimension::Os, RuleType::Include, {"Android"})}));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;
    QVERIFY(store_->remove(id).ok());
    QVERIFY(db_.exec(QStringLiteral("DELETE FROM target_rules WHERE campaign_id = %1").arg(id)));
    QCOMPARE(store_->campaign(id).error, StoreError::NotFound);

    const auto restored = CampaignRestore(*store_).restore(id, created.changeId, {});
    QVERIFY2(restored.ok(), qPrintable(restored.message));
    const auto now = store_->campaign(id);
    QVERIFY(now.ok());
    QVERIFY(!now.value.campaign.deleted);
    QCOMPARE(now.value.rules.size(), 1);
    QCOMPARE(now.value.rules.first().values, QStringList{QStringLiteral("Android")});
    QVERIFY(now.value.rules.first().id != created.value.rules.first().id); // its row was gone: a new one
}

void ChangeLogTest::restoreAcrossATruncateIsRefused()
{
    if (!isPostgres())
        QSKIP("SQLite has no TRUNCATE: it deletes row by row, and logs each");
    const auto created = store_->create(campaign(QStringLiteral("emptied"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QVERIFY(created.ok());
    QVERIFY(db_.exec(QStringLiteral("TRUNCATE target_rules")));
    const auto restored = CampaignRestore(*store_).restore(created.value.campaign.id, created.changeId, {});
    QCOMPARE(restored.error, StoreError::Conflict); // not silently without its rules
    QVERIFY2(restored.message.contains(QLatin1String("TRUNCATE")), qPrintable(restored.message));
}

void ChangeLogTest::restoreOfAnUnknownChangeIsNotFound()
{
    const auto a = store_->create(campaign(QStringLiteral("a")));
    const auto b = store_->create(campaign(QStringLiteral("b")));
    QVERIFY(a.ok() && b.ok());
    CampaignRestore restore(*store_);
    QCOMPARE(restore.restore(a.value.campaign.id, b.changeId, {}).error, StoreError::NotFound); // another campaign's
    QCOMPARE(restore.restore(a.value.campaign.id, 999999, {}).error, StoreError::NotFound);
    QCOMPARE(restore.preview(424242, a.changeId).error, StoreError::NotFound);
}

void ChangeLogTest::pruneKeepsTheNewestChangesOfEachCampaign()
{
    const auto busy = store_->create(campaign(QStringLiteral("busy")));
    const auto quiet = store_->create(campaign(QStringLiteral("quiet")));
    QVERIFY(busy.ok() && quiet.ok());
    for (int i = 0; i < 9; ++i)
        QVERIFY(store_->setStatus(busy.value.campaign.id, i % 2 ? kStatusActive : kStatusInactive).ok());
    // Everything so far is old; then one more, recent change of the busy campaign.
    QVERIFY(db_.exec(isPostgres() ? QStringLiteral("UPDATE adserve_changes SET at = at - interval '100 days'")
                                  : QStringLiteral("UPDATE adserve_changes SET at = '2020-01-01T00:00:00.000Z'")));
    QVERIFY(store_->setStatus(busy.value.campaign.id, kStatusActive).ok());
    const qint64 newest = ChangeLog(store_->sessions()).newestId().value;

    ChangeRetention retention;
    retention.keepPerCampaign = 3;
    const auto pruned = ChangeLog(store_->sessions()).prune(retention);
    QVERIFY2(pruned.ok(), qPrintable(pruned.message));
    QVERIFY(pruned.value > 0);
    ChangeLog log(store_->sessions());
    // The busy campaign keeps its newest 3 changes (the recent one among them), the quiet one
    // its only change however old; the samples keep theirs too.
    QCOMPARE(ChangeHistory::changes(log.campaignChanges(busy.value.campaign.id, 0, 100).value).size(), 3);
    QCOMPARE(ChangeHistory::changes(log.campaignChanges(quiet.value.campaign.id, 0, 100).value).size(), 1);
    QCOMPARE(log.newestId().value, newest);
    // Readers that were behind what went now know they must reload.
    QVERIFY(db_.scalar(QStringLiteral("SELECT value FROM adserve_meta WHERE key = 'changes_pruned_through'")) > busy.changeId);
    // Nothing more goes on a second run.
    QCOMPARE(log.prune(retention).value, 0);
}

void ChangeLogTest::oneInstanceAtATimePrunes()
{
    if (!isPostgres())
        QSKIP("SQLite serialises writers: pruning twice at once cannot happen");
    const auto busy = store_->create(campaign(QStringLiteral("busy")));
    for (int i = 0; i < 4; ++i)
        QVERIFY(store_->setStatus(busy.value.campaign.id, i % 2 ? kStatusActive : kStatusInactive).ok());
    QVERIFY(db_.exec(QStringLiteral("UPDATE adserve_changes SET at = at - interval '100 days'")));
    ChangeRetention retention;
    retention.keepPerCampaign = 1;
    // Another instance holds the pruning lock: this one leaves the work to it.
    QVERIFY(db_.scalar(QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(0x6164736572766532LL)) == 1);
    QCOMPARE(ChangeLog(store_->sessions()).prune(retention).value, 0);
    QVERIFY(db_.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(0x6164736572766532LL)));
    QVERIFY(ChangeLog(store_->sessions()).prune(retention).value > 0);
    // It let go of the lock when done.
    QCOMPARE(db_.scalar(QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")), 0);
}

void ChangeLogTest::goneInstancesAreShownThenForgotten()
{
    InstanceRegistry running(store_->sessions(), InstanceRegistry::describeThisProcess(QStringLiteral("server")));
    InstanceRegistry stopped(store_->sessions(), InstanceRegistry::describeThisProcess(QStringLiteral("studio")));
    ChangeStatus status;
    status.settled = true;
    status.appliedThrough = 7;
    QVERIFY(running.report(status).ok());
    QVERIFY(stopped.report(status).ok());
    const auto live = running.list();
    QCOMPARE(live.value.size(), 2);
    QVERIFY(!live.value.first().gone && !live.value.last().gone);
    QVERIFY(live.value.first().hasApplied(7) && !live.value.first().hasApplied(8));
    // One stops heart-beating: shown as gone, no longer counted where a change is live.
    QVERIFY(db_.exec(QStringLiteral("UPDATE adserve_instances SET heartbeat_at = %1 WHERE id = '%2'")
                         .arg(isPostgres() ? QStringLiteral("now() - interval '20 seconds'")
                                           : QStringLiteral("strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-20 seconds')"),
                              stopped.id())));
    const auto after = running.list().value;
    QCOMPARE(std::count_if(after.cbegin(), after.cend(), [](const InstanceRecord &r) { return r.gone; }), 1);
    QCOMPARE(running.forgetGone().value, 0); // gone, not yet forgotten
    QVERIFY(db_.exec(QStringLiteral("UPDATE adserve_instances SET heartbeat_at = %1 WHERE id = '%2'")
                         .arg(isPostgres() ? QStringLiteral("now() - interval '2 hours'")
                                           : QStringLiteral("strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 hours')"),
                              stopped.id())));
    QCOMPARE(running.forgetGone().value, 1);
    QCOMPARE(running.list().value.size(), 1);
    QVERIFY(running.remove().ok());
    QVERIFY(running.list().value.isEmpty());
}

void ChangeLogTest::outOfOrderCommitsAreNotSkipped()
{
    if (!isPostgres())
        QSKIP("SQLite serialises writers: ids commit in order");
    const auto a = store_->create(campaign(QStringLiteral("slow-writer")));
    const auto b = store_->create(campaign(QStringLiteral("fast-writer")));
    QVERIFY(a.ok() && b.ok());
    ChangeLog log(store_->sessions());
    const auto head = log.head();
    ChangeFeed feed = ChangeFeed::startingAt(head.value);

    // The slow writer takes its id first and commits last.
    QSqlDatabase slow = db_.raw();
    QString error;
    QSqlDatabase fast = ConnectionPool::open(db_.target(), QStringLiteral("fast-writer"), &error);
    QVERIFY2(fast.isOpen(), qPrintable(error));
    QSqlQuery slowQuery(slow), fastQuery(fast);
    QVERIFY(slowQuery.exec(QStringLiteral("BEGIN")));
    QVERIFY(slowQuery.exec(QStringLiteral("UPDATE campaigns SET name = 'slow' WHERE id = %1").arg(a.value.campaign.id)));
    QVERIFY(fastQuery.exec(QStringLiteral("UPDATE campaigns SET name = 'fast' WHERE id = %1").arg(b.value.campaign.id)));

    const auto first = log.read(feed, 100);
    QVERIFY(first.ok());
    QCOMPARE(first.value.rows.size(), 1); // only the fast writer's, which has the higher id
    const qint64 fastId = first.value.rows.first().id;
    feed.advance(first.value);
    QCOMPARE(fastId, head.value.newestId + 2);
    QCOMPARE(feed.appliedThrough(), head.value.newestId); // the slow writer's id is a hole to read again
    QCOMPARE(feed.gaps().size(), 1);
    QCOMPARE(feed.gaps().first().from, fastId - 1);

    QVERIFY(slowQuery.exec(QStringLiteral("COMMIT")));
    const auto second = log.read(feed, 100);
    QVERIFY(second.ok());
    QCOMPARE(second.value.rows.size(), 1);
    QCOMPARE(second.value.rows.first().id, fastId - 1);
    QCOMPARE(second.value.rows.first().campaignId, a.value.campaign.id);
    feed.advance(second.value);
    QCOMPARE(feed.appliedThrough(), fastId);
    QVERIFY(feed.gaps().isEmpty());
    QVERIFY(follow(feed, 100).isEmpty());
    QVERIFY(feed.settled());
    fast = QSqlDatabase();
    ConnectionPool::close(QStringLiteral("fast-writer"));
}

void ChangeLogTest::concurrentWritersAreNeverSkipped()
{
    // Many writers at once, some transactions held open, some rolled back, while a reader
    // follows the log: every committed entry is delivered, none twice, in the end all.
    QList<qint64> ids;
    for (int i = 0; i < 8; ++i) {
        const auto c = store_->create(campaign(QStringLiteral("w%1").arg(i)));
        QVERIFY(c.ok());
        ids.append(c.value.campaign.id);
    }
    ChangeLog log(store_->sessions());
    const auto head = log.head();
    ChangeFeed feed = ChangeFeed::startingAt(head.value);
    QThreadPool writers;
    writers.setMaxThreadCount(4);
    const QList<int> writerNumbers{0, 1, 2, 3};
    QFuture<void> done = QtConcurrent::map(&writers, writerNumbers, [&](int writer) {
        const QString name = QStringLiteral("concurrent-writer-%1").arg(writer);
        QString error;
        QSqlDatabase db = ConnectionPool::open(db_.target(), name, &error);
        QSqlQuery q(db);
        for (int i = 0; i < 40; ++i) {
            q.exec(isPostgres() ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"));
            q.exec(QStringLiteral("UPDATE campaigns SET name = 'w%1-%2' WHERE id = %3").arg(writer).arg(i).arg(ids[(writer + i) % 8]));
            QThread::msleep((writer * 7 + i) % 5);
            q.exec(QStringLiteral("UPDATE target_rules SET code = code WHERE campaign_id = %1").arg(ids[i % 8]));
            q.exec(i % 7 == 3 ? QStringLiteral("ROLLBACK") : QStringLiteral("COMMIT"));
        }
        q = QSqlQuery();
        db = QSqlDatabase();
        ConnectionPool::close(name);
    });
    QList<qint64> delivered;
    while (!done.isFinished()) {
        const auto page = log.read(feed, 7);
        QVERIFY2(page.ok(), qPrintable(page.message));
        for (const LogRow &row : feed.unseen(page.value))
            delivered.append(row.id);
        feed.advance(page.value);
        QThread::msleep(1);
    }
    done.waitForFinished();
    delivered += follow(feed, 7);

    QSet<qint64> unique(delivered.cbegin(), delivered.cend());
    QCOMPARE(unique.size(), delivered.size()); // none twice
    const auto committed = log.entries(head.value.newestId, 100000);
    QVERIFY(committed.ok());
    QVERIFY(committed.value.size() > 100);
    for (const ChangeEntry &e : committed.value)
        QVERIFY2(unique.contains(e.id), qPrintable(QStringLiteral("change %1 was skipped").arg(e.id)));
    QCOMPARE(qsizetype(unique.size()), committed.value.size());
    QCOMPARE(feed.appliedThrough(), log.newestId().value);
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int failed = 0;
    {
        ChangeLogTest sqlite(nullptr);
        failed += QTest::qExec(&sqlite, argc, argv);
    }
    TestPostgres postgres;
    QString error;
    if (!postgres.start(&error)) {
        qCritical("cannot start the test PostgreSQL server: %s", qPrintable(error));
        return 1;
    }
    {
        ChangeLogTest pg(&postgres);
        failed += QTest::qExec(&pg, argc, argv);
    }
    return failed;
}

#include "tst_changelog.moc"
