#include "CampaignStoreTest.h"

void CampaignStoreTest::init()
{
    QString error;
    QVERIFY2(db_.fresh(&error), qPrintable(error)); // each test gets a database of its own
}

void CampaignStoreTest::cleanup()
{
    store_.reset();
    db_.closeRaw();
}

bool CampaignStoreTest::openOwnServer(TestPostgres &server)
{
    QString error;
    if (!server.start(&error)) {
        qWarning("cannot start PostgreSQL: %s", qPrintable(error));
        return false;
    }
    db_.setTarget(*DatabaseTarget::fromDatabaseUrl(server.databaseUrl(), &error));
    store_ = openStore();
    return bool(store_);
}

void CampaignStoreTest::createReadsBackWithRules()
{
    store_ = openStore();
    QVERIFY(store_);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    CampaignWithRules input = campaign(QStringLiteral("spring"),
                                       {rule(Dimension::Country, RuleType::Include, {"US", "DE"}),
                                        rule(Dimension::App, RuleType::Exclude, {"com.example.app"})});
    input.campaign.status = kStatusInactive;
    const auto created = store_->create(input);
    QVERIFY2(created.ok(), qPrintable(created.message));
    const Campaign &c = created.value.campaign;
    QVERIFY(c.id > 0);
    QCOMPARE(c.code, QStringLiteral("spring"));
    QCOMPARE(c.name, QStringLiteral("Campaign spring"));
    QCOMPARE(c.image, QStringLiteral("https://cdn.example.com/spring.png"));
    QCOMPARE(c.status, kStatusInactive);
    QVERIFY(!c.deleted);
    QVERIFY(c.createdAt >= before && c.createdAt <= QDateTime::currentDateTimeUtc());
    QCOMPARE(c.updatedAt, c.createdAt);
    QCOMPARE(c.createdAt.timeSpec(), Qt::UTC);
    QCOMPARE(created.value.rules.size(), 2);
    for (const TargetRule &r : created.value.rules) {
        QVERIFY(r.id > 0);
        QCOMPARE(r.campaignId, c.id);
        QCOMPARE(r.createdAt, c.createdAt);
    }

    const auto read = store_->campaign(c.id);
    QVERIFY(read.ok());
    QCOMPARE(read.value.campaign, c);
    QCOMPARE(read.value.rules, created.value.rules);
    QCOMPARE(read.value.rules.at(0).values, QStringList({QStringLiteral("US"), QStringLiteral("DE")}));
    QCOMPARE(read.value.rules.at(1).type, RuleType::Exclude);
}

void CampaignStoreTest::createNamesRulesWithoutCode()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("promo"),
                                                 {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                  rule(Dimension::Country, RuleType::Include, {"CA"}, "promo-country-include-1"),
                                                  rule(Dimension::Os, RuleType::Exclude, {"iOS"}),
                                                  rule(Dimension::App, RuleType::Include, {"a.b.c"}, "my-own")}));
    QVERIFY2(created.ok(), qPrintable(created.message));
    QStringList ruleCodes;
    for (const TargetRule &r : created.value.rules)
        ruleCodes.append(r.code);
    QCOMPARE(ruleCodes, QStringList({QStringLiteral("promo-country-include-2"), QStringLiteral("promo-country-include-1"),
                                     QStringLiteral("promo-os-exclude-1"), QStringLiteral("my-own")}));
}

void CampaignStoreTest::ruleValuesRoundTripExactly()
{
    store_ = openStore();
    QVERIFY(store_);
    const QStringList tricky{QStringLiteral("plain"), QStringLiteral("with space"), QStringLiteral("comma,inside"),
                             QStringLiteral("quote\"inside"), QStringLiteral("back\\slash"), QStringLiteral("{braces}"),
                             QStringLiteral("it's"), QStringLiteral("NULL"), QStringLiteral("Ünïcødé 日本"),
                             QStringLiteral("[\"json\"]")};
    const auto created = store_->create(campaign(QStringLiteral("tricky"), {rule(Dimension::App, RuleType::Include, tricky)}));
    QVERIFY2(created.ok(), qPrintable(created.message));
    QCOMPARE(store_->campaign(created.value.campaign.id).value.rules.first().values, tricky);
    const auto known = store_->knownValues(Dimension::App);
    QVERIFY(known.ok());
    for (const QString &value : tricky)
        QVERIFY2(known.value.contains(value), qPrintable(value));
}

using Change = std::function<void(CampaignWithRules &)>;
Q_DECLARE_METATYPE(Change)

void CampaignStoreTest::invalidCampaignWritesNothing_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<QString>("field");
    QTest::newRow("no code") << Change([](CampaignWithRules &c) { c.campaign.code.clear(); }) << "code";
    QTest::newRow("image not http") << Change([](CampaignWithRules &c) { c.campaign.image = QStringLiteral("file:///x"); })
                                    << "image";
    QTest::newRow("unknown status") << Change([](CampaignWithRules &c) { c.campaign.status = QStringLiteral("LIVE"); })
                                    << "status";
    QTest::newRow("third rule without values") << Change([](CampaignWithRules &c) { c.rules[2].values.clear(); })
                                               << "rules[2].values";
    QTest::newRow("rule with invalid dimension")
        << Change([](CampaignWithRules &c) { c.rules[1].dimension = static_cast<Dimension>(9); }) << "rules[1].dimension";
}

void CampaignStoreTest::invalidCampaignWritesNothing()
{
    QFETCH(Change, change);
    QFETCH(QString, field);
    store_ = openStore();
    QVERIFY(store_);
    const qint64 campaignsBefore = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    const qint64 rulesBefore = scalar(QStringLiteral("SELECT count(*) FROM target_rules"));
    QSignalSpy changed(store_.get(), &CampaignStore::campaignsChanged);
    CampaignWithRules c = campaign(QStringLiteral("bad"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                           rule(Dimension::Os, RuleType::Include, {"Android"}),
                                                           rule(Dimension::App, RuleType::Include, {"x.y.z"})});
    change(c);
    const auto created = store_->create(c);
    QCOMPARE(created.error, StoreError::Invalid);
    QVERIFY(!created.fieldErrors.isEmpty());
    QCOMPARE(created.fieldErrors.first().field, field);
    QVERIFY(created.message.contains(field));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), campaignsBefore);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules")), rulesBefore);

    // The same through update: the stored campaign stays as it was.
    const auto good = store_->create(campaign(QStringLiteral("good"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                                      rule(Dimension::Os, RuleType::Include, {"iOS"}),
                                                                      rule(Dimension::App, RuleType::Include, {"a.b"})}));
    QVERIFY(good.ok());
    CampaignWithRules edited = good.value;
    change(edited);
    edited.campaign.id = good.value.campaign.id;
    const auto updated = store_->update(edited);
    QCOMPARE(updated.error, StoreError::Invalid);
    QCOMPARE(updated.fieldErrors.first().field, field);
    const auto after = store_->campaign(good.value.campaign.id);
    QCOMPARE(after.value.campaign, good.value.campaign);
    QCOMPARE(after.value.rules, good.value.rules);
    QCOMPARE(changed.count(), 1); // only the good create
}

void CampaignStoreTest::duplicateCodeIsAConflict()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto first = store_->create(campaign(QStringLiteral("dup")));
    QVERIFY(first.ok());
    const auto again = store_->create(campaign(QStringLiteral("dup"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QCOMPARE(again.error, StoreError::Conflict);
    QVERIFY2(again.message.contains(QLatin1String("dup")), qPrintable(again.message));
    QCOMPARE(again.fieldErrors.first().field, QStringLiteral("code"));

    const auto other = store_->create(campaign(QStringLiteral("other")));
    QVERIFY(other.ok());
    CampaignWithRules renamed = other.value;
    renamed.campaign.code = QStringLiteral("dup");
    QCOMPARE(store_->update(renamed).error, StoreError::Conflict);

    // A deleted campaign keeps its code (the column is unique).
    QVERIFY(store_->remove(first.value.campaign.id).ok());
    QCOMPARE(store_->create(campaign(QStringLiteral("dup"))).error, StoreError::Conflict);
    QCOMPARE(store_->campaign(other.value.campaign.id).value.campaign.code, QStringLiteral("other"));
}

void CampaignStoreTest::updateReplacesTheRuleSet()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("c"), {rule(Dimension::Country, RuleType::Include, {"US"}),
                                                                      rule(Dimension::Os, RuleType::Include, {"iOS"}),
                                                                      rule(Dimension::App, RuleType::Exclude, {"x.y"})}));
    QVERIFY(created.ok());
    const QList<TargetRule> before = created.value.rules;

    CampaignWithRules edit = created.value;
    edit.campaign.name = QStringLiteral("Renamed");
    edit.campaign.cta = QStringLiteral("Play");
    edit.rules = {before.at(0),                                          // unchanged, by id
                  rule(Dimension::Os, RuleType::Include, {"iOS"}),        // unchanged, without id
                  rule(Dimension::Country, RuleType::Exclude, {"FR"})};  // new; the app rule goes
    edit.rules[0].values = {QStringLiteral("US"), QStringLiteral("CA")};  // ...changed after all
    const auto updated = store_->update(edit);
    QVERIFY2(updated.ok(), qPrintable(updated.message));
    QCOMPARE(updated.value.campaign.name, QStringLiteral("Renamed"));
    QCOMPARE(updated.value.campaign.cta, QStringLiteral("Play"));
    QCOMPARE(updated.value.campaign.createdAt, created.value.campaign.createdAt);
    const QList<TargetRule> after = updated.value.rules;
    QCOMPARE(after.size(), 3);
    QCOMPARE(after.at(0).id, before.at(0).id);
    QCOMPARE(after.at(0).values, QStringList({QStringLiteral("US"), QStringLiteral("CA")}));
    QVERIFY(after.at(0).updatedAt > before.at(0).updatedAt);
    QCOMPARE(after.at(1), before.at(1)); // untouched
    QVERIFY(after.at(2).id > before.at(2).id);
    QCOMPARE(after.at(2).code, QStringLiteral("c-country-exclude-1"));
    // the removed rule is soft-deleted, not gone
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules WHERE deleted AND id = %1").arg(before.at(2).id)), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules WHERE deleted_at IS NOT NULL")), 1);
}

void CampaignStoreTest::updateWithStaleTimestampIsAConflict()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("occ")));
    QVERIFY(created.ok());
    CampaignWithRules mine = created.value;
    CampaignWithRules theirs = created.value;
    theirs.campaign.name = QStringLiteral("Theirs");
    const auto first = store_->update(theirs, created.value.campaign.updatedAt);
    QVERIFY2(first.ok(), qPrintable(first.message));
    mine.campaign.name = QStringLiteral("Mine");
    const auto second = store_->update(mine, created.value.campaign.updatedAt); // immediately after: same millisecond?
    QCOMPARE(second.error, StoreError::Conflict);
    QCOMPARE(store_->campaign(created.value.campaign.id).value.campaign.name, QStringLiteral("Theirs"));
    const auto retried = store_->update(mine, first.value.campaign.updatedAt);
    QVERIFY2(retried.ok(), qPrintable(retried.message));
    QCOMPARE(retried.value.campaign.name, QStringLiteral("Mine"));
    QVERIFY(store_->update(mine).ok()); // no expectation: last writer wins
}

void CampaignStoreTest::updatedAtChangesOnEveryWrite()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("quick")));
    QVERIFY(created.ok());
    QDateTime last = created.value.campaign.updatedAt;
    for (int i = 0; i < 20; ++i) { // far faster than one write per millisecond
        const auto status = store_->setStatus(created.value.campaign.id, i % 2 ? kStatusActive : kStatusInactive);
        QVERIFY2(status.ok(), qPrintable(status.message));
        QVERIFY(status.value.updatedAt > last);
        QCOMPARE(store_->campaign(created.value.campaign.id).value.campaign.updatedAt, status.value.updatedAt);
        last = status.value.updatedAt;
    }
}

void CampaignStoreTest::setStatusAndRemove()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("life"), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;

    const auto paused = store_->setStatus(id, kStatusInactive);
    QVERIFY(paused.ok());
    QCOMPARE(paused.value.status, kStatusInactive);
    QCOMPARE(store_->campaign(id).value.campaign.status, kStatusInactive);
    const auto bad = store_->setStatus(id, QStringLiteral("PAUSED"));
    QCOMPARE(bad.error, StoreError::Invalid);
    QCOMPARE(bad.fieldErrors.first().field, QStringLiteral("status"));

    QVERIFY(store_->remove(id).ok());
    QCOMPARE(store_->campaign(id).error, StoreError::NotFound);
    QVERIFY(!codes(store_->campaigns().value).contains(QStringLiteral("life")));
    const auto withDeleted = store_->campaigns(true);
    const auto it = std::find_if(withDeleted.value.cbegin(), withDeleted.value.cend(),
                                 [id](const Campaign &c) { return c.id == id; });
    QVERIFY(it != withDeleted.value.cend());
    QVERIFY(it->deleted);
    QVERIFY(it->deletedAt.isValid());
    QCOMPARE(it->updatedAt, it->deletedAt);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules WHERE campaign_id = %1 AND deleted").arg(id)), 1);
    QCOMPARE(store_->remove(id).error, StoreError::NotFound);
    QCOMPARE(store_->setStatus(id, kStatusActive).error, StoreError::NotFound);
    QCOMPARE(store_->update(created.value).error, StoreError::NotFound);
}

void CampaignStoreTest::ruleOperations()
{
    store_ = openStore();
    QVERIFY(store_);
    const auto created = store_->create(campaign(QStringLiteral("rules")));
    QVERIFY(created.ok());
    const qint64 id = created.value.campaign.id;

    const auto added = store_->addRule(id, rule(Dimension::Country, RuleType::Exclude, {"RU", "BY"}));
    QVERIFY2(added.ok(), qPrintable(added.message));
    QVERIFY(added.value.id > 0);
    QCOMPARE(added.value.campaignId, id);
    QCOMPARE(added.value.code, QStringLiteral("rules-country-exclude-1"));
    const auto afterAdd = store_->campaign(id);
    QCOMPARE(afterAdd.value.rules, QList<TargetRule>{added.value});
    QVERIFY(afterAdd.value.campaign.updatedAt > created.value.campaign.updatedAt); // the campaign changed too

    TargetRule changed = added.value;
    changed.values = {QStringLiteral("RU")};
    changed.code.clear(); // keeps its code
    const auto updated = store_->updateRule(id, changed);
    QVERIFY2(updated.ok(), qPrintable(updated.message));
    QCOMPARE(updated.value.code, added.value.code);
    QCOMPARE(store_->campaign(id).value.rules.first().values, QStringList{QStringLiteral("RU")});

    changed.values = {};
    const auto invalid = store_->updateRule(id, changed);
    QCOMPARE(invalid.error, StoreError::Invalid);
    QCOMPARE(invalid.fieldErrors.first().field, QStringLiteral("values"));

    TargetRule unknown = changed;
    unknown.id = 999999;
    unknown.values = {QStringLiteral("x")};
    QCOMPARE(store_->updateRule(id, unknown).error, StoreError::NotFound);
    QCOMPARE(store_->addRule(999999, unknown).error, StoreError::NotFound);
    QCOMPARE(store_->removeRule(id, 999999).error, StoreError::NotFound);

    QVERIFY(store_->removeRule(id, added.value.id).ok());
    QVERIFY(store_->campaign(id).value.rules.isEmpty());
    QCOMPARE(store_->removeRule(id, added.value.id).error, StoreError::NotFound);
}

void CampaignStoreTest::everyThreadUsesItsOwnConnection()
{
    store_ = openStore();
    QVERIFY(store_);
    rawConnection(); // counted among the connections before, not as one of the workers'
    const QStringList connectionsBefore = QSqlDatabase::connectionNames();
    QStringList failures;
    QMutex mutex;
    {
        QThreadPool threads;
        threads.setMaxThreadCount(6);
        QList<int> workers(12);
        std::iota(workers.begin(), workers.end(), 0);
        QtConcurrent::blockingMap(&threads, workers, [&](int worker) {
            for (int i = 0; i < 10; ++i) {
                const QString code = QStringLiteral("t%1-%2").arg(worker).arg(i);
                const auto created = store_->create(campaign(code, {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
                const auto read = created.ok() ? store_->campaign(created.value.campaign.id)
                                               : StoreResult<CampaignWithRules>::failureFrom(created);
                const auto all = store_->targeting();
                QMutexLocker lock(&mutex);
                if (!created.ok() || !read.ok() || read.value.campaign.code != code || !all.ok())
                    failures.append(code + u' ' + created.message + read.message + all.message);
            }
        });
        QVERIFY(QSqlDatabase::connectionNames().size() > connectionsBefore.size()); // one per worker thread
    } // the pool's threads end here, and with them their connections
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code LIKE 't%-%'")), 120);
    // A thread's connections go when the thread has ended, a moment after QThread::wait().
    QTRY_COMPARE(QSqlDatabase::connectionNames().size(), connectionsBefore.size());
}

void CampaignStoreTest::ownWritesAreAnnounced()
{
    store_ = openStore();
    QVERIFY(store_);
    QSignalSpy changed(store_.get(), &CampaignStore::campaignsChanged);
    const auto created = store_->create(campaign(QStringLiteral("loud")));
    QVERIFY(created.ok());
    QCOMPARE(changed.count(), 1); // synchronously, right after the commit
    const auto first = changed.first().at(0).value<StoreChange>();
    QCOMPARE(first.campaignIds, QList<qint64>{created.value.campaign.id});
    QCOMPARE(first.changeId, created.changeId);
    QVERIFY(created.changeId > 0);
    QCOMPARE(first.txns.size(), 1);
    const auto inactive = store_->setStatus(created.value.campaign.id, kStatusInactive);
    QVERIFY(inactive.changeId > created.changeId);
    QVERIFY(store_->addRule(created.value.campaign.id, rule(Dimension::Os, RuleType::Include, {"iOS"})).ok());
    QVERIFY(store_->remove(created.value.campaign.id).ok());
    QCOMPARE(changed.count(), 4);
    for (const QList<QVariant> &emission : std::as_const(changed))
        QCOMPARE(emission.at(0).value<StoreChange>().campaignIds, QList<qint64>{created.value.campaign.id});
    QVERIFY(store_->insertMany({campaign(QStringLiteral("m1")), campaign(QStringLiteral("m2"))}).ok());
    QCOMPARE(changed.count(), 5);
    QCOMPARE(changed.last().at(0).value<StoreChange>().campaignIds.size(), 2);
}

class SqliteCampaignStoreTest : public CampaignStoreTest
{
    Q_OBJECT
public:
    SqliteCampaignStoreTest() : CampaignStoreTest(nullptr) {}
};

class PostgresCampaignStoreTest : public CampaignStoreTest
{
    Q_OBJECT
public:
    explicit PostgresCampaignStoreTest(TestPostgres *postgres) : CampaignStoreTest(postgres) {}
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    return runOnBothStores<SqliteCampaignStoreTest, PostgresCampaignStoreTest>(argc, argv);
}

#include "tst_campaignstore.moc"
