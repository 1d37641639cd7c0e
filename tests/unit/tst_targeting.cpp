// The targeting contract (DESIGN.md), as a table: campaign rules + request -> decision.
#include "store/CampaignGenerator.h"
#include "targeting/MatchIndex.h"

#include <QTest>

#include <random>

using namespace adserve;

namespace {

// Rules in a compact form: "country+US,Canada; os-iOS" (+ INCLUDE, - EXCLUDE), ';' between rules.
QList<TargetRule> parseRules(const QString &spec, qint64 campaignId)
{
    QList<TargetRule> rules;
    qint64 ruleId = campaignId * 100;
    for (const QString &part : spec.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed();
        const qsizetype sign = p.indexOf(QRegularExpression(QStringLiteral("[+-]")));
        TargetRule rule;
        rule.id = ++ruleId;
        rule.code = QStringLiteral("r%1").arg(rule.id);
        rule.campaignId = campaignId;
        rule.dimension = *dimensionFromName(p.left(sign));
        rule.type = p[sign] == QLatin1Char('+') ? RuleType::Include : RuleType::Exclude;
        rule.values = p.mid(sign + 1).split(QLatin1Char(','));
        rules.append(rule);
    }
    return rules;
}

CampaignWithRules makeCampaign(qint64 id, const QString &code, const QString &rules,
                               const QString &status = kStatusActive, bool deleted = false)
{
    CampaignWithRules c;
    c.campaign.id = id;
    c.campaign.code = code;
    c.campaign.status = status;
    c.campaign.deleted = deleted;
    c.rules = parseRules(rules, id);
    return c;
}

QList<CampaignWithRules> samples()
{
    return {makeCampaign(1, QStringLiteral("spotify"), QStringLiteral("country+US,Canada")),
            makeCampaign(2, QStringLiteral("duolingo"), QStringLiteral("os+Android,iOS; country-US")),
            makeCampaign(3, QStringLiteral("subwaysurfer"), QStringLiteral("os+Android; app+com.gametion.ludokinggame"))};
}

// `count` generated campaigns numbered 1..count, none deleted (as the store hands them to the index).
QList<CampaignWithRules> generated(quint64 seed, qint64 count)
{
    CampaignGenerator generator(seed, QDate::currentDate());
    QList<CampaignWithRules> campaigns;
    for (qint64 id = 1; id <= count; ++id) {
        CampaignWithRules c = generator.next();
        c.campaign.id = id;
        c.campaign.deleted = false;
        campaigns.append(c);
    }
    return campaigns;
}

QStringList codes(const MatchIndex &index, const std::vector<qint64> &ids)
{
    QStringList out;
    for (qint64 id : ids)
        out << index.codeOf(id);
    return out;
}

// Draws values the campaigns' rules name, each as often as rules name it.
class NamedValues
{
public:
    NamedValues(const QList<CampaignWithRules> &campaigns, unsigned seed) : random_(seed)
    {
        for (const CampaignWithRules &c : campaigns) {
            for (const TargetRule &rule : c.rules)
                named_[int(rule.dimension)] << rule.values;
        }
    }
    QString pick(Dimension d) { return named_[int(d)].at(qsizetype(random_() % named_[int(d)].size())); }
    bool oneIn(unsigned n) { return random_() % n == 0; }

private:
    QStringList named_[kDimensionCount];
    std::mt19937 random_;
};

} // namespace

class TargetingTest : public QObject
{
    Q_OBJECT
private slots:
    void singleCampaign_data();
    void singleCampaign();
    void sampleRequests_data();
    void sampleRequests();
    void resultsAreInIdOrder();
    void explainCoversEveryCampaign();
    void explainNamesDecidingRule();
    void explainGivesEveryRuleCodeAsStored_data();
    void explainGivesEveryRuleCodeAsStored();
    void emptyIndexMatchesNothing();
    void scratchIsClearedBetweenQueries();
    void matchAgreesWithExplain_data();
    void matchAgreesWithExplain();
    void changesGiveTheSameIndexAsABuild();
    void explainFirstIsTheStartOfExplain_data();
    void explainFirstIsTheStartOfExplain();
};

void TargetingTest::singleCampaign_data()
{
    QTest::addColumn<QString>("rules");
    QTest::addColumn<QString>("status");
    QTest::addColumn<bool>("deleted");
    QTest::addColumn<QString>("country");
    QTest::addColumn<QString>("os");
    QTest::addColumn<QString>("app");
    QTest::addColumn<bool>("matched");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("decidingDimension"); // of a rejection

    const QString active = kStatusActive;
    QTest::newRow("include: value listed") << "country+US,Canada" << active << false << "us" << "android" << "x" << true << "matched" << "";
    QTest::newRow("include: value not listed") << "country+US,Canada" << active << false << "de" << "android" << "x" << false << "rejected" << "country";
    QTest::newRow("exclude: value listed") << "country-US" << active << false << "us" << "android" << "x" << false << "rejected" << "country";
    QTest::newRow("exclude: other value") << "country-US" << active << false << "de" << "android" << "x" << true << "matched" << "";
    QTest::newRow("include and exclude: exclude wins") << "country+US,DE; country-US" << active << false << "us" << "ios" << "x" << false << "rejected" << "country";
    QTest::newRow("include and exclude: included, not excluded") << "country+US,DE; country-US" << active << false << "de" << "ios" << "x" << true << "matched" << "";
    QTest::newRow("include and exclude: neither") << "country+US,DE; country-FR" << active << false << "it" << "ios" << "x" << false << "rejected" << "country";
    QTest::newRow("two include rules: union (first)") << "os+android; os+ios" << active << false << "us" << "android" << "x" << true << "matched" << "";
    QTest::newRow("two include rules: union (second)") << "os+android; os+ios" << active << false << "us" << "ios" << "x" << true << "matched" << "";
    QTest::newRow("two include rules: neither") << "os+android; os+ios" << active << false << "us" << "windows" << "x" << false << "rejected" << "os";
    QTest::newRow("two exclude rules: second hits") << "app-a.b; app-c.d" << active << false << "us" << "ios" << "c.d" << false << "rejected" << "app";
    QTest::newRow("no rules: anything") << "" << active << false << "zz" << "plan9" << "any.app" << true << "matched" << "";
    QTest::newRow("rules in other dimensions only") << "app+com.x" << active << false << "anything" << "whatever" << "com.x" << true << "matched" << "";
    QTest::newRow("every dimension must qualify") << "country+us; os+android; app+com.x" << active << false << "us" << "android" << "com.y" << false << "rejected" << "app";
    QTest::newRow("first failing dimension decides") << "country+us; os+android" << active << false << "de" << "ios" << "x" << false << "rejected" << "country";
    QTest::newRow("case folds: request upper") << "country+us" << active << false << "US" << "android" << "x" << true << "matched" << "";
    QTest::newRow("case folds: rule upper") << "os+ANDROID" << active << false << "us" << "Android" << "x" << true << "matched" << "";
    QTest::newRow("whitespace trimmed: request") << "country+Germany" << active << false << "  germany \t" << "android" << "x" << true << "matched" << "";
    QTest::newRow("whitespace trimmed: rule") << "country+ Germany " << active << false << "germany" << "android" << "x" << true << "matched" << "";
    // Final sigma folds to sigma: equal under case folding, not under lower-casing.
    QTest::newRow("unicode case folding") << QString::fromUtf8("country+ΕΛΛΑΣ") << active << false << QString::fromUtf8("ελλας") << "android" << "x" << true << "matched" << "";
    QTest::newRow("unicode accents fold") << QString::fromUtf8("country+ÉIRE") << active << false << QString::fromUtf8("éire") << "android" << "x" << true << "matched" << "";
    QTest::newRow("exclude folds case too") << "os-IOS" << active << false << "us" << "ios" << "x" << false << "rejected" << "os";
    QTest::newRow("inactive never matches") << "" << kStatusInactive << false << "us" << "android" << "x" << false << "inactive" << "";
    QTest::newRow("deleted never matches") << "" << active << true << "us" << "android" << "x" << false << "deleted" << "";
    QTest::newRow("inactive even when rules fit") << "country+us" << kStatusInactive << false << "us" << "android" << "x" << false << "inactive" << "";
}

void TargetingTest::singleCampaign()
{
    QFETCH(QString, rules);
    QFETCH(QString, status);
    QFETCH(bool, deleted);
    QFETCH(QString, country);
    QFETCH(QString, os);
    QFETCH(QString, app);
    QFETCH(bool, matched);
    QFETCH(QString, verdict);
    QFETCH(QString, decidingDimension);

    const auto index = MatchIndex::build({makeCampaign(7, QStringLiteral("c7"), rules, status, deleted)});
    const TargetingQuery query = TargetingQuery::from(country, os, app);
    const std::vector<qint64> ids = index->match(query);
    QCOMPARE(ids.size(), size_t(matched ? 1 : 0));

    const QList<Decision> decisions = index->explain(query);
    QCOMPARE(decisions.size(), 1);
    const Decision &d = decisions.first();
    QCOMPARE(d.matched(), matched);
    QCOMPARE(verdictName(d.verdict), verdict);
    const DimensionCheck *deciding = d.decidingCheck();
    if (verdict == QLatin1String("rejected")) {
        QVERIFY(deciding);
        QCOMPARE(dimensionName(deciding->dimension), decidingDimension);
        QVERIFY(deciding->ruleId != 0);
        QCOMPARE(deciding->value, normalizeValue(deciding->dimension == Dimension::Country ? country
                                                 : deciding->dimension == Dimension::Os   ? os
                                                                                           : app));
    }
    QCOMPARE(d.checks.size(), kDimensionCount);
}

void TargetingTest::sampleRequests_data()
{
    QTest::addColumn<QString>("country");
    QTest::addColumn<QString>("os");
    QTest::addColumn<QString>("app");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("germany android: duolingo") << "germany" << "android" << "com.abc.xyz" << QStringList{"duolingo"};
    QTest::newRow("us android ludo: spotify, subwaysurfer") << "us" << "android" << "com.gametion.ludokinggame"
                                                            << QStringList{"spotify", "subwaysurfer"};
    QTest::newRow("canada ios: spotify, duolingo") << "Canada" << "iOS" << "com.abc.xyz" << QStringList{"spotify", "duolingo"};
    QTest::newRow("us ios: spotify only (duolingo excludes us)") << "US" << "ios" << "x" << QStringList{"spotify"};
    QTest::newRow("nothing fits") << "germany" << "windows" << "x" << QStringList{};
}

void TargetingTest::sampleRequests()
{
    QFETCH(QString, country);
    QFETCH(QString, os);
    QFETCH(QString, app);
    QFETCH(QStringList, expected);
    const auto index = MatchIndex::build(samples());
    QCOMPARE(codes(*index, index->match(TargetingQuery::from(country, os, app))), expected);
}

void TargetingTest::resultsAreInIdOrder()
{
    // Built from campaigns given in reverse and scattered id order, spanning several bitset words.
    QList<CampaignWithRules> campaigns;
    for (qint64 id = 500; id >= 1; id -= 3)
        campaigns.append(makeCampaign(id, QStringLiteral("c%1").arg(id), id % 2 ? QStringLiteral("os+android") : QString()));
    const auto index = MatchIndex::build(campaigns);
    const auto ids = index->match(TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"), QStringLiteral("x")));
    QCOMPARE(ids.size(), size_t(campaigns.size()));
    QVERIFY(std::is_sorted(ids.begin(), ids.end()));
    const auto iosIds = index->match(TargetingQuery::from(QStringLiteral("us"), QStringLiteral("ios"), QStringLiteral("x")));
    for (qint64 id : iosIds)
        QCOMPARE(id % 2, 0);
}

void TargetingTest::explainCoversEveryCampaign()
{
    const auto index = MatchIndex::build(samples());
    const auto decisions = index->explain(TargetingQuery::from(QStringLiteral("germany"), QStringLiteral("android"),
                                                               QStringLiteral("com.abc.xyz")));
    QCOMPARE(decisions.size(), 3);
    QCOMPARE(decisions[0].campaignCode, QStringLiteral("spotify"));
    QVERIFY(!decisions[0].matched());
    QVERIFY(decisions[1].matched());
    QVERIFY(!decisions[2].matched());
    QCOMPARE(dimensionName(decisions[2].decidingCheck()->dimension), QStringLiteral("app"));
    QVERIFY(decisions[0].summary().contains(QStringLiteral("germany")));
}

void TargetingTest::explainGivesEveryRuleCodeAsStored_data()
{
    // The index keeps only n of a default code "<campaign>-<dimension>-<type>-<n>": whatever
    // else a code is, it must come back as it was.
    QTest::addColumn<QString>("code");
    QTest::newRow("default") << "shop-country-exclude-3";
    QTest::newRow("largest default n") << "shop-country-exclude-65535";
    QTest::newRow("n too large") << "shop-country-exclude-65536";
    QTest::newRow("leading zero") << "shop-country-exclude-03";
    QTest::newRow("plus sign") << "shop-country-exclude-+3";
    QTest::newRow("zero") << "shop-country-exclude-0";
    QTest::newRow("no number") << "shop-country-exclude-";
    QTest::newRow("other dimension") << "shop-os-exclude-3";
    QTest::newRow("other type") << "shop-country-include-3";
    QTest::newRow("upper-case type") << "shop-country-EXCLUDE-3";
    QTest::newRow("other campaign") << "shopping-country-exclude-3";
    QTest::newRow("chosen") << "no-us-traffic";
    QTest::newRow("empty") << "";
}

void TargetingTest::explainGivesEveryRuleCodeAsStored()
{
    QFETCH(QString, code);
    CampaignWithRules campaign = makeCampaign(7, QStringLiteral("shop"), QStringLiteral("country-US"));
    campaign.rules.first().code = code;
    const auto index = MatchIndex::build({campaign});
    const auto decisions = index->explain(TargetingQuery::from(QStringLiteral("US"), QStringLiteral("iOS"), QStringLiteral("a")));
    QCOMPARE(decisions.size(), 1);
    QCOMPARE(decisions.first().decidingCheck()->ruleCode, code);
}

void TargetingTest::explainNamesDecidingRule()
{
    const auto index = MatchIndex::build(samples());
    const auto only = index->explain(TargetingQuery::from(QStringLiteral("US"), QStringLiteral("android"), QStringLiteral("a")), 2);
    QCOMPARE(only.size(), 1);
    const DimensionCheck *check = only.first().decidingCheck();
    QVERIFY(check);
    QCOMPARE(check->outcome, DimensionCheck::Outcome::Excluded);
    QCOMPARE(check->dimension, Dimension::Country);
    QCOMPARE(check->ruleId, 202); // duolingo's second rule: EXCLUDE country US
    QCOMPARE(check->value, QStringLiteral("us"));
    const QJsonObject json = only.first().toJson();
    QCOMPARE(json.value(QStringLiteral("dimension")).toString(), QStringLiteral("country"));
    QCOMPARE(json.value(QStringLiteral("ruleId")).toInteger(), 202);
    QVERIFY(index->explain(TargetingQuery::from({}, {}, {}), 99).isEmpty());
}

void TargetingTest::emptyIndexMatchesNothing()
{
    const auto index = MatchIndex::build({});
    QVERIFY(index->match(TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"), QStringLiteral("x"))).empty());
    QCOMPARE(index->campaignCount(), 0);
}

void TargetingTest::scratchIsClearedBetweenQueries()
{
    // A query that marks include/exclude bits must leave nothing behind for the next one.
    const auto index = MatchIndex::build(samples());
    const auto q1 = TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"), QStringLiteral("com.gametion.ludokinggame"));
    const auto q2 = TargetingQuery::from(QStringLiteral("germany"), QStringLiteral("windows"), QStringLiteral("x"));
    QCOMPARE(index->match(q1).size(), size_t(2));
    QVERIFY(index->match(q2).empty());
    QCOMPARE(index->match(q1).size(), size_t(2));
}

void TargetingTest::matchAgreesWithExplain_data()
{
    // The index answers from bitsets (precomputed for popular values, marked from lists for
    // rare ones) and numbers its bits by id when ids are close together, by rank otherwise;
    // explain() decides campaign by campaign from its rules. Both must always agree.
    QTest::addColumn<qint64>("idStep");
    QTest::addColumn<qint64>("gapEvery"); // every n-th id missing, as deleted campaigns leave them
    QTest::newRow("consecutive ids") << qint64(1) << qint64(0);
    QTest::newRow("ids with gaps") << qint64(1) << qint64(7);
    QTest::newRow("ids far apart") << qint64(1000) << qint64(0);
}

void TargetingTest::matchAgreesWithExplain()
{
    QFETCH(qint64, idStep);
    QFETCH(qint64, gapEvery);
    CampaignGenerator generator(7, QDate::currentDate());
    QList<CampaignWithRules> campaigns;
    for (qint64 n = 1; campaigns.size() < 5000; ++n) {
        CampaignWithRules c = generator.next();
        if (gapEvery && n % gapEvery == 0)
            continue;
        c.campaign.id = n * idStep;
        campaigns.append(c);
    }
    const auto index = MatchIndex::build(campaigns);

    NamedValues values(campaigns, 11);
    auto pick = [&](Dimension d) {
        // Now and then a value no rule names.
        return values.oneIn(10) ? QStringLiteral("unnamed") : values.pick(d);
    };
    qsizetype matchedTotal = 0;
    for (int i = 0; i < 300; ++i) {
        const auto query = TargetingQuery::from(pick(Dimension::Country).toLower(), pick(Dimension::Os),
                                                pick(Dimension::App).toUpper());
        // Explain decides campaign by campaign (status, flight, hours, targeting) in id order;
        // the answer comes by priority, highest first, then id.
        QList<Decision> matched = index->explain(query);
        matched.removeIf([](const Decision &d) { return !d.matched(); });
        std::stable_sort(matched.begin(), matched.end(),
                         [](const Decision &a, const Decision &b) { return a.priority > b.priority; });
        std::vector<qint64> expected;
        for (const Decision &decision : matched)
            expected.push_back(decision.campaignId);
        const std::vector<qint64> ids = index->match(query);
        QVERIFY2(ids == expected, qPrintable(QStringLiteral("query %1: %2 matched, explain says %3")
                                                 .arg(i).arg(ids.size()).arg(expected.size())));
        matchedTotal += qsizetype(ids.size());
    }
    QVERIFY(matchedTotal > 0); // the queries do reach campaigns
}

void TargetingTest::explainFirstIsTheStartOfExplain_data()
{
    QTest::addColumn<int>("scope");
    QTest::addColumn<qsizetype>("limit");
    using Scope = MatchIndex::ExplainScope;
    for (Scope scope : {Scope::AllCampaigns, Scope::NotDelivered, Scope::Deliverable}) {
        const char *name = scope == Scope::AllCampaigns ? "all" : scope == Scope::NotDelivered ? "not delivered" : "deliverable";
        QTest::addRow("%s, none", name) << int(scope) << qsizetype(0);
        QTest::addRow("%s, one", name) << int(scope) << qsizetype(1);
        QTest::addRow("%s, a page", name) << int(scope) << qsizetype(50);
        QTest::addRow("%s, more than there are", name) << int(scope) << qsizetype(100000);
    }
}

void TargetingTest::explainFirstIsTheStartOfExplain()
{
    // What a viewer shows of a large store: the first decisions of explain(), and the total.
    QFETCH(int, scope);
    QFETCH(qsizetype, limit);
    const auto which = MatchIndex::ExplainScope(scope);
    CampaignGenerator generator(3, QDate::currentDate());
    QList<CampaignWithRules> campaigns;
    for (qint64 id = 1; id <= 2000; ++id) {
        campaigns.append(generator.next());
        campaigns.last().campaign.id = id;
    }
    const auto index = MatchIndex::build(campaigns);
    NamedValues values(campaigns, 5);
    for (int i = 0; i < 20; ++i) {
        const auto query = TargetingQuery::from(values.pick(Dimension::Country), values.pick(Dimension::Os),
                                                values.pick(Dimension::App));
        QList<Decision> expected = index->explain(query);
        if (which == MatchIndex::ExplainScope::NotDelivered)
            expected.removeIf([](const Decision &d) { return d.matched(); });
        if (which == MatchIndex::ExplainScope::Deliverable)
            expected.removeIf([](const Decision &d) {
                return d.verdict == Decision::Verdict::Inactive || d.verdict == Decision::Verdict::Deleted;
            });
        const auto page = index->explainFirst(query, which, limit);
        QCOMPARE(page.total, expected.size());
        QCOMPARE(page.decisions.size(), std::min(limit, expected.size()));
        for (qsizetype k = 0; k < page.decisions.size(); ++k) {
            QCOMPARE(page.decisions.at(k).campaignId, expected.at(k).campaignId);
            QCOMPARE(page.decisions.at(k).summary(), expected.at(k).summary());
        }
    }
}

void TargetingTest::changesGiveTheSameIndexAsABuild()
{
    // The index after withChanges() must answer exactly as one built from scratch from the
    // changed campaigns: edited rules (also to values no campaign named before), status
    // changes, deletions, new campaigns, and a change that names an id that never existed.
    CampaignGenerator generator(3, QDate::currentDate());
    const QList<CampaignWithRules> before = generated(3, 3000);
    for (qint64 id = 1; id <= 3000; ++id)
        generator.next(); // the generator goes on where those left off
    QList<CampaignWithRules> after = before;
    QList<qint64> changed;
    QList<CampaignWithRules> current;
    for (qsizetype i = 0; i < after.size(); i += 37) {
        CampaignWithRules &c = after[i];
        switch (i % 4) {
        case 0: c.rules = generator.next().rules; break;
        case 1: c.rules = parseRules(QStringLiteral("country+Atlantis; app-com.brand.new"), c.campaign.id); break;
        case 2: c.campaign.status = c.campaign.status == kStatusActive ? kStatusInactive : kStatusActive; break;
        }
        changed.append(c.campaign.id);
        if (i % 4 != 3)
            current.append(c);
    }
    after.removeIf([&](const CampaignWithRules &c) { return changed.contains(c.campaign.id) && c.campaign.id % 4 == 0; });
    for (qint64 id = 3001; id <= 3040; ++id) {
        CampaignWithRules c = generator.next();
        c.campaign.id = id;
        c.campaign.deleted = false;
        after.append(c);
        current.append(c);
        changed.append(id);
    }
    changed.append(99999); // never existed: nothing to replace, nothing to add

    const auto patched = MatchIndex::build(before)->withChanges(changed, current);
    const auto built = MatchIndex::build(after);
    QCOMPARE(patched->campaignCount(), built->campaignCount());
    QCOMPARE(patched->ruleCount(), built->ruleCount());

    NamedValues values(after, 5);
    for (int i = 0; i < 300; ++i) {
        const auto query = TargetingQuery::from(i % 10 ? values.pick(Dimension::Country) : QStringLiteral("atlantis"),
                                                values.pick(Dimension::Os), values.pick(Dimension::App));
        QCOMPARE(patched->match(query), built->match(query));
        if (i % 30 == 0) {
            const auto a = patched->explain(query), b = built->explain(query);
            QCOMPARE(a.size(), b.size());
            for (qsizetype k = 0; k < a.size(); ++k)
                QCOMPARE(a[k].toJson(), b[k].toJson());
        }
    }
}

QTEST_GUILESS_MAIN(TargetingTest)
#include "tst_targeting.moc"
