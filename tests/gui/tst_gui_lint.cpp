// The targeting linter in the studio: in the editor as values are typed (warnings in one
// line that never moves the form, one-click fixes that undo like any edit, saving never
// refused), and over the whole store as a report whose fixes are one undoable transaction
// each. Checked in the store and at the delivery endpoint. Runs on SQLite and PostgreSQL.
#include "StudioFixture.h"
#include "TestCampaigns.h"

#include "campaigns/BulkEditRunner.h"
#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignsPanel.h"
#include "campaigns/ValueListEditor.h"
#include "common/BackgroundJob.h"
#include "common/ElidedLabel.h"
#include "common/TextTableModel.h"
#include "lint/LintReportDialog.h"
#include "lint/TargetingWarnings.h"

#include <QAction>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace adserve;
using namespace adserve::test;
using Kind = LintFinding::Kind;

class TestLint : public StudioTestCase
{
    Q_OBJECT

    CampaignsPanel *panel() { return studio_->window().campaigns(); }
    CampaignEditor *editor() { return panel()->editor(); }
    TargetingWarnings *warnings() { return editor()->findChild<TargetingWarnings *>(QStringLiteral("targetingWarnings")); }
    // The whole message (the line may cut it to its width).
    QString warningText() { return warnings()->findChild<ElidedLabel *>(QStringLiteral("targetingWarningText"))->fullText(); }
    ValueListEditor *list(const QString &name) { return editor()->findChild<ValueListEditor *>(name); }

    void addValue(const QString &listName, const QString &value)
    {
        auto *input = list(listName)->findChild<QLineEdit *>(QStringLiteral("valueInput"));
        QTest::keyClicks(input, value);
        QTest::keyClick(input, Qt::Key_Return);
    }

    QStringList storedValues(const QString &code, Dimension d, RuleType t)
    {
        const auto stored = studio_->session().engine().store().campaign(studio_->campaignId(code));
        return TargetingLint::valuesOf(stored.value.rules, d, t);
    }

    QStringList delivered(const QString &country)
    {
        QUrlQuery query(QStringLiteral("app=x&os=iOS&country=") + country);
        const HttpReply reply = studio_->session().api().handle({"GET", QStringLiteral("/v1/delivery"), query, {}, {}});
        QStringList codes;
        for (const QJsonValue &item : QJsonDocument::fromJson(reply.body).array())
            codes.append(item.toObject().value(QStringLiteral("cid")).toString());
        return codes;
    }

    LintReportDialog *openReport()
    {
        if (!studio_->clickCampaignsTool(QStringLiteral("targetingReport")))
            return nullptr;
        LintReportDialog *report = panel()->targetingReport();
        return report && report->job()->waitForFinished() ? report : nullptr;
    }

    // Waits for the bulk edit the report started and for the table read again. The report
    // follows the reads (a change notice can bring one more): its counts are awaited with QTRY.
    bool written(LintReportDialog *report)
    {
        return panel()->job()->waitForFinished() && studio_->waitForCampaigns()
               && QTest::qWaitFor([&] { return !report->job()->isRunning(); }) && report->job()->waitForFinished();
    }

private Q_SLOTS:
    // Each rule of the linter over the store, and its fix as the report makes it.
    void reportFindsAndFixesEachKind_data()
    {
        QTest::addColumn<QList<TargetRule>>("rules");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("fixedCountries"); // the country INCLUDE after "fix all"; empty: no fix
        const auto country = [](RuleType t, const QStringList &values) { return rule(Dimension::Country, t, values); };
        QTest::newRow("country name") << QList<TargetRule>{country(RuleType::Include, {"France"})} << "country-name"
                                      << QStringList{"FR"};
        QTest::newRow("case variant") << QList<TargetRule>{country(RuleType::Include, {"fr"})} << "case-variant"
                                      << QStringList{"FR"};
        QTest::newRow("unknown") << QList<TargetRule>{country(RuleType::Include, {"Gondor"})} << "unknown-value" << QStringList{};
        QTest::newRow("duplicate") << QList<TargetRule>{country(RuleType::Include, {"FR", "BE"}), country(RuleType::Include, {"FR"})}
                                   << "duplicate" << QStringList{"FR", "BE"};
        QTest::newRow("included and excluded")
            << QList<TargetRule>{country(RuleType::Include, {"FR", "BE"}), country(RuleType::Exclude, {"BE"})}
            << "included-and-excluded" << QStringList{"FR"};
        QTest::newRow("never serves") << QList<TargetRule>{country(RuleType::Include, {"FR"}), country(RuleType::Exclude, {"FR"})}
                                      << "never-serves" << QStringList{};
        QTest::newRow("os alias") << QList<TargetRule>{rule(Dimension::Os, RuleType::Include, {"ipad"})} << "os-alias"
                                  << QStringList{};
    }

    void reportFindsAndFixesEachKind()
    {
        QFETCH(QList<TargetRule>, rules);
        QFETCH(QString, kind);
        QFETCH(QStringList, fixedCountries);
        const auto created = studio_->session().engine().store().create(campaign(QStringLiteral("linted"), rules));
        QVERIFY2(created.ok(), qPrintable(created.message));
        QTRY_VERIFY(studio_->campaignId(QStringLiteral("linted")) > 0);
        LintReportDialog *report = openReport();
        QVERIFY(report);
        const Kind k = *TargetingLint::kindFromCode(kind);
        report->showKind(k);
        QVERIFY(report->table()->rowCount() >= 1);
        int row = -1;
        for (int r = 0; r < report->table()->rowCount(); ++r)
            row = report->table()->text(r, 0) == QLatin1String("linted") ? r : row;
        QVERIFY2(row >= 0, qPrintable(kind));
        auto *fixAll = report->findChild<QPushButton *>(QStringLiteral("lintFixAll"));
        const bool osFix = kind == QLatin1String("os-alias");
        QCOMPARE(fixAll->isEnabled(), !fixedCountries.isEmpty() || osFix);
        if (!fixAll->isEnabled())
            return;
        QTest::mouseClick(fixAll, Qt::LeftButton);
        QVERIFY(written(report));
        QTRY_COMPARE(report->report().counts[size_t(k)], 0);
        if (osFix)
            QCOMPARE(storedValues(QStringLiteral("linted"), Dimension::Os, RuleType::Include), QStringList{"iPadOS"});
        else
            QCOMPARE(storedValues(QStringLiteral("linted"), Dimension::Country, RuleType::Include), fixedCountries);
    }

    // spotify targets "Canada": said at once, fixed in one click, undone like any edit, and
    // saved it serves Canadian requests.
    void editorWarnsAndFixes()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        QCOMPARE(warningText(), QStringLiteral("\"Canada\" is a country name; requests carry ISO codes: use \"CA\""));
        const int height = warnings()->height();
        QVERIFY(studio_->click(QStringLiteral("fixTargetingWarning"), editor()));
        QCOMPARE(list(QStringLiteral("country.include"))->values(), (QStringList{"US", "CA"}));
        QVERIFY(editor()->isDirty());
        QCOMPARE(warningText(), QStringLiteral("No targeting warnings"));
        QVERIFY(!warnings()->findChild<QAbstractButton *>(QStringLiteral("fixTargetingWarning"))->isVisible());
        QCOMPARE(warnings()->height(), height); // the form does not move
        QVERIFY(studio_->click(QStringLiteral("undo"), editor()));
        QCOMPARE(list(QStringLiteral("country.include"))->values(), (QStringList{"US", "Canada"}));
        QVERIFY(studio_->click(QStringLiteral("redo"), editor()));
        QCOMPARE(list(QStringLiteral("country.include"))->values(), (QStringList{"US", "CA"}));
        QVERIFY(delivered(QStringLiteral("CA")).isEmpty() || !delivered(QStringLiteral("CA")).contains(QStringLiteral("spotify")));
        QVERIFY(editor()->save());
        QCOMPARE(storedValues(QStringLiteral("spotify"), Dimension::Country, RuleType::Include), (QStringList{"US", "CA"}));
        QTRY_VERIFY(delivered(QStringLiteral("CA")).contains(QStringLiteral("spotify")));
    }

    // As values are typed: a case variant, a value both included and excluded, a dimension
    // that leaves nothing. Warnings only: the campaign saves as it is.
    void editorWarnsAsYouType()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo"))); // os IN Android, iOS; country EX US
        QCOMPARE(warningText(), QStringLiteral("No targeting warnings"));
        addValue(QStringLiteral("country.include"), QStringLiteral("us"));
        const QList<LintFinding> findings = warnings()->findings();
        const auto has = [&](Kind kind) {
            return std::any_of(findings.cbegin(), findings.cend(), [&](const LintFinding &f) { return f.kind == kind; });
        };
        QVERIFY(has(Kind::CaseVariant));
        QVERIFY(has(Kind::IncludedAndExcluded));
        QVERIFY(has(Kind::NeverServes));
        QVERIFY(!has(Kind::Duplicate));
        // "Fix all" writes "US": taking it out of the INCLUDE would change what is delivered.
        QVERIFY(warnings()->fixAll());
        QCOMPARE(list(QStringLiteral("country.include"))->values(), QStringList{"US"});
        QVERIFY(editor()->save()); // a warning never refuses
        QCOMPARE(storedValues(QStringLiteral("duolingo"), Dimension::Country, RuleType::Include), QStringList{"US"});
        addValue(QStringLiteral("os.include"), QStringLiteral("iphone"));
        QCOMPARE(warningText(), QStringLiteral("\"iphone\" is another name of \"iOS\", which requests carry: use \"iOS\""));
    }

    // The store-wide report: each kind counted, a fix of one finding, "fix all of this kind"
    // in one transaction, and Undo bulk edit taking it back.
    void reportFixesAllOfAKind()
    {
        CampaignStore &store = studio_->session().engine().store();
        for (const auto &c : {campaign(QStringLiteral("germanyname"), {rule(Dimension::Country, RuleType::Include, {"Germany", "FR"})}),
                              campaign(QStringLiteral("lowercase"), {rule(Dimension::Country, RuleType::Include, {"us", "de"}),
                                                                     rule(Dimension::Os, RuleType::Include, {"ios"})})}) {
            const auto created = store.create(c);
            QVERIFY2(created.ok(), qPrintable(created.message));
        }
        QVERIFY(studio_->waitForCampaigns());
        QTRY_COMPARE(studio_->campaignId(QStringLiteral("lowercase")) > 0, true);
        LintReportDialog *report = openReport();
        QVERIFY(report);
        QCOMPARE(report->report().counts[size_t(Kind::CountryName)], 2); // spotify's Canada, Germany
        QCOMPARE(report->report().counts[size_t(Kind::CaseVariant)], 3);
        QCOMPARE(report->report().fixableCampaigns[size_t(Kind::CaseVariant)].size(), 1);

        // One finding: "de" of lowercase only.
        report->showKind(Kind::CaseVariant);
        QCOMPARE(report->table()->rowCount(), 3);
        int de = -1;
        for (int row = 0; row < report->table()->rowCount(); ++row)
            de = report->table()->text(row, 2) == QLatin1String("de") ? row : de;
        QVERIFY(de >= 0);
        report->view()->setCurrentIndex(report->table()->index(de, 0));
        QVERIFY(studio_->click(QStringLiteral("lintFix"), report));
        QVERIFY(written(report));
        QCOMPARE(storedValues(QStringLiteral("lowercase"), Dimension::Country, RuleType::Include), (QStringList{"us", "DE"}));
        QTRY_COMPARE(report->report().counts[size_t(Kind::CaseVariant)], 2);

        // All country names at once, then undone as a whole.
        report->showKind(Kind::CountryName);
        QVERIFY(studio_->click(QStringLiteral("lintFixAll"), report));
        QVERIFY(written(report));
        QTRY_COMPARE(report->report().counts[size_t(Kind::CountryName)], 0);
        QCOMPARE(storedValues(QStringLiteral("spotify"), Dimension::Country, RuleType::Include), (QStringList{"US", "CA"}));
        QCOMPARE(storedValues(QStringLiteral("germanyname"), Dimension::Country, RuleType::Include), (QStringList{"DE", "FR"}));
        QTRY_VERIFY(delivered(QStringLiteral("CA")).contains(QStringLiteral("spotify")));
        QAction *undo = panel()->bulkEdits()->undoAction();
        QVERIFY(undo->isEnabled());
        QVERIFY2(undo->text().contains(QLatin1String("country names instead of ISO codes")), qPrintable(undo->text()));
        undo->trigger();
        QVERIFY(written(report));
        QCOMPARE(storedValues(QStringLiteral("spotify"), Dimension::Country, RuleType::Include), (QStringList{"US", "Canada"}));
        QTRY_COMPARE(report->report().counts[size_t(Kind::CountryName)], 2);
        QTRY_VERIFY(!delivered(QStringLiteral("CA")).contains(QStringLiteral("spotify")));

        // Open in editor from the report.
        report->view()->setCurrentIndex(report->table()->index(0, 0));
        QVERIFY(studio_->click(QStringLiteral("lintOpen"), report));
        QTRY_VERIFY(editor()->campaignId() == studio_->campaignId(report->table()->text(0, 0)));
    }
};

QTEST_MAIN(TestLint)
#include "tst_gui_lint.moc"
