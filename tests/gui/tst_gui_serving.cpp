// Priority, flight and day-parting in the studio: saved as edited, undone step by step,
// their messages at the fields, the line saying when the campaign serves, the Serving tab
// fitting the editor, and the table's serving columns. Runs on SQLite and on PostgreSQL.
#include "StudioFixture.h"

#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "campaigns/DayPartingGrid.h"
#include "campaigns/ServingTimesEditor.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimeZone>

using namespace adserve;
using namespace adserve::test;

class TestServingInTheStudio : public StudioTestCase
{
    Q_OBJECT

private:
    // Clicks the editor's Serving tab.
    static ServingTimesEditor *showServingTab(CampaignEditor *editor)
    {
        QTabBar *bar = editor->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->tabBar();
        QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
        return editor->findChild<ServingTimesEditor *>(QStringLiteral("servingTimes"));
    }

    // Ticks the flight bound `name` ("flightStart", "flightEnd") if it is not, and sets its
    // local time as the calendar popup does.
    static bool setFlightBound(ServingTimesEditor *serving, const QString &name, const QDateTime &local)
    {
        auto *edit = serving->findChild<QDateTimeEdit *>(name);
        auto *box = serving->findChild<QCheckBox *>(QStringLiteral("has") + name.at(0).toUpper() + name.mid(1));
        if (!edit || !box)
            return false;
        if (!box->isChecked())
            QTest::mouseClick(box, Qt::LeftButton);
        edit->setDateTime(local);
        return box->isChecked();
    }

    // Types the day-parting zone.
    static bool chooseTimeZone(ServingTimesEditor *serving, const QString &zone)
    {
        auto *combo = serving->findChild<QComboBox *>(QStringLiteral("timeZone"));
        if (!combo || !combo->isEnabled())
            return false;
        combo->lineEdit()->setFocus();
        combo->lineEdit()->selectAll();
        QTest::keyClicks(combo->lineEdit(), zone);
        combo->completer()->popup()->hide();
        return combo->currentText() == zone;
    }

    // Drags over the grid's cells from (day, hour) to (day, hour), Monday 0: one gesture.
    static void paint(DayPartingGrid *grid, int fromDay, int fromHour, int toDay, int toHour)
    {
        const QPoint from = grid->cellRect(fromDay, fromHour).center();
        const QPoint to = grid->cellRect(toDay, toHour).center();
        QTest::mousePress(grid, Qt::LeftButton, {}, from);
        // QTest::mouseMove does not carry the held button offscreen in Qt 6: send the event.
        QMouseEvent move(QEvent::MouseMove, to, grid->mapToGlobal(to), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(grid, &move);
        QTest::mouseRelease(grid, Qt::LeftButton, {}, to);
    }

    // Sets the TZ environment variable for one test, so local time is that zone's.
    class ScopedTimeZone
    {
    public:
        explicit ScopedTimeZone(const char *zone)
            : previous_(qgetenv("TZ")), had_(qEnvironmentVariableIsSet("TZ"))
        {
            qputenv("TZ", zone);
        }
        ~ScopedTimeZone()
        {
            if (had_)
                qputenv("TZ", previous_);
            else
                qunsetenv("TZ");
        }

    private:
        QByteArray previous_;
        bool had_;
    };


private Q_SLOTS:
    void servingTimesAreSavedAsEdited()
    {
        // Times are entered in local time and stored in UTC: a zone far from UTC shows it.
        const ScopedTimeZone kolkata("Asia/Kolkata"); // UTC+05:30, no daylight saving time
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        ServingTimesEditor *serving = showServingTab(editor);
        auto *priority = serving->findChild<QSpinBox *>(QStringLiteral("priority"));
        priority->selectAll();
        QTest::keyClicks(priority, QStringLiteral("3"));
        const QDate startDay = QDate::currentDate().addDays(10);
        QVERIFY(setFlightBound(serving, QStringLiteral("flightStart"), QDateTime(startDay, QTime(9, 0))));
        QVERIFY(setFlightBound(serving, QStringLiteral("flightEnd"), QDateTime(startDay.addDays(14), QTime(18, 0))));
        QTest::mouseClick(serving->findChild<QCheckBox *>(QStringLiteral("dayParting")), Qt::LeftButton);
        auto *grid = serving->findChild<DayPartingGrid *>(QStringLiteral("dayPartingGrid"));
        QCOMPARE(describeWeekHours(grid->hours()), QStringLiteral("Mon–Fri 09–18")); // office hours to start from
        paint(grid, 5, 10, 5, 13);
        QCOMPARE(serving->findChild<QLabel *>(QStringLiteral("dayPartingHours"))->text(),
                 QStringLiteral("Serves Mon–Fri 09–18, Sat 10–14"));
        QVERIFY(chooseTimeZone(serving, QStringLiteral("Europe/Berlin")));
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY2(!editor->isDirty(), qPrintable(editor->fieldError(QStringLiteral("general"))));

        const auto stored = studio_->session().engine().store().campaign(editor->campaignId());
        QVERIFY(stored.ok());
        const Campaign &c = stored.value.campaign;
        QCOMPARE(c.priority, 3);
        QCOMPARE(c.serving.flightStart, QDateTime(startDay, QTime(3, 30), Qt::UTC));
        QCOMPARE(c.serving.flightEnd, QDateTime(startDay.addDays(14), QTime(12, 30), Qt::UTC));
        QVERIFY(c.serving.dayParting);
        QCOMPARE(c.serving.dayParting->timeZone, QByteArrayLiteral("Europe/Berlin"));
        QCOMPARE(describeWeekHours(c.serving.dayParting->hours), QStringLiteral("Mon–Fri 09–18, Sat 10–14"));
        // The editor shows what was stored, in local time again.
        QCOMPARE(serving->findChild<QDateTimeEdit *>(QStringLiteral("flightStart"))->dateTime(),
                 QDateTime(startDay, QTime(9, 0)));
    }

    void undoStepsBackServingEdits()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        ServingTimesEditor *serving = showServingTab(editor);
        auto *priority = serving->findChild<QSpinBox *>(QStringLiteral("priority"));
        priority->selectAll();
        QTest::keyClicks(priority, QStringLiteral("12")); // typing is one step
        QTest::mouseClick(serving->findChild<QCheckBox *>(QStringLiteral("dayParting")), Qt::LeftButton);
        auto *grid = serving->findChild<DayPartingGrid *>(QStringLiteral("dayPartingGrid"));
        paint(grid, 0, 9, 4, 17); // clears the office hours again: one gesture
        QVERIFY(grid->hours().none());
        QVERIFY(!editor->fieldError(QStringLiteral("dayParting.hours")).isEmpty());

        QVERIFY(studio_->click(QStringLiteral("undo")));
        QCOMPARE(describeWeekHours(grid->hours()), QStringLiteral("Mon–Fri 09–18"));
        QVERIFY(editor->fieldError(QStringLiteral("dayParting.hours")).isEmpty());
        QVERIFY(studio_->click(QStringLiteral("undo")));
        QVERIFY(!editor->edited().campaign.serving.dayParting);
        QCOMPARE(priority->value(), 12);
        QVERIFY(studio_->click(QStringLiteral("undo")));
        QCOMPARE(priority->value(), 0);
        QVERIFY(!editor->isDirty());
        for (int i = 0; i < 3; ++i)
            QVERIFY(studio_->click(QStringLiteral("redo")));
        QCOMPARE(editor->edited().campaign.priority, 12);
        QVERIFY(grid->hours().none());
    }

    void servingErrorsAtTheFields()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        ServingTimesEditor *serving = showServingTab(editor);
        const QDateTime start(QDate::currentDate().addDays(3), QTime(12, 0));
        QVERIFY(setFlightBound(serving, QStringLiteral("flightStart"), start));
        QVERIFY(setFlightBound(serving, QStringLiteral("flightEnd"), start.addDays(-1)));
        QVERIFY2(editor->fieldError(QStringLiteral("flightEnd")).contains(QLatin1String("after the flight's start")),
                 qPrintable(editor->fieldError(QStringLiteral("flightEnd"))));
        QVERIFY(!editor->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->tabIcon(1).isNull());
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY(editor->isDirty()); // not saved
        const auto stored = studio_->session().engine().store().campaign(editor->campaignId());
        QVERIFY(stored.value.campaign.serving.isAlways());

        // An unknown zone is refused at the zone; unticking the end clears the flight's message.
        QTest::mouseClick(serving->findChild<QCheckBox *>(QStringLiteral("dayParting")), Qt::LeftButton);
        QVERIFY(chooseTimeZone(serving, QStringLiteral("Mars/Olympus_Mons")));
        QVERIFY(editor->fieldError(QStringLiteral("dayParting.timeZone")).contains(QLatin1String("Mars/Olympus_Mons")));
        QTest::mouseClick(serving->findChild<QCheckBox *>(QStringLiteral("hasFlightEnd")), Qt::LeftButton);
        QVERIFY(editor->fieldError(QStringLiteral("flightEnd")).isEmpty());
    }

    void servingLineSaysWhen()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        auto *line = editor->findChild<QLabel *>(QStringLiteral("servingStatus"));
        QCOMPARE(line->text(), QStringLiteral("Serving now")); // no flight, no day-parting

        ServingTimesEditor *serving = showServingTab(editor);
        QVERIFY(setFlightBound(serving, QStringLiteral("flightStart"),
                               QDateTime(QDate::currentDate().addDays(1), QTime(9, 0))));
        QCOMPARE(line->text(), QStringLiteral("Starts serving 09:00 tomorrow"));

        auto *status = editor->findChild<QComboBox *>(QStringLiteral("status"));
        status->setFocus();
        QTest::keyClick(status, Qt::Key_Down);
        QCOMPARE(editor->edited().campaign.status, kStatusInactive);
        QCOMPARE(line->text(), QStringLiteral("Inactive: never serves until activated"));
    }

    // The Serving tab at the editor's usual size, for a campaign with every serving field
    // set: nothing is cut off, and messages move nothing outside the tab. With
    // ADSERVE_EDITOR_SCREENSHOT set, the editor is saved there as a picture, to look at.
    void servingTabFitsTheEditor()
    {
        CampaignStore &store = studio_->session().engine().store();
        auto spotify = store.campaign(studio_->campaignId(QStringLiteral("spotify"))).value;
        spotify.campaign.priority = 3;
        spotify.campaign.serving.flightStart = QDateTime(QDate::currentDate().addDays(22), QTime(9, 0)).toUTC();
        spotify.campaign.serving.flightEnd = QDateTime(QDate::currentDate().addDays(60), QTime(18, 0)).toUTC();
        WeekHours office;
        for (int day = Qt::Monday; day <= Qt::Friday; ++day) {
            for (int hour = 9; hour < 18; ++hour)
                office.set(size_t(weekSlot(day, hour)));
        }
        spotify.campaign.serving.dayParting = DayParting{office, QByteArrayLiteral("Europe/Berlin")};
        QVERIFY(store.update(spotify).ok());
        CampaignTableModel *model = studio_->window().campaigns()->model();
        QTRY_COMPARE(model->at(model->rowOf(spotify.campaign.id)).campaign.priority, 3);
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        ServingTimesEditor *serving = showServingTab(editor);
        auto *grid = serving->findChild<DayPartingGrid *>(QStringLiteral("dayPartingGrid"));
        QCOMPARE(grid->hours(), office);
        QTRY_VERIFY(grid->isVisible());

        QVERIFY(editor->minimumSizeHint().height() <= editor->height());
        QVERIFY(grid->width() >= grid->minimumSizeHint().width());
        QVERIFY(grid->height() >= grid->minimumSizeHint().height());
        for (auto *edit : serving->findChildren<QDateTimeEdit *>())
            QVERIFY2(edit->width() >= edit->sizeHint().width(), qPrintable(edit->objectName()));
        if (const QString path = qEnvironmentVariable("ADSERVE_EDITOR_SCREENSHOT"); !path.isEmpty())
            QVERIFY(editor->grab().save(path));

        // Messages take rows of their own in the tab; the grid and the buttons stay as they are.
        auto *save = editor->findChild<QPushButton *>(QStringLiteral("save"));
        const QPoint saveAt = save->mapTo(editor, QPoint());
        const QSize gridSize = grid->size();
        QVERIFY(setFlightBound(serving, QStringLiteral("flightEnd"), QDateTime(QDate::currentDate(), QTime(8, 0))));
        QVERIFY(chooseTimeZone(serving, QStringLiteral("Europe/Nowhere")));
        paint(grid, 0, 9, 4, 17); // no hour: the message takes the description's place
        QVERIFY(!editor->fieldError(QStringLiteral("dayParting.hours")).isEmpty());
        QTest::qWait(50); // the layouts settle
        for (const QString &field : QStringList{"flightEnd", "dayParting.timeZone", "dayParting.hours"}) {
            auto *error = serving->findChild<QLabel *>(field + QStringLiteral("Error"));
            QVERIFY2(error->isVisible(), qPrintable(field));
            QVERIFY2(error->height() >= error->heightForWidth(error->width()), qPrintable(field)); // not cut off
        }
        QCOMPARE(grid->size(), gridSize);
        QCOMPARE(save->mapTo(editor, QPoint()), saveAt);
        QVERIFY(editor->minimumSizeHint().height() <= editor->height());
    }

    // A flight starting tomorrow: "Serving now" says it has not started, "Next change" says
    // when (local time); priority and next change sort by value, and a refresh of the serving
    // columns keeps the selection.
    void servingColumnsOfAFlightStartingTomorrow()
    {
        using Model = CampaignTableModel;
        CampaignStore &store = studio_->session().engine().store();
        const QDateTime tomorrow = QDateTime::currentDateTimeUtc().addDays(1);
        const QDateTime start(tomorrow.date(), QTime(tomorrow.time().hour(), 0), Qt::UTC);
        for (const auto &[code, priority] : {std::pair{QStringLiteral("spotify"), 10}, std::pair{QStringLiteral("duolingo"), 9}}) {
            auto campaign = store.campaign(studio_->campaignId(code)).value;
            campaign.campaign.priority = priority;
            if (code == QLatin1String("spotify"))
                campaign.campaign.serving.flightStart = start;
            QVERIFY(store.update(campaign).ok());
        }
        CampaignsPanel *panel = studio_->window().campaigns();
        Model *model = panel->model();
        const auto cell = [&](const QString &code, int column) {
            return model->index(model->rowOf(studio_->campaignId(code)), column).data().toString();
        };
        QTRY_COMPARE(cell(QStringLiteral("duolingo"), Model::Priority), QStringLiteral("9"));
        QCOMPARE(cell(QStringLiteral("spotify"), Model::Priority), QStringLiteral("10"));
        QCOMPARE(cell(QStringLiteral("spotify"), Model::ServingNow), QStringLiteral("Not started"));
        QCOMPARE(cell(QStringLiteral("spotify"), Model::NextChange), QLocale().toString(start.toLocalTime(), QLocale::ShortFormat));
        QCOMPARE(cell(QStringLiteral("duolingo"), Model::ServingNow), QStringLiteral("Yes"));
        QCOMPARE(cell(QStringLiteral("duolingo"), Model::NextChange), QString());

        QTableView *table = panel->table();
        const auto firstShown = [&] { return table->model()->index(0, Model::Code).data().toString(); };
        const auto sortBy = [&](int column, Qt::SortOrder order) {
            table->sortByColumn(column, order); // worked out in the background
            return QTest::qWaitFor([&] { return !model->isArranging(); });
        };
        QVERIFY(sortBy(Model::Priority, Qt::DescendingOrder));
        QCOMPARE(firstShown(), QStringLiteral("spotify")); // 10 before 9: numbers, not text
        QVERIFY(sortBy(Model::Priority, Qt::AscendingOrder));
        QCOMPARE(firstShown(), QStringLiteral("subwaysurfer"));
        QVERIFY(sortBy(Model::NextChange, Qt::AscendingOrder));
        QCOMPARE(firstShown(), QStringLiteral("spotify")); // "never" sorts last

        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        model->refreshServing(); // as at a boundary, or a minute on
        QCOMPARE(panel->selectedIds(), QList<qint64>{studio_->campaignId(QStringLiteral("duolingo"))});
        QCOMPARE(table->currentIndex().data().toString(), QStringLiteral("duolingo"));
    }
};

QTEST_MAIN(TestServingInTheStudio)
#include "tst_gui_serving.moc"
