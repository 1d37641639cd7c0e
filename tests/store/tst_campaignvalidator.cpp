#include "model/CampaignJson.h"
#include "model/CampaignValidator.h"

#include <QJsonDocument>

#include <QTest>

using namespace adserve;

namespace {

CampaignWithRules validCampaign()
{
    CampaignWithRules c;
    c.campaign.code = QStringLiteral("spring-sale_2024.v1");
    c.campaign.name = QStringLiteral("Spring sale");
    c.campaign.image = QStringLiteral("https://cdn.example.com/a.png");
    c.campaign.cta = QStringLiteral("Install");
    c.campaign.status = kStatusActive;
    TargetRule country;
    country.dimension = Dimension::Country;
    country.values = {QStringLiteral("US"), QStringLiteral("CA")};
    TargetRule os;
    os.dimension = Dimension::Os;
    os.type = RuleType::Exclude;
    os.values = {QStringLiteral("KaiOS")};
    c.rules = {country, os};
    return c;
}

} // namespace

// What a valid campaign is, and which field each mistake is reported on.
class CampaignValidatorTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validCampaignHasNoErrors();
    void reportsTheField_data();
    void reportsTheField();
    void reportsEveryProblem();
    void ruleIdFromJson_data();
    void ruleIdFromJson();
    void loneSurrogateFromJsonIsReplacementCharacter();
};

void CampaignValidatorTest::validCampaignHasNoErrors()
{
    QCOMPARE(CampaignValidator::validate(validCampaign()), QList<FieldError>());
    CampaignWithRules noRules = validCampaign();
    noRules.rules.clear();
    noRules.campaign.name.clear();
    noRules.campaign.status = kStatusInactive;
    noRules.campaign.image = QStringLiteral("http://somelink");
    QCOMPARE(CampaignValidator::validate(noRules), QList<FieldError>());
}

using Change = std::function<void(CampaignWithRules &)>;
Q_DECLARE_METATYPE(Change)

void CampaignValidatorTest::reportsTheField_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<QString>("field");

    auto campaign = [](auto set) { return Change([set](CampaignWithRules &c) { set(c.campaign); }); };
    QTest::newRow("code missing") << campaign([](Campaign &c) { c.code.clear(); }) << "code";
    QTest::newRow("code with space") << campaign([](Campaign &c) { c.code = QStringLiteral("a b"); }) << "code";
    QTest::newRow("code with slash") << campaign([](Campaign &c) { c.code = QStringLiteral("a/b"); }) << "code";
    QTest::newRow("code too long") << campaign([](Campaign &c) { c.code = QString(65, u'x'); }) << "code";
    QTest::newRow("name too long") << campaign([](Campaign &c) { c.name = QString(201, u'n'); }) << "name";
    QTest::newRow("image missing") << campaign([](Campaign &c) { c.image.clear(); }) << "image";
    QTest::newRow("image not a url") << campaign([](Campaign &c) { c.image = QStringLiteral("somelink"); }) << "image";
    QTest::newRow("image ftp") << campaign([](Campaign &c) { c.image = QStringLiteral("ftp://h/a.png"); }) << "image";
    QTest::newRow("image without host") << campaign([](Campaign &c) { c.image = QStringLiteral("https://"); })
                                        << "image";
    QTest::newRow("cta missing") << campaign([](Campaign &c) { c.cta.clear(); }) << "cta";
    QTest::newRow("cta blank") << campaign([](Campaign &c) { c.cta = QStringLiteral("   "); }) << "cta";
    QTest::newRow("cta too long") << campaign([](Campaign &c) { c.cta = QString(65, u'c'); }) << "cta";
    QTest::newRow("status unknown") << campaign([](Campaign &c) { c.status = QStringLiteral("PAUSED"); }) << "status";
    QTest::newRow("status lower case") << campaign([](Campaign &c) { c.status = QStringLiteral("active"); })
                                       << "status";
    QTest::newRow("rule without values") << Change([](CampaignWithRules &c) { c.rules[1].values.clear(); })
                                         << "rules[1].values";
    QTest::newRow("blank value") << Change([](CampaignWithRules &c) { c.rules[0].values.append(QStringLiteral("  ")); })
                                 << "rules[0].values";
    QTest::newRow("value too long") << Change([](CampaignWithRules &c) { c.rules[0].values = {QString(257, u'v')}; })
                                    << "rules[0].values";
    QTest::newRow("dimension out of range")
        << Change([](CampaignWithRules &c) { c.rules[1].dimension = static_cast<Dimension>(42); })
        << "rules[1].dimension";
    QTest::newRow("rule type out of range")
        << Change([](CampaignWithRules &c) { c.rules[0].type = static_cast<RuleType>(7); }) << "rules[0].ruleType";
}

void CampaignValidatorTest::reportsTheField()
{
    QFETCH(Change, change);
    QFETCH(QString, field);
    CampaignWithRules c = validCampaign();
    change(c);
    const QList<FieldError> errors = CampaignValidator::validate(c);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().field, field);
    QVERIFY(!errors.first().message.isEmpty());
}

void CampaignValidatorTest::reportsEveryProblem()
{
    CampaignWithRules c = validCampaign();
    c.campaign.code.clear();
    c.campaign.cta.clear();
    c.rules[1].values = {QString()};
    QStringList fields;
    for (const FieldError &e : CampaignValidator::validate(c))
        fields.append(e.field);
    QCOMPARE(fields, QStringList({QStringLiteral("code"), QStringLiteral("cta"), QStringLiteral("rules[1].values")}));
    QCOMPARE(CampaignValidator::validateRule(c.rules[1]).first().field, QStringLiteral("values"));
}

void CampaignValidatorTest::ruleIdFromJson_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<qint64>("expected"); // -1: refused

    QTest::newRow("new rule") << QByteArray("0") << qint64(0);
    QTest::newRow("existing rule") << QByteArray("42") << qint64(42);
    QTest::newRow("past 2^53, exactly") << QByteArray("9007199254740993") << qint64(9007199254740993);
    QTest::newRow("largest") << QByteArray("9223372036854775807") << qint64(9223372036854775807);
    QTest::newRow("past qint64") << QByteArray("9223372036854775808") << qint64(-1);
    QTest::newRow("far past qint64") << QByteArray("1e300") << qint64(-1);
    QTest::newRow("negative") << QByteArray("-1") << qint64(-1);
    QTest::newRow("fraction") << QByteArray("1.5") << qint64(-1);
    QTest::newRow("string") << QByteArray("\"1\"") << qint64(-1);
}

void CampaignValidatorTest::ruleIdFromJson()
{
    QFETCH(QByteArray, id);
    QFETCH(qint64, expected);
    const QByteArray json = R"({"id":)" + id + R"(,"dimension":"os","ruleType":"INCLUDE","values":["ios"]})";
    QList<FieldError> errors;
    const auto rule = CampaignJson::ruleFromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("rules[0]"), errors);
    if (expected < 0) {
        QVERIFY(!rule);
        QCOMPARE(errors.value(0).field, QStringLiteral("rules[0].id"));
    } else {
        QVERIFY(rule);
        QCOMPARE(rule->id, expected);
    }
}

void CampaignValidatorTest::loneSurrogateFromJsonIsReplacementCharacter()
{
    // Kept as it was, UTF-8 could not hold it: the store would keep '?'.
    const QByteArray json = R"({"name":"a\ud800","rules":[{"dimension":"os","ruleType":"INCLUDE","values":["\udc00x"]}]})";
    QList<FieldError> errors;
    const auto parsed = CampaignJson::fromJson(QJsonDocument::fromJson(json).object(), validCampaign(), errors);
    QVERIFY(parsed);
    QCOMPARE(parsed->campaign.name, QStringLiteral("a\uFFFD"));
    QCOMPARE(parsed->rules.value(0).values, QStringList{QStringLiteral("\uFFFDx")});
}

QTEST_GUILESS_MAIN(CampaignValidatorTest)
#include "tst_campaignvalidator.moc"
