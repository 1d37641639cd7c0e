// The targeting linter as a table: rules -> findings, and what each fix makes of the rules.
#include "TestCampaigns.h"

#include "changes/BulkEdit.h"
#include "model/RuleReach.h"
#include "model/TargetingLint.h"

#include <QTest>

using namespace adserve;
using test::rule;
using Kind = LintFinding::Kind;

namespace {

constexpr auto Country = Dimension::Country;
constexpr auto Os = Dimension::Os;
constexpr auto In = RuleType::Include;
constexpr auto Ex = RuleType::Exclude;

// "include country: US, Canada; exclude os: iOS" -> per rule "<type> <dimension>: values".
QString shown(const QList<TargetRule> &rules)
{
    QStringList parts;
    for (const TargetRule &r : rules)
        parts.append(describeRule(r.type, r.dimension, r.values));
    return parts.join(QStringLiteral("; "));
}

} // namespace

class TargetingLintTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findsAndFixes_data()
    {
        QTest::addColumn<QList<TargetRule>>("rules");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("suggestion");
        QTest::addColumn<QString>("fixed"); // empty: no fix offered
        QTest::newRow("country name") << QList<TargetRule>{rule(Country, In, {"US", "Canada"})} << "country-name"
                                      << "Canada" << "CA" << "INCLUDE country: US, CA";
        QTest::newRow("country name whose code is listed too")
            << QList<TargetRule>{rule(Country, In, {"CA", "Canada"})} << "country-name" << "Canada" << "CA"
            << "INCLUDE country: CA";
        QTest::newRow("another name of a country") << QList<TargetRule>{rule(Country, Ex, {"UK"})} << "country-name"
                                                   << "UK" << "GB" << "EXCLUDE country: GB";
        QTest::newRow("case variant") << QList<TargetRule>{rule(Country, Ex, {"us"})} << "case-variant" << "us" << "US"
                                      << "EXCLUDE country: US";
        QTest::newRow("os alias") << QList<TargetRule>{rule(Os, In, {"iphone", "Android"})} << "os-alias" << "iphone"
                                  << "iOS" << "INCLUDE os: iOS, Android";
        QTest::newRow("unknown country: warned, no fix")
            << QList<TargetRule>{rule(Country, In, {"Narnia"})} << "unknown-value" << "Narnia" << "" << "";
        QTest::newRow("unknown os") << QList<TargetRule>{rule(Os, In, {"BeOS"})} << "unknown-value" << "BeOS" << "" << "";
        QTest::newRow("duplicate across rules")
            << QList<TargetRule>{rule(Country, In, {"US", "DE"}), rule(Country, In, {"DE"})} << "duplicate" << "DE" << ""
            << "INCLUDE country: US, DE";
        QTest::newRow("included and excluded, others left")
            << QList<TargetRule>{rule(Country, In, {"US", "DE"}), rule(Country, Ex, {"US"})} << "included-and-excluded"
            << "US" << "" << "INCLUDE country: DE; EXCLUDE country: US";
        // Taking US out of the INCLUDE would make the campaign serve everywhere but US.
        QTest::newRow("included and excluded, nothing left: no fix")
            << QList<TargetRule>{rule(Country, In, {"US"}), rule(Country, Ex, {"US"})} << "included-and-excluded" << "US"
            << "" << "";
        QTest::newRow("never serves") << QList<TargetRule>{rule(Country, In, {"US"}), rule(Country, Ex, {"us"})}
                                      << "never-serves" << "" << "" << "";
    }

    void findsAndFixes()
    {
        QFETCH(QList<TargetRule>, rules);
        QFETCH(QString, kind);
        QFETCH(QString, value);
        QFETCH(QString, suggestion);
        QFETCH(QString, fixed);
        const QList<LintFinding> findings = TargetingLint::check(rules);
        const auto found = std::find_if(findings.cbegin(), findings.cend(), [&](const LintFinding &f) {
            return TargetingLint::kindCode(f.kind) == kind && f.value == value;
        });
        QVERIFY2(found != findings.cend(), qPrintable(kind));
        QCOMPARE(found->suggestion, suggestion);
        QVERIFY(!found->message.isEmpty());
        QCOMPARE(found->fixable, !fixed.isEmpty());
        const auto after = TargetingLint::fix(rules, *found);
        QCOMPARE(after.has_value(), !fixed.isEmpty());
        if (!after)
            return;
        QCOMPARE(shown(*after), fixed);
        // Fixed for good: the same finding is not found again.
        for (const LintFinding &f : TargetingLint::check(*after))
            QVERIFY2(!(f.kind == found->kind && f.value == value), qPrintable(f.message));
    }

    void cleanRulesHaveNoFindings()
    {
        QVERIFY(TargetingLint::check({rule(Country, In, {"US", "CA"}), rule(Os, Ex, {"iOS"}),
                                      rule(Dimension::App, In, {"com.whatever"})})
                    .isEmpty());
        QVERIFY(TargetingLint::check({}).isEmpty());
    }

    // "Can never serve" is what RuleReach says of the campaign, dimension by dimension.
    void neverServesAgreesWithRuleReach()
    {
        const QList<TargetRule> rules{rule(Os, In, {"iOS"}), rule(Os, Ex, {"ios"})};
        QCOMPARE(dimensionThatNeverQualifies(rules), std::optional(Os));
        const QList<LintFinding> findings = TargetingLint::check(rules);
        QVERIFY(std::any_of(findings.cbegin(), findings.cend(),
                            [](const LintFinding &f) { return f.kind == Kind::NeverServes && f.dimension == Os; }));
    }

    // Fix all of one kind; and as a bulk edit, one transaction the bulk editor can undo.
    void fixAllOfAKind()
    {
        const QList<TargetRule> rules{rule(Country, In, {"us", "Canada", "de"}), rule(Os, In, {"android"})};
        const auto fixed = TargetingLint::fixAll(rules, Kind::CaseVariant);
        QVERIFY(fixed);
        QCOMPARE(shown(*fixed), QStringLiteral("INCLUDE country: US, Canada, DE; INCLUDE os: Android"));
        QVERIFY(!TargetingLint::fixAll(*fixed, Kind::CaseVariant));
        const auto one = TargetingLint::fixAll(rules, Kind::CaseVariant, std::pair(Country, QStringLiteral("de")));
        QCOMPARE(shown(*one), QStringLiteral("INCLUDE country: us, Canada, DE; INCLUDE os: android"));

        BulkEdit edit;
        edit.action = BulkEdit::Action::FixTargeting;
        edit.lintKind = Kind::CountryName;
        const auto campaign = edit.applyTo(test::campaign(QStringLiteral("spotify"), rules));
        QVERIFY(campaign);
        QCOMPARE(shown(campaign->rules), QStringLiteral("INCLUDE country: us, CA, de; INCLUDE os: android"));
        QCOMPARE(edit.describe(), QStringLiteral("fix targeting: country names instead of ISO codes"));
        QVERIFY(!edit.applyTo(*campaign)); // nothing left to fix: left as it is
    }

    // Junk never crashes the linter.
    void badInputIsWarnedAbout()
    {
        const QList<TargetRule> rules{rule(Country, In, {"", "  ", QString(QChar(0x1F600))}), rule(Os, Ex, {})};
        const QList<LintFinding> findings = TargetingLint::check(rules);
        QVERIFY(!findings.isEmpty());
        for (int k = 0; k < TargetingLint::kKindCount; ++k)
            TargetingLint::fixAll(rules, Kind(k));
    }
};

QTEST_GUILESS_MAIN(TargetingLintTest)
#include "tst_targetinglint.moc"
