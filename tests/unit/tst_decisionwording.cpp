// Why-not in words: per dimension the request's value, the rules' values and the outcome,
// a hint when values differ only in form, and the reason and code explain answers with.
#include "TestCampaigns.h"

#include "targeting/DecisionWording.h"
#include "targeting/MatchIndex.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace adserve;
using test::rule;

namespace {

constexpr auto Country = Dimension::Country;
constexpr auto Os = Dimension::Os;
constexpr auto App = Dimension::App;
constexpr auto In = RuleType::Include;
constexpr auto Ex = RuleType::Exclude;

Decision decide(const QList<TargetRule> &rules, const QString &country, const QString &os, const QString &app)
{
    CampaignWithRules campaign = test::campaign(QStringLiteral("spotify"), rules);
    campaign.campaign.id = 1;
    const auto decisions = MatchIndex::build({campaign})->explain(TargetingQuery::from(country, os, app));
    return decisions.value(0);
}

} // namespace

class DecisionWordingTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reasonCodeAndHint_data()
    {
        QTest::addColumn<QList<TargetRule>>("rules");
        QTest::addColumn<QStringList>("request");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("hintCode");
        const QList<TargetRule> spotify{rule(Country, In, {"US", "Canada"})};
        QTest::newRow("Canada targeted by name, CA requested")
            << spotify << QStringList{"ca", "iOS", "x"} << "not-included"
            << "not delivered: country \"CA\" is not in INCLUDE country: US, Canada — the campaign targets \"Canada\", "
               "a country name; requests carry ISO codes such as \"CA\""
            << "country-name";
        QTest::newRow("a name targeted, another country requested")
            << spotify << QStringList{"DE", "iOS", "x"} << "not-included"
            << "not delivered: country \"DE\" is not in INCLUDE country: US, Canada — the campaign targets \"Canada\", "
               "a country name; requests carry ISO codes such as \"CA\""
            << "country-name";
        QTest::newRow("the request carries the name")
            << QList<TargetRule>{rule(Country, In, {"CA"})} << QStringList{"Canada", "iOS", "x"} << "not-included"
            << "not delivered: country \"canada\" is not in INCLUDE country: CA — the request carries \"canada\", a "
               "country name; requests carry ISO codes such as \"CA\" (the rule names \"CA\")"
            << "country-name";
        QTest::newRow("iphone targeted, iOS requested")
            << QList<TargetRule>{rule(Os, In, {"iphone"})} << QStringList{"US", "iOS", "x"} << "not-included"
            << "not delivered: os \"iOS\" is not in INCLUDE os: iphone — the campaign targets \"iphone\", another "
               "name of iOS; requests carry \"iOS\""
            << "os-alias";
        QTest::newRow("excluded, value shown in its usual case")
            << QList<TargetRule>{rule(Country, Ex, {"us"})} << QStringList{"us", "iOS", "x"} << "excluded"
            << "not delivered: country \"US\" is in EXCLUDE country: US" << "";
        QTest::newRow("an EXCLUDE by name does not keep CA out")
            << QList<TargetRule>{rule(Country, Ex, {"Canada"})} << QStringList{"CA", "iOS", "x"} << "matched"
            << "matched: qualifies in every dimension — its EXCLUDE names \"Canada\", a country name; requests carry ISO "
               "codes such as \"CA\", so it does not keep this request out"
            << "country-name";
        QTest::newRow("apps have no list: no hint")
            << QList<TargetRule>{rule(App, In, {"com.a"})} << QStringList{"US", "iOS", "com.b"} << "not-included"
            << "not delivered: app \"com.b\" is not in INCLUDE app: com.a" << "";
    }

    void reasonCodeAndHint()
    {
        QFETCH(QList<TargetRule>, rules);
        QFETCH(QStringList, request);
        QFETCH(QString, code);
        QFETCH(QString, reason);
        QFETCH(QString, hintCode);
        const Decision decision = decide(rules, request[0], request[1], request[2]);
        QCOMPARE(DecisionWording::code(decision), code);
        QCOMPARE(decision.summary(), reason);
        // The explain API says the same.
        const QJsonObject json = decision.toJson();
        QCOMPARE(json.value(QStringLiteral("reason")).toString(), reason);
        QCOMPARE(json.value(QStringLiteral("code")).toString(), code);
        QCOMPARE(json.value(QStringLiteral("hint")).toObject().value(QStringLiteral("code")).toString(), hintCode);
    }

    // An app EXCLUDE that did not fire is said as such, not as "no rules"; the API keeps
    // its old outcome value for existing clients and tells the new one in "code".
    void excludeThatDidNotFire()
    {
        const Decision decision = decide({rule(App, Ex, {"com.blocked"})}, QStringLiteral("US"), QStringLiteral("iOS"),
                                         QStringLiteral("com.other"));
        QVERIFY(decision.matched());
        const DimensionCheck &app = decision.checks.at(int(App));
        QCOMPARE(app.outcome, DimensionCheck::Outcome::NotExcluded);
        QCOMPARE(DecisionWording::check(app), QStringLiteral("not excluded: \"com.other\" is not in EXCLUDE app: com.blocked"));
        QCOMPARE(DecisionWording::check(decision.checks.at(int(Country))), QStringLiteral("no rules: any country"));
        const QJsonObject json = decision.toJson().value(QStringLiteral("checks")).toArray().at(int(App)).toObject();
        QCOMPARE(json.value(QStringLiteral("outcome")).toString(), QStringLiteral("no-rules"));
        QCOMPARE(json.value(QStringLiteral("code")).toString(), QStringLiteral("not-excluded"));
        QCOMPARE(json.value(QStringLiteral("exclude")).toArray(), QJsonArray{QStringLiteral("com.blocked")});
        QCOMPARE(json.value(QStringLiteral("reason")).toString(), DecisionWording::check(app));
    }

    // Rules read as what they are, with the values as written, not as generated codes.
    void rulesShownAsWritten()
    {
        const Decision decision = decide({rule(Country, In, {"US", "Canada"}), rule(Country, In, {"us", "MX"})},
                                         QStringLiteral("US"), QStringLiteral("iOS"), QStringLiteral("x"));
        const DimensionCheck &country = decision.checks.at(int(Country));
        QCOMPARE(country.included, (QStringList{"US", "Canada", "MX"}));
        QCOMPARE(DecisionWording::check(country), QStringLiteral("included: \"US\" is in INCLUDE country: US, Canada, MX"));
    }
};

QTEST_GUILESS_MAIN(DecisionWordingTest)
#include "tst_decisionwording.moc"
