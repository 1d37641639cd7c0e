// The campaign generator in the studio, driven through its dialog and the campaigns panel's
// tools, on SQLite and on PostgreSQL: the dialog names the store and takes a seed, and into
// PostgreSQL it asks first, naming the database; the same seed generates the same campaigns;
// Cancel leaves nothing written; "Remove generated" takes every generated campaign back and
// the table follows; the message counts the campaigns generated as deleted apart; the job's
// progress lasts until the table shows the result.
#include "StudioFixture.h"

#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "store/CampaignGenerator.h"

#include <QAction>
#include <QDialog>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestGenerator : public StudioTestCase
{
    Q_OBJECT

private:
    CampaignsPanel *panel() { return studio_->window().campaigns(); }
    CampaignStore &store() { return studio_->session().engine().store(); }
    bool onPostgres() { return store().target().isPostgres(); }

    // What the user saw of one run of the dialog.
    struct DialogRun
    {
        QString target;       // the store it named
        int prefilledSeed = -1;
        QString confirmation; // the PostgreSQL question (empty: none was asked)
        bool stillOpen = false; // the dialog stayed open after the question was declined
    };

    // Opens the generator's dialog from the toolbar, types `count` and `seed` and clicks
    // Generate; the PostgreSQL question, if asked, is answered with `confirm` (declined: the
    // dialog is then cancelled too).
    DialogRun generateThroughDialog(int count, int seed, bool confirm = true)
    {
        auto run = std::make_shared<DialogRun>();
        StudioFixture::answerNextDialog([run, count, seed, confirm](QWidget *dialog) {
            run->target = dialog->findChild<QLabel *>(QStringLiteral("generateTarget"))->text();
            auto *seedBox = dialog->findChild<QSpinBox *>(QStringLiteral("generateSeed"));
            run->prefilledSeed = seedBox->value();
            dialog->findChild<QSpinBox *>(QStringLiteral("generateCount"))->setValue(count);
            seedBox->setValue(seed);
            if (const QString path = qEnvironmentVariable("ADSERVE_GENERATOR_SCREENSHOT"); !path.isEmpty())
                dialog->grab().save(path);
            // Whatever asks next, before the dialog has closed.
            StudioFixture::answerNextDialog([run, confirm](QWidget *asked) {
                auto *box = qobject_cast<QMessageBox *>(asked);
                if (!box || box->objectName() != QLatin1String("confirmPostgresDialog"))
                    return;
                run->confirmation = box->text() + u'\n' + box->informativeText();
                if (confirm) {
                    QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("confirmPostgres")), Qt::LeftButton);
                    return;
                }
                StudioFixture::answerNextDialog([run](QWidget *again) {
                    run->stillOpen = again->objectName() == QLatin1String("generateDialog");
                    qobject_cast<QDialog *>(again)->reject();
                });
                box->button(QMessageBox::Cancel)->click();
            }, 20);
            QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("generate")), Qt::LeftButton);
        });
        studio_->trigger(QStringLiteral("generateCampaigns"));
        return *run;
    }

    // The generated campaigns of `seed` in the store, deleted ones too: code and name.
    QStringList generated(quint64 seed)
    {
        QStringList result;
        for (const Campaign &c : store().campaigns(true).value) {
            if (c.code.startsWith(QStringLiteral("gen-%1-").arg(seed)))
                result.append(c.code + u' ' + c.name + (c.deleted ? QStringLiteral(" (deleted)") : QString()));
        }
        return result;
    }

    // How many rows of the campaigns table are generated campaigns.
    int generatedRowsShown()
    {
        int rows = 0;
        CampaignTableModel *model = panel()->model();
        for (int row = 0; row < model->rowCount(); ++row)
            rows += model->index(row, CampaignTableModel::Code).data().toString().startsWith(QLatin1String("gen-"));
        return rows;
    }

private Q_SLOTS:
    // The dialog names the store; into PostgreSQL it asks first, naming the database, and
    // only there. The message counts those generated as deleted apart, and the job lasts
    // until the table shows them.
    void dialogNamesTheStoreAndAsksBeforePostgres()
    {
        QSignalSpy messages(panel(), &CampaignsPanel::message);
        QSignalSpy phases(panel()->job(), &BackgroundJob::started);
        const DialogRun run = generateThroughDialog(400, 424242);
        QCOMPARE(run.target, store().describe());
        QVERIFY(run.target.startsWith(onPostgres() ? QLatin1String("PostgreSQL ") : QLatin1String("SQLite ")));
        QVERIFY(run.prefilledSeed > 0);
        if (onPostgres()) {
            const DatabaseTarget &target = store().target();
            QVERIFY2(run.confirmation.contains(QStringLiteral("\"%1\"").arg(target.database)), qPrintable(run.confirmation));
            QVERIFY2(run.confirmation.contains(QStringLiteral("%1:%2").arg(target.host).arg(target.port)),
                     qPrintable(run.confirmation));
            QVERIFY(run.confirmation.contains(QLatin1String("400 synthetic campaigns")));
        } else {
            QCOMPARE(run.confirmation, QString());
        }
        QVERIFY(panel()->job()->waitForFinished(60000));
        // The table's load was part of the job: done when the job is.
        QCOMPARE(phases.size(), 2);
        QCOMPARE(phases.at(0).at(0).toString(), QStringLiteral("Generating 400 campaigns"));
        QCOMPARE(phases.at(1).at(0).toString(), QStringLiteral("Loading the table"));
        QVERIFY(!panel()->loader()->isRunning());

        const auto counted = CampaignGenerator::countGenerated(store(), 424242);
        QCOMPARE(counted.value.total(), 400);
        QVERIFY(counted.value.deleted > 0);
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(generatedRowsShown(), int(counted.value.live));
        const QLocale locale;
        QCOMPARE(messages.last().at(0).toString(), QStringLiteral("400 generated (seed 424242): %1 shown, %2 generated as deleted")
                                                       .arg(locale.toString(counted.value.live), locale.toString(counted.value.deleted)));
    }

    void decliningPostgresWritesNothing()
    {
        if (!onPostgres())
            QSKIP("only PostgreSQL asks");
        const DialogRun run = generateThroughDialog(50, 31, false);
        QVERIFY(!run.confirmation.isEmpty());
        QVERIFY(run.stillOpen); // back to the dialog, to change the count or cancel
        QVERIFY(!panel()->job()->isRunning());
        QCOMPARE(CampaignGenerator::countGenerated(store()).value.total(), 0);
    }

    // The same seed gives the same campaigns, once "Remove generated" has taken them back.
    void theSameSeedGeneratesTheSameCampaigns()
    {
        generateThroughDialog(300, 77);
        QVERIFY(panel()->job()->waitForFinished(60000));
        const QStringList first = generated(77);
        QCOMPARE(first.size(), 300);
        QCOMPARE(first.first().section(u' ', 0, 0), QStringLiteral("gen-77-1"));

        StudioFixture::acceptNextDialog(QStringLiteral("confirmRemoveGenerated"));
        QVERIFY(studio_->trigger(QStringLiteral("removeGeneratedCampaigns")));
        QVERIFY(panel()->job()->waitForFinished(60000));
        QCOMPARE(generated(77), QStringList());

        generateThroughDialog(300, 77);
        QVERIFY(panel()->job()->waitForFinished(60000));
        QCOMPARE(generated(77), first);
    }

    // Cancel rolls the whole run back: no campaign of it in the store or the table.
    void cancelLeavesNothingWritten()
    {
        QSignalSpy messages(panel(), &CampaignsPanel::message);
        QSignalSpy phases(panel()->job(), &BackgroundJob::started);
        const int rowsBefore = panel()->model()->rowCount();
        panel()->startGenerate(2'000'000, 11);
        auto *bar = panel()->findChild<QWidget *>(QStringLiteral("jobProgress"))->findChild<QProgressBar *>();
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible() && bar->value() > 0, 30000); // campaigns are being written
        QVERIFY(studio_->click(QStringLiteral("cancelJob"), panel()));
        QVERIFY(panel()->job()->waitForFinished(60000));
        QCOMPARE(phases.size(), 1); // nothing to load
        QCOMPARE(messages.last().at(0).toString(), QStringLiteral("Generation cancelled: nothing was written"));
        QCOMPARE(CampaignGenerator::countGenerated(store()).value.total(), 0);
        QCOMPARE(store().campaigns(true).value.size(), rowsBefore);
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(panel()->model()->rowCount(), rowsBefore);
        QCOMPARE(generatedRowsShown(), 0);
    }

    // "Remove generated" says how many it will remove, of every seed, and takes them all
    // back (the ones generated as deleted too); the table follows; other campaigns stay.
    void removeGeneratedTakesThemAllBack()
    {
        panel()->startGenerate(1200, 5);
        QVERIFY(panel()->job()->waitForFinished(60000));
        panel()->startGenerate(30, 6);
        QVERIFY(panel()->job()->waitForFinished(60000));
        QVERIFY(studio_->waitForCampaigns());
        const CodeCount before = CampaignGenerator::countGenerated(store()).value;
        QCOMPARE(before.total(), 1230);
        QCOMPARE(generatedRowsShown(), int(before.live));

        // Declined: nothing goes.
        StudioFixture::answerNextDialog([](QWidget *box) { qobject_cast<QMessageBox *>(box)->button(QMessageBox::Cancel)->click(); });
        QVERIFY(studio_->trigger(QStringLiteral("removeGeneratedCampaigns")));
        QVERIFY(panel()->job()->waitForFinished(60000));
        QCOMPARE(CampaignGenerator::countGenerated(store()).value.total(), 1230);

        QSignalSpy messages(panel(), &CampaignsPanel::message);
        QString asked;
        StudioFixture::answerNextDialog([&asked](QWidget *dialog) {
            auto *box = qobject_cast<QMessageBox *>(dialog);
            asked = box->text() + u'\n' + box->informativeText();
            QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("confirmRemoveGenerated")), Qt::LeftButton);
        });
        QVERIFY(studio_->trigger(QStringLiteral("removeGeneratedCampaigns")));
        QVERIFY(panel()->job()->waitForFinished(60000));
        const QLocale locale;
        QVERIFY2(asked.contains(QStringLiteral("Remove all %1 generated campaigns from %2?").arg(locale.toString(1230), store().describe())),
                 qPrintable(asked));
        QVERIFY2(asked.contains(QStringLiteral("%1 shown in the table and %2 generated as deleted")
                                    .arg(locale.toString(before.live), locale.toString(before.deleted))),
                 qPrintable(asked));
        QVERIFY(!panel()->loader()->isRunning()); // the table's load was part of the job
        QCOMPARE(messages.last().at(0).toString(), QStringLiteral("%1 generated campaigns removed").arg(locale.toString(1230)));
        QCOMPARE(CampaignGenerator::countGenerated(store()).value.total(), 0);
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(generatedRowsShown(), 0);
        QCOMPARE(panel()->model()->rowCount(), 3); // the samples
        QVERIFY(studio_->campaignId(QStringLiteral("spotify")));
    }
};

QTEST_MAIN(TestGenerator)
#include "tst_gui_generator.moc"
