// Bulk edits from the campaigns panel: on the filter result or the selection, with a
// preview of what changes for delivery, one transaction, and Undo of the whole edit (which
// leaves a campaign changed since as it is). Checked in the store and at the delivery
// endpoint. Runs on SQLite and PostgreSQL.
#include "StudioFixture.h"

#include "campaigns/BulkEditDialog.h"
#include "campaigns/CampaignCatalog.h"
#include "campaigns/BulkEditRunner.h"
#include "campaigns/CampaignFilterBar.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "changes/ChangeHistory.h"
#include "changes/ChangeLog.h"
#include "common/BackgroundJob.h"

#include <QAction>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestBulkEdit : public StudioTestCase
{
    Q_OBJECT

private:
    CampaignsPanel *panel() { return studio_->window().campaigns(); }
    CampaignStore &store() { return studio_->session().engine().store(); }
    CampaignWithRules stored(const QString &code) { return store().campaign(studio_->campaignId(code)).value; }

    // What rules target, by id (a rule brought back keeps its id; its times are new).
    static QStringList targeting(const QList<TargetRule> &rules)
    {
        QStringList lines;
        for (const TargetRule &r : rules)
            lines.append(QStringLiteral("%1 %2 %3 %4 %5").arg(r.id).arg(r.code, dimensionName(r.dimension),
                                                               ruleTypeName(r.type), r.values.join(QLatin1Char(','))));
        return lines;
    }

    // The codes delivered to a US Android request in Ludo King (spotify and subwaysurfer at first).
    QStringList deliveredInUs()
    {
        QUrlQuery query(QStringLiteral("app=com.gametion.ludokinggame&country=US&os=Android"));
        const HttpReply reply = studio_->session().api().handle({"GET", QStringLiteral("/v1/delivery"), query, {}, {}});
        QStringList codes;
        for (const QJsonValue &item : QJsonDocument::fromJson(reply.body).array())
            codes.append(item.toObject().value(QStringLiteral("cid")).toString());
        return codes;
    }

    // Fills the bulk edit dialog (opened next) as a user does, waits for its preview, keeps
    // it in `preview` and clicks Apply.
    static void answerBulkEdit(const QString &action, bool onFiltered, QString *preview, const QString &dimension = {},
                               const QString &ruleType = {}, const QString &value = {})
    {
        StudioFixture::answerNextDialog([=](QWidget *widget) {
            auto *dialog = qobject_cast<BulkEditDialog *>(widget);
            QVERIFY(dialog);
            const auto choose = [&](const char *name, const QString &text) {
                auto *combo = dialog->findChild<QComboBox *>(QLatin1String(name));
                combo->setCurrentIndex(combo->findText(text, Qt::MatchStartsWith));
                QVERIFY2(combo->currentText().startsWith(text), name);
            };
            choose("bulkAction", action);
            if (!dimension.isEmpty())
                choose("bulkDimension", dimension);
            if (!ruleType.isEmpty())
                choose("bulkRuleType", ruleType);
            if (!value.isEmpty())
                QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("bulkValue")), value);
            QTest::mouseClick(dialog->findChild<QRadioButton *>(onFiltered ? QStringLiteral("bulkOnFiltered")
                                                                           : QStringLiteral("bulkOnSelection")),
                              Qt::LeftButton);
            auto *apply = dialog->findChild<QPushButton *>(QStringLiteral("bulkApply"));
            QTRY_VERIFY(apply->isEnabled()); // once the preview of these inputs is shown
            *preview = dialog->previewText();
            QTest::mouseClick(apply, Qt::LeftButton);
        });
    }
    bool runBulkEdit()
    {
        return studio_->clickCampaignsTool(QStringLiteral("bulkEdit")) && panel()->job()->waitForFinished() && studio_->waitForCampaigns();
    }
    bool undo()
    {
        QAction *undo = panel()->bulkEdits()->undoAction();
        if (!undo->isEnabled())
            return false;
        undo->trigger();
        return panel()->job()->waitForFinished() && studio_->waitForCampaigns();
    }

private Q_SLOTS:
    void init()
    {
        StudioTestCase::init();
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(deliveredInUs(), (QStringList{"spotify", "subwaysurfer"}));
    }

    // Deactivate every campaign the filter shows (those serving US: duolingo excludes it),
    // then undo: all of it comes back.
    void deactivateTheFilterResultAndUndo()
    {
        auto *country = panel()->filterBar()->findChild<QLineEdit *>(QStringLiteral("filterCountry"));
        QTest::keyClicks(country, QStringLiteral("US"));
        QTRY_COMPARE(panel()->model()->rowCount(), 2);
        QVERIFY(studio_->waitForCampaigns());
        QString preview;
        answerBulkEdit(QStringLiteral("Deactivate"), true, &preview);
        QVERIFY(runBulkEdit());
        QCOMPARE(preview, QStringLiteral("2 campaigns will change; 2 will stop serving."));
        QCOMPARE(stored(QStringLiteral("spotify")).campaign.status, kStatusInactive);
        QCOMPARE(stored(QStringLiteral("subwaysurfer")).campaign.status, kStatusInactive);
        QCOMPARE(stored(QStringLiteral("duolingo")).campaign.status, kStatusActive);
        QCOMPARE(deliveredInUs(), QStringList{});
        // One transaction, named in the history.
        ChangeLog log(store().sessions());
        const auto newest = [&](const QString &code) {
            return log.campaignChanges(studio_->campaignId(code), 0, 1).value.value(0);
        };
        QCOMPARE(newest(QStringLiteral("spotify")).note, QStringLiteral("bulk edit: deactivate"));
        QCOMPARE(newest(QStringLiteral("spotify")).groupKey(), newest(QStringLiteral("subwaysurfer")).groupKey());
        QCOMPARE(ChangeHistory::changes({newest(QStringLiteral("spotify"))}).value(0).kind, QStringLiteral("deactivated"));

        QVERIFY(undo());
        QCOMPARE(stored(QStringLiteral("spotify")).campaign.status, kStatusActive);
        QCOMPARE(stored(QStringLiteral("subwaysurfer")).campaign.status, kStatusActive);
        QCOMPARE(deliveredInUs(), (QStringList{"spotify", "subwaysurfer"}));
        QVERIFY(!panel()->bulkEdits()->undoAction()->isEnabled()); // once
    }

    // The window's own write reads the table once: the engine's word that it applied the
    // edit comes before the read the edit starts, and is not a reason for a second one (at
    // 1M campaigns each read is seconds of a core and a second catalog's memory). A change
    // made elsewhere afterwards is still read.
    void aBulkEditReadsTheTableOnce()
    {
        QSignalSpy reads(panel()->loader(), &BackgroundJob::started);
        auto *country = panel()->filterBar()->findChild<QLineEdit *>(QStringLiteral("filterCountry"));
        QTest::keyClicks(country, QStringLiteral("US"));
        QTRY_COMPARE(panel()->model()->rowCount(), 2);
        QString preview;
        answerBulkEdit(QStringLiteral("Deactivate"), true, &preview);
        QVERIFY(runBulkEdit());
        QTest::qWait(600); // past the 250 ms in which change notifications are gathered
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(reads.count(), 1);
        QVERIFY(undo());
        QTest::qWait(600);
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(reads.count(), 2);

        // Written past the panel (through the store, as the admin API writes): read once applied.
        CampaignWithRules duolingo = stored(QStringLiteral("duolingo"));
        duolingo.campaign.name = QStringLiteral("Renamed elsewhere");
        QVERIFY(store().update(duolingo).ok());
        QTRY_COMPARE(reads.count(), 3);
        QVERIFY(studio_->waitForCampaigns());
        const qsizetype index = panel()->model()->catalog().indexOf(duolingo.campaign.id);
        QCOMPARE(panel()->model()->catalog().text(index, CampaignCatalog::Text::Name), duolingo.campaign.name);
    }

    // A targeting value added to the selection's rules, previewed as what it does to
    // delivery; undo puts the rules back exactly.
    void excludeAValueFromTheSelectionAndUndo()
    {
        const CampaignWithRules spotify = stored(QStringLiteral("spotify"));
        const CampaignWithRules subway = stored(QStringLiteral("subwaysurfer"));
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        QVERIFY(studio_->clickCampaign(QStringLiteral("subwaysurfer"), Qt::ControlModifier));
        QString preview;
        answerBulkEdit(QStringLiteral("Add a targeting value"), false, &preview, QStringLiteral("country"),
                       QStringLiteral("to the EXCLUDE"), QStringLiteral("US"));
        QVERIFY(runBulkEdit());
        QCOMPARE(preview, QStringLiteral("2 campaigns will change; 2 will stop serving in US."));
        QCOMPARE(deliveredInUs(), QStringList{});
        const QList<TargetRule> rules = stored(QStringLiteral("subwaysurfer")).rules;
        QCOMPARE(rules.size(), 3);
        QCOMPARE(rules.last().type, RuleType::Exclude);
        QCOMPARE(rules.last().values, QStringList{"US"});

        QVERIFY(undo());
        QCOMPARE(stored(QStringLiteral("spotify")).rules, spotify.rules);
        QCOMPARE(stored(QStringLiteral("subwaysurfer")).rules, subway.rules);
        QCOMPARE(deliveredInUs(), (QStringList{"spotify", "subwaysurfer"}));
    }

    // Removing a campaign's last INCLUDE value widens it to every value: the preview says so.
    void removingTheLastIncludeValueIsPreviewedAsWidening()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("subwaysurfer")));
        QString preview;
        answerBulkEdit(QStringLiteral("Remove a targeting value"), false, &preview, QStringLiteral("os"), {},
                       QStringLiteral("android"));
        QVERIFY(runBulkEdit());
        QCOMPARE(preview, QStringLiteral("1 campaign will change; 1 loses its last os INCLUDE value and will serve every os."));
        QCOMPARE(stored(QStringLiteral("subwaysurfer")).rules.size(), 1); // the app rule only
    }

    // Deleted in bulk, then back with their rules.
    void undoBringsDeletedCampaignsBack()
    {
        const CampaignWithRules duolingo = stored(QStringLiteral("duolingo"));
        const CampaignWithRules spotify = stored(QStringLiteral("spotify"));
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify"), Qt::ControlModifier));
        panel()->deleteSelection(false);
        QVERIFY(panel()->job()->waitForFinished() && studio_->waitForCampaigns());
        QCOMPARE(panel()->model()->rowCount(), 1);
        QCOMPARE(store().campaign(duolingo.campaign.id).error, StoreError::NotFound);
        QCOMPARE(deliveredInUs(), QStringList{"subwaysurfer"});

        QVERIFY(undo());
        QCOMPARE(targeting(store().campaign(duolingo.campaign.id).value.rules), targeting(duolingo.rules));
        QCOMPARE(targeting(store().campaign(spotify.campaign.id).value.rules), targeting(spotify.rules));
        QCOMPARE(panel()->model()->rowCount(), 3);
        QCOMPARE(deliveredInUs(), (QStringList{"spotify", "subwaysurfer"}));
    }

    // Undo puts back what the edit changed, not what others changed since.
    void anUndoLeavesACampaignChangedSinceAsItIs()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify"), Qt::ControlModifier));
        panel()->setStatusOfSelection(kStatusInactive);
        QVERIFY(panel()->job()->waitForFinished() && studio_->waitForCampaigns());
        CampaignWithRules spotify = stored(QStringLiteral("spotify"));
        spotify.campaign.name = QStringLiteral("Spotify, renamed after the bulk edit");
        QVERIFY(store().update(spotify).ok());

        QSignalSpy messages(panel(), &CampaignsPanel::message);
        QVERIFY(undo());
        QCOMPARE(stored(QStringLiteral("duolingo")).campaign.status, kStatusActive);
        const CampaignWithRules after = stored(QStringLiteral("spotify"));
        QCOMPARE(after.campaign.status, kStatusInactive);
        QCOMPARE(after.campaign.name, spotify.campaign.name);
        QVERIFY(!messages.isEmpty());
        QVERIFY2(messages.last().at(0).toString().contains(QStringLiteral("1 changed since were left as they are")),
                 qPrintable(messages.last().at(0).toString()));
    }

    // Cancelled part-way: nothing of it is written (one transaction).
    void aCancelledEditWritesNothing()
    {
        QList<qint64> ids;
        const CampaignCatalog &catalog = panel()->model()->catalog();
        for (qsizetype i = 0; i < catalog.size(); ++i)
            ids.append(catalog.id(i));
        BulkEdit edit;
        edit.action = BulkEdit::Action::Deactivate;
        bool cancelled = false;
        const auto result = BulkEditor(store()).apply(edit, ids, [](qint64 done, qint64) { return done < 2; }, &cancelled);
        QVERIFY(result.ok());
        QVERIFY(cancelled);
        for (const char *code : {"spotify", "duolingo", "subwaysurfer"})
            QCOMPARE(stored(QLatin1String(code)).campaign.status, kStatusActive);
    }

    // More campaigns than one read batch, named twice over: each is edited once, and the
    // undo puts every one back. An id no campaign has fails the whole edit, naming it.
    void manyCampaignsInBatchesEachOnce()
    {
        QList<CampaignWithRules> many;
        for (int n = 0; n < 1200; ++n) {
            CampaignWithRules c;
            c.campaign.code = QStringLiteral("batch-%1").arg(n);
            c.campaign.name = c.campaign.code;
            c.campaign.image = QStringLiteral("https://cdn.example/batch.png");
            c.campaign.cta = QStringLiteral("Open");
            c.rules.append(TargetRule{});
            c.rules.last().dimension = Dimension::Os;
            c.rules.last().values = {QStringLiteral("Android")};
            many.append(c);
        }
        const auto inserted = store().insertMany(many);
        QVERIFY2(inserted.ok(), qPrintable(inserted.message));
        QList<qint64> ids;
        QHash<QString, qint64> idOf;
        for (const CampaignWithRules &c : store().targeting().value) {
            if (c.campaign.code.startsWith(QLatin1String("batch-"))) {
                ids.append(c.campaign.id);
                idOf.insert(c.campaign.code, c.campaign.id);
            }
        }
        QCOMPARE(ids.size(), 1200);
        const auto rulesOf = [&](const QString &code) { return store().campaign(idOf.value(code)).value.rules; };
        BulkEdit exclude;
        exclude.action = BulkEdit::Action::AddValue;
        exclude.dimension = Dimension::Country;
        exclude.ruleType = RuleType::Exclude;
        exclude.value = QStringLiteral("FR");

        const auto missing = BulkEditor(store()).apply(exclude, ids + QList<qint64>{ids.last() + 1000});
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error, StoreError::NotFound);
        QVERIFY(missing.message.contains(QString::number(ids.last() + 1000)));
        QCOMPARE(rulesOf(QStringLiteral("batch-1199")).size(), 1); // nothing written

        const auto applied = BulkEditor(store()).apply(exclude, ids + ids.mid(0, 700));
        QVERIFY(applied.ok());
        QCOMPARE(applied.value.before.size(), 1200);
        for (const QString &code : {QStringLiteral("batch-0"), QStringLiteral("batch-499"), QStringLiteral("batch-500"),
                                    QStringLiteral("batch-1199")}) {
            const QList<TargetRule> rules = rulesOf(code);
            QCOMPARE(rules.size(), 2);
            QCOMPARE(rules.last().values, QStringList{QStringLiteral("FR")});
        }
        const auto undone = BulkEditor(store()).undo(applied.value);
        QVERIFY(undone.ok());
        QCOMPARE(undone.value.restored, 1200);
        QCOMPARE(rulesOf(QStringLiteral("batch-500")).size(), 1);
        QCOMPARE(rulesOf(QStringLiteral("batch-1199")).size(), 1);
    }
};

QTEST_MAIN(TestBulkEdit)
#include "tst_gui_bulkedit.moc"
