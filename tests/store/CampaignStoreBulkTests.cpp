// Many campaigns at once: reads by ids and of the whole store, bulk inserts and the generator.
#include "CampaignStoreTest.h"

#include "IndexRead.h"
#include "targeting/MatchIndex.h"

#include <QJsonArray>

void CampaignStoreTest::missingCampaignsAreNotFound()
{
    store_ = openStore();
    QVERIFY(store_);
    QCOMPARE(store_->campaign(424242).error, StoreError::NotFound);
    QCOMPARE(store_->remove(424242).error, StoreError::NotFound);
    CampaignWithRules ghost = campaign(QStringLiteral("ghost"));
    ghost.campaign.id = 424242;
    QCOMPARE(store_->update(ghost).error, StoreError::NotFound);
    QVERIFY(store_->ping().ok());
}

void CampaignStoreTest::campaignsByIdsSkipsMissingIds()
{
    store_ = openStore();
    QVERIFY(store_);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(store_->create(campaign(QStringLiteral("byid-%1").arg(i))).value.campaign.id);
    QVERIFY(store_->remove(ids[3]).ok());
    const auto found = store_->campaignsByIds({ids[4], 999999, ids[0], ids[3], ids[0]});
    QVERIFY2(found.ok(), qPrintable(found.message));
    QCOMPARE(idsOf(found.value), QList<qint64>({ids[0], ids[3], ids[4]}));
    QVERIFY(found.value.at(1).deleted); // deleted ones included, so callers can tell
    QVERIFY(store_->campaignsByIds({}).value.isEmpty());
    QVERIFY(store_->campaignsByIds({999998, 999999}).value.isEmpty());

    // A large batch is still one query, whatever the backend's parameter limit.
    QList<qint64> many;
    for (qint64 i = 1; i <= 5000; ++i)
        many.append(i);
    QVERIFY(store_->campaignsByIds(many).value.size() >= 5);
}

void CampaignStoreTest::targetingHasLiveCampaignsAndRules()
{
    store_ = openStore();
    QVERIFY(store_);
    const int samples = isPostgres() ? 0 : 3;
    const auto a = store_->create(campaign(QStringLiteral("ta"), {rule(Dimension::Os, RuleType::Include, {"iOS"}),
                                                                 rule(Dimension::App, RuleType::Include, {"a.b"})}));
    const auto b = store_->create(campaign(QStringLiteral("tb"), {rule(Dimension::Os, RuleType::Include, {"Android"})}));
    const auto c = store_->create(campaign(QStringLiteral("tc")));
    QVERIFY(a.ok() && b.ok() && c.ok());
    QVERIFY(store_->remove(b.value.campaign.id).ok());
    QVERIFY(store_->removeRule(a.value.campaign.id, a.value.rules.at(1).id).ok());
    QVERIFY(store_->setStatus(c.value.campaign.id, kStatusInactive).ok());

    const auto targeting = store_->targeting();
    QVERIFY(targeting.ok());
    QCOMPARE(targeting.value.size(), samples + 2);
    const CampaignWithRules &ta = targeting.value.at(samples);
    QCOMPARE(ta.campaign.code, QStringLiteral("ta"));
    QCOMPARE(ta.rules.size(), 1);
    QCOMPARE(ta.rules.first().values, QStringList{QStringLiteral("iOS")});
    const CampaignWithRules &tc = targeting.value.at(samples + 1);
    QCOMPARE(tc.campaign.status, kStatusInactive); // inactive ones are there: the index decides
    QVERIFY(tc.rules.isEmpty());
}

void CampaignStoreTest::knownValuesPerDimension()
{
    store_ = openStore();
    QVERIFY(store_);
    QVERIFY(store_->create(campaign(QStringLiteral("k1"), {rule(Dimension::Country, RuleType::Include, {"US", "de"}),
                                                          rule(Dimension::Os, RuleType::Include, {"iOS"})}))
                .ok());
    QVERIFY(store_->create(campaign(QStringLiteral("k2"), {rule(Dimension::Country, RuleType::Exclude, {"US", " FR "})}))
                .ok());
    const auto gone = store_->create(campaign(QStringLiteral("k3"), {rule(Dimension::Country, RuleType::Include, {"ZZ"})}));
    QVERIFY(store_->remove(gone.value.campaign.id).ok());
    const QStringList countries = store_->knownValues(Dimension::Country).value;
    QStringList expected{QStringLiteral("de"), QStringLiteral("FR"), QStringLiteral("US")};
    if (!isPostgres())
        expected = QStringList{QStringLiteral("Canada"), QStringLiteral("de"), QStringLiteral("FR"), QStringLiteral("US")};
    QCOMPARE(countries, expected);
    QVERIFY(store_->knownValues(Dimension::Os).value.contains(QStringLiteral("iOS")));
    QVERIFY(!store_->knownValues(Dimension::Os).value.contains(QStringLiteral("US")));
}

void CampaignStoreTest::insertManyIsAllOrNothingOnInvalidInput()
{
    store_ = openStore();
    QVERIFY(store_);
    const qint64 before = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    QList<CampaignWithRules> batch;
    for (int i = 0; i < 20; ++i)
        batch.append(campaign(QStringLiteral("many-%1").arg(i), {rule(Dimension::Os, RuleType::Include, {"iOS"})}));
    batch[17].rules[0].values.clear();
    batch[12].campaign.code = QStringLiteral("many-3");
    const auto invalid = store_->insertMany(batch);
    QCOMPARE(invalid.error, StoreError::Invalid);
    QStringList fields;
    for (const FieldError &e : invalid.fieldErrors)
        fields.append(e.field);
    QCOMPARE(fields, QStringList({QStringLiteral("campaigns[12].code"), QStringLiteral("campaigns[17].rules[0].values")}));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), before);

    batch[17].rules[0].values = {QStringLiteral("Android")};
    batch[12].campaign.code = QStringLiteral("many-12");
    batch[5].campaign.deleted = true;
    const auto written = store_->insertMany(batch);
    QVERIFY2(written.ok(), qPrintable(written.message));
    QCOMPARE(written.value, 20);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), before + 20);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id "
                                   "WHERE c.code LIKE 'many-%' AND NOT r.deleted")),
             19);
    const auto again = store_->insertMany({campaign(QStringLiteral("fresh")), campaign(QStringLiteral("many-0"))});
    QCOMPARE(again.error, StoreError::Conflict); // the whole batch, "fresh" included, is rolled back
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code = 'fresh'")), 0);
}

void CampaignStoreTest::insertManyReportsProgressAndCancels()
{
    store_ = openStore();
    QVERIFY(store_);
    QList<CampaignWithRules> batch;
    for (int i = 0; i < 12000; ++i)
        batch.append(campaign(QStringLiteral("p-%1").arg(i), {rule(Dimension::Country, RuleType::Include, {"US"})}));
    QList<QPair<qint64, qint64>> reports;
    const auto result = store_->insertMany(batch, [&](qint64 done, qint64 total) {
        reports.append({done, total});
        return reports.size() < 2; // cancel after the second batch
    });
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(reports.size(), 2);
    QCOMPARE(reports.first().second, 12000);
    QCOMPARE(result.value, reports.last().first);
    QVERIFY(result.value < 12000);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE code LIKE 'p-%'")), result.value);
}

namespace {

// What the match index reads of a campaign, the same from every read.
void compareTargeting(const CampaignWithRules &got, const CampaignWithRules &want)
{
    QCOMPARE(got.campaign.id, want.campaign.id);
    QCOMPARE(got.campaign.code, want.campaign.code);
    QCOMPARE(got.campaign.status, want.campaign.status);
    QCOMPARE(got.campaign.deleted, false);
    QCOMPARE(got.campaign.priority, want.campaign.priority);
    QCOMPARE(got.campaign.serving, want.campaign.serving);
    QCOMPARE(got.rules.size(), want.rules.size());
    for (qsizetype r = 0; r < got.rules.size(); ++r) {
        QCOMPARE(got.rules[r].id, want.rules[r].id);
        QCOMPARE(got.rules[r].code, want.rules[r].code);
        QCOMPARE(got.rules[r].campaignId, want.campaign.id);
        QCOMPARE(got.rules[r].dimension, want.rules[r].dimension);
        QCOMPARE(got.rules[r].type, want.rules[r].type);
        QCOMPARE(got.rules[r].values, want.rules[r].values);
    }
}

} // namespace

void CampaignStoreTest::streamedTargetingIsTheTargeting()
{
    store_ = openStore();
    QVERIFY(store_);
    // Generated campaigns have every mix: no rules, rules in some dimensions, inactive
    // ones; deleted campaigns and removed rules must stay out.
    QVERIFY(CampaignGenerator::generate(*store_, 3000, 7).ok());
    const auto all = store_->targeting();
    QVERIFY(all.ok());
    QVERIFY(store_->remove(all.value[10].campaign.id).ok());
    for (const TargetRule &rule : all.value[20].rules) // a campaign left with no rule at all
        QVERIFY(store_->removeRule(all.value[20].campaign.id, rule.id).ok());
    // A campaign's first rule written again: PostgreSQL keeps its new row after the others,
    // and the read must give it back in id order all the same.
    const auto several = std::find_if(all.value.cbegin() + 30, all.value.cend(),
                                      [](const CampaignWithRules &c) { return c.rules.size() >= 3; });
    QVERIFY(several != all.value.cend());
    TargetRule edited = several->rules.first();
    edited.values.append(QStringLiteral("Edited"));
    QVERIFY(store_->updateRule(several->campaign.id, edited).ok());
    // Values the start-up read decodes itself, and one another tool wrote in a form it leaves
    // to the JSON parser (escapes); a rule in a dimension nobody knows stays out of both reads.
    const QStringList odd{QStringLiteral("Côte d’Ivoire"), QStringLiteral("a\"quoted\" one"),
                          QStringLiteral("back\\slash"), QStringLiteral("x, y"), QStringLiteral(" padded ")};
    const auto special = store_->create(campaign(QStringLiteral("odd-values"),
                                                 {rule(Dimension::Country, RuleType::Include, odd),
                                                  rule(Dimension::App, RuleType::Exclude, {QStringLiteral("com.a")})}));
    QVERIFY2(special.ok(), qPrintable(special.message));
    {
        QSqlQuery q(rawConnection());
        QVERIFY2(q.exec(QStringLiteral("INSERT INTO target_rules (code, campaign_id, dimension, rule_type, \"values\") "
                                       "VALUES ('by-hand', %1, 'device', 'INCLUDE', %2)")
                            .arg(special.value.campaign.id)
                            .arg(isPostgres() ? QStringLiteral("ARRAY['tablet']") : QStringLiteral("'[\"tablet\"]'"))),
                 qPrintable(q.lastError().text()));
    }
    // Both large reads (the index's, and the studio's with every field) against the store's
    // reads of one campaign, a statement and a QVariant per column.
    const auto whole = store_->targeting();
    QVERIFY2(whole.ok(), qPrintable(whole.message));
    const qint64 live = scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE NOT deleted"));

    QList<CampaignWithRules> streamed;
    qint64 begun = -1;
    const auto read = store_->forEachTargeting([&](qint64 campaigns) { begun = campaigns; streamed.clear(); },
                                               [&](const CampaignWithRules &c) {
                                                   streamed.append(c);
                                                   return true;
                                               });
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(read.value, live);
    QCOMPARE(begun, live);
    QCOMPARE(streamed.size(), live);
    QCOMPARE(whole.value.size(), live);
    qsizetype withoutRules = 0;
    for (qsizetype i = 0; i < streamed.size(); ++i) {
        const CampaignWithRules &got = streamed[i];
        const auto one = store_->campaign(got.campaign.id);
        QVERIFY2(one.ok(), qPrintable(one.message));
        const CampaignWithRules &want = one.value;
        QCOMPARE(whole.value[i], want); // every field, the rules' times too
        compareTargeting(got, want);
        if (QTest::currentTestFailed())
            return;
        withoutRules += got.rules.isEmpty();
    }
    QVERIFY(withoutRules > 0);
    // The generator's campaigns have flights, day-parting and priorities, which both reads saw.
    QVERIFY(std::any_of(streamed.begin(), streamed.end(), [](const auto &c) { return c.campaign.serving.dayParting.has_value(); }));
    QVERIFY(std::any_of(streamed.begin(), streamed.end(), [](const auto &c) { return c.campaign.serving.flightEnd.isValid(); }));
    QVERIFY(std::any_of(streamed.begin(), streamed.end(), [](const auto &c) { return c.campaign.priority != 0; }));
    const CampaignWithRules &last = streamed.constLast();
    QCOMPARE(last.campaign.code, QStringLiteral("odd-values"));
    QCOMPARE(last.rules.size(), 2); // the "device" rule left out
    QCOMPARE(last.rules.first().values, special.value.rules.first().values); // as written
    QVERIFY(last.rules.first().values.contains(QStringLiteral("a\"quoted\" one")));
    QVERIFY(last.rules.first().values.contains(QStringLiteral("back\\slash")));
    QVERIFY(last.rules.first().values.contains(QStringLiteral("Côte d’Ivoire")));

    // Read by id, as the index is after a change: a few campaigns (statements) and all of them
    // (a bulk edit's many, read as the whole read is); deleted and missing ids are left out.
    const qint64 deletedId = all.value[10].campaign.id;
    QList<qint64> liveIds;
    for (const CampaignWithRules &c : streamed)
        liveIds.append(c.campaign.id);
    for (const auto &[from, count] : {std::pair<qsizetype, qsizetype>{0, 40}, {5, liveIds.size() - 5}}) {
        QList<qint64> ids = liveIds.mid(from, count);
        ids << deletedId << liveIds.constLast() + 1000;
        const auto byId = store_->targeting(ids);
        QVERIFY2(byId.ok(), qPrintable(byId.message));
        QCOMPARE(byId.value.size(), count);
        for (qsizetype i = 0; i < count; ++i) {
            compareTargeting(byId.value[i], streamed[from + i]);
            if (QTest::currentTestFailed())
                return;
        }
    }

    // A reader that stops early (a cancelled load) leaves the connection fit for the next read:
    // on PostgreSQL the copy left half-read is drained.
    qsizetype seen = 0;
    const auto stopped = store_->forEachTargeting([](qint64) {}, [&](const CampaignWithRules &) { return ++seen < 3; });
    QVERIFY2(stopped.ok(), qPrintable(stopped.message));
    QCOMPARE(stopped.value, 3);
    QCOMPARE(seen, 3);
    const auto again = store_->targeting();
    QVERIFY2(again.ok(), qPrintable(again.message));
    QCOMPARE(again.value.size(), live);
}

void CampaignStoreTest::indexReadInPartsIsTheWholeRead()
{
    store_ = openStore();
    QVERIFY(store_);
    QVERIFY(CampaignGenerator::generate(*store_, 2000, 11).ok());
    const auto generated = store_->targeting();
    QVERIFY(generated.ok());
    // The parts are split between the first and last live campaign, deleted ones around them.
    QVERIFY(store_->remove(generated.value.first().campaign.id).ok());
    QVERIFY(store_->remove(generated.value.last().campaign.id).ok());
    const auto live = store_->targeting();
    QVERIFY(live.ok());
    const auto whole = MatchIndex::build(live.value);

    std::atomic<bool> cancelled{false};
    IndexRead::Progress progress;
    IndexRead inParts(*store_, progress, cancelled, {3, 1});
    QList<qint64> readIds;
    const auto read = inParts.run(&readIds);
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(inParts.partsRead(), 3);
    QCOMPARE(progress.read.load(), live.value.size());
    QCOMPARE(progress.total.load(), live.value.size());
    QCOMPARE(readIds, whole->campaignIds());
    QCOMPARE(read.value->campaignIds(), whole->campaignIds());
    QCOMPARE(read.value->ruleCount(), whole->ruleCount());

    // The same answers and explanations for requests made of the values the campaigns name
    // (the parts numbered them in another order), and of a value none names.
    QList<TargetingQuery> queries{TargetingQuery::from(QStringLiteral("nowhere"), QStringLiteral("none"),
                                                       QStringLiteral("no.app"))};
    for (qsizetype i = 0; i < live.value.size(); i += 97) {
        std::array<QString, kDimensionCount> values{QStringLiteral("nowhere"), QStringLiteral("none"),
                                                    QStringLiteral("no.app")};
        for (const TargetRule &rule : live.value[i].rules) {
            if (!rule.values.isEmpty())
                values[size_t(rule.dimension)] = rule.values.at(i % rule.values.size());
        }
        queries.append(TargetingQuery::from(values[0], values[1], values[2]));
    }
    const auto decisions = [](const MatchIndex &index, const TargetingQuery &query) {
        QJsonArray all;
        for (const Decision &decision : index.explain(query))
            all.append(decision.toJson());
        return all;
    };
    qsizetype matched = 0;
    for (const TargetingQuery &query : queries) {
        const auto want = whole->match(query);
        QCOMPARE(read.value->match(query), want);
        QCOMPARE(decisions(*read.value, query), decisions(*whole, query));
        matched += qsizetype(want.size());
    }
    QVERIFY(matched > 0);

    // Campaigns written after the parts were split are read by the last part.
    const auto later = store_->create(campaign(QStringLiteral("later"), {rule(Dimension::Country, RuleType::Include, {"US"})}));
    QVERIFY2(later.ok(), qPrintable(later.message));
    const auto again = IndexRead(*store_, progress, cancelled, {2, 1}).run();
    QVERIFY2(again.ok(), qPrintable(again.message));
    QCOMPARE(again.value->campaignCount(), live.value.size() + 1);
    QCOMPARE(again.value->codeOf(later.value.campaign.id), QStringLiteral("later"));

    // A cancelled read stops every part.
    cancelled = true;
    IndexRead cancelledRead(*store_, progress, cancelled, {2, 1});
    QVERIFY(cancelledRead.run().ok());
    QVERIFY(progress.read.load() <= 2);
}

void CampaignStoreTest::generatorFillsTheStore()
{
    store_ = openStore();
    QVERIFY(store_);
    const qint64 before = scalar(QStringLiteral("SELECT count(*) FROM campaigns"));
    QList<qint64> progress;
    const auto generated = CampaignGenerator::generate(*store_, 7000, 42, [&](qint64 done, qint64 total) {
        progress.append(done);
        return total == 7000;
    });
    QVERIFY2(generated.ok(), qPrintable(generated.message));
    QCOMPARE(generated.value, 7000);
    QCOMPARE(progress, QList<qint64>({5000, 7000}));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM campaigns")), before + 7000);
    const qint64 inactive = scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE status = 'INACTIVE' AND code LIKE 'gen-42-%'"));
    const qint64 deleted = scalar(QStringLiteral("SELECT count(*) FROM campaigns WHERE deleted AND code LIKE 'gen-42-%'"));
    QVERIFY2(inactive > 560 && inactive < 840, qPrintable(QString::number(inactive)));
    QVERIFY2(deleted > 140 && deleted < 280, qPrintable(QString::number(deleted)));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id "
                                   "WHERE c.deleted AND NOT r.deleted")),
             0);

    // Same seed again: the same codes, so every one is taken.
    QCOMPARE(CampaignGenerator::generate(*store_, 10, 42).error, StoreError::Conflict);
    // And what was stored is what the generator makes.
    CampaignGenerator generator(42, QDate::currentDate());
    const CampaignWithRules first = generator.next();
    const auto stored = store_->campaignsByIds({scalar(QStringLiteral("SELECT id FROM campaigns WHERE code = 'gen-42-1'"))});
    QVERIFY(stored.ok());
    QCOMPARE(stored.value.first().code, first.campaign.code);
    QCOMPARE(stored.value.first().name, first.campaign.name);
}
