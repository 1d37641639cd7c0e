// The day-parting grid driven with the mouse and the keyboard, offscreen: a drag paints (or
// clears) the rectangle it covers as one change, the headers toggle a day, an hour or all,
// Space toggles the focus cell; setHours and a read-only grid change nothing the user did.
#include "campaigns/DayPartingGrid.h"

#include <QApplication>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using namespace adserve;

namespace {

// Days first..last (Monday 0), hours first..last inclusive.
WeekHours span(int firstDay, int lastDay, int firstHour, int lastHour)
{
    WeekHours hours;
    for (int day = firstDay; day <= lastDay; ++day) {
        for (int hour = firstHour; hour <= lastHour; ++hour)
            hours.set(size_t(day * 24 + hour));
    }
    return hours;
}

} // namespace

class TestDayPartingGrid : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DayPartingGrid> grid_;
    std::unique_ptr<QSignalSpy> changes_;

    // QTest::mouseMove does not carry the held button offscreen in Qt 6: send the event.
    void dragTo(const QPoint &pos)
    {
        QMouseEvent move(QEvent::MouseMove, pos, grid_->mapToGlobal(pos), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(grid_.get(), &move);
    }

    void drag(const QPoint &from, const QPoint &to)
    {
        QTest::mousePress(grid_.get(), Qt::LeftButton, {}, from);
        dragTo(to);
        QTest::mouseRelease(grid_.get(), Qt::LeftButton, {}, to);
    }

    QPoint cellCentre(int day, int hour) const { return grid_->cellRect(day, hour).center(); }

private Q_SLOTS:
    void init()
    {
        grid_ = std::make_unique<DayPartingGrid>();
        grid_->resize(grid_->sizeHint());
        grid_->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid_.get()));
        changes_ = std::make_unique<QSignalSpy>(grid_.get(), &DayPartingGrid::hoursChanged);
    }

    void cleanup()
    {
        changes_.reset();
        grid_.reset();
    }

    void dragPaintsTheRectangleOnRelease_data()
    {
        QTest::addColumn<WeekHours>("before");
        QTest::addColumn<QPoint>("from"); // (day, hour)
        QTest::addColumn<QPoint>("to");
        QTest::addColumn<QString>("after");

        QTest::newRow("Mon 09 to Fri 17 turns on") << WeekHours() << QPoint(0, 9) << QPoint(4, 17) << "Mon–Fri 09–18";
        QTest::newRow("backwards, Fri 17 to Mon 09") << WeekHours() << QPoint(4, 17) << QPoint(0, 9) << "Mon–Fri 09–18";
        QTest::newRow("a click is a one-cell drag") << WeekHours() << QPoint(1, 14) << QPoint(1, 14) << "Tue 14–15";
        QTest::newRow("starting on a selected cell clears")
            << span(0, 4, 9, 17) << QPoint(1, 12) << QPoint(3, 13) << "Mon 09–18, Tue–Thu 09–12, 14–18, Fri 09–18";
        QTest::newRow("starting on an off cell fills the gaps")
            << span(0, 0, 10, 11) << QPoint(0, 9) << QPoint(1, 12) << "Mon–Tue 09–13";
    }

    void dragPaintsTheRectangleOnRelease()
    {
        QFETCH(WeekHours, before);
        QFETCH(QPoint, from);
        QFETCH(QPoint, to);
        QFETCH(QString, after);
        grid_->setHours(before);

        QTest::mousePress(grid_.get(), Qt::LeftButton, {}, cellCentre(from.x(), from.y()));
        dragTo(cellCentre(to.x(), to.y()));
        // Only previewed while the button is down.
        QCOMPARE(grid_->hours(), before);
        QCOMPARE(changes_->count(), 0);
        QTest::mouseRelease(grid_.get(), Qt::LeftButton, {}, cellCentre(to.x(), to.y()));

        QCOMPARE(describeWeekHours(grid_->hours()), after);
        QCOMPARE(changes_->count(), 1);
        QCOMPARE(changes_->at(0).at(0).value<WeekHours>(), grid_->hours());
    }

    void dragPastTheEdgeStopsAtTheLastCell()
    {
        drag(cellCentre(5, 20), QPoint(grid_->width() + 50, grid_->height() + 50));
        QCOMPARE(describeWeekHours(grid_->hours()), QStringLiteral("Sat–Sun 20–24"));
        QCOMPARE(changes_->count(), 1);
    }

    void escapeCancelsADrag()
    {
        QTest::mousePress(grid_.get(), Qt::LeftButton, {}, cellCentre(0, 9));
        dragTo(cellCentre(4, 17));
        QTest::keyClick(grid_.get(), Qt::Key_Escape);
        QTest::mouseRelease(grid_.get(), Qt::LeftButton, {}, cellCentre(4, 17));
        QVERIFY(grid_->hours().none());
        QCOMPARE(changes_->count(), 0);
    }

    void headerClickToggles_data()
    {
        QTest::addColumn<WeekHours>("before");
        QTest::addColumn<int>("day"); // -1 with an hour: that hour's header; both -1: the corner
        QTest::addColumn<int>("hour");
        QTest::addColumn<QString>("after");

        QTest::newRow("day header turns a day on") << WeekHours() << 2 << -1 << "Wed 00–24";
        QTest::newRow("day header fills a partly served day") << span(0, 0, 9, 17) << 0 << -1 << "Mon 00–24";
        QTest::newRow("day header turns a full day off") << (span(0, 0, 9, 17) | span(2, 2, 0, 23)) << 2 << -1 << "Mon 09–18";
        QTest::newRow("hour header turns an hour on every day") << WeekHours() << -1 << 14 << "Mon–Sun 14–15";
        QTest::newRow("hour header turns it off") << span(0, 6, 14, 15) << -1 << 14 << "Mon–Sun 15–16";
        QTest::newRow("corner turns every hour on") << span(0, 0, 9, 17) << -1 << -1 << "every hour";
        QTest::newRow("corner turns every hour off") << WeekHours().set() << -1 << -1 << "no hour";
    }

    void headerClickToggles()
    {
        QFETCH(WeekHours, before);
        QFETCH(int, day);
        QFETCH(int, hour);
        QFETCH(QString, after);
        grid_->setHours(before);

        const QRect header = day >= 0 ? grid_->dayHeaderRect(day) : hour >= 0 ? grid_->hourHeaderRect(hour) : grid_->cornerRect();
        QTest::mouseClick(grid_.get(), Qt::LeftButton, {}, header.center());

        QCOMPARE(describeWeekHours(grid_->hours()), after);
        QCOMPARE(changes_->count(), 1);
    }

    void spaceTogglesTheFocusCell()
    {
        grid_->setFocus();
        for (int i = 0; i < 14; ++i)
            QTest::keyClick(grid_.get(), Qt::Key_Right);
        QTest::keyClick(grid_.get(), Qt::Key_Down);
        QTest::keyClick(grid_.get(), Qt::Key_Space);
        QCOMPARE(describeWeekHours(grid_->hours()), QStringLiteral("Tue 14–15"));
        QCOMPARE(changes_->count(), 1);

        QTest::keyClick(grid_.get(), Qt::Key_Space);
        QVERIFY(grid_->hours().none());
        QCOMPARE(changes_->count(), 2);
    }

    void arrowsStopAtTheEdge()
    {
        QTest::keyClick(grid_.get(), Qt::Key_Up);
        QTest::keyClick(grid_.get(), Qt::Key_Left);
        QTest::keyClick(grid_.get(), Qt::Key_Space);
        QCOMPARE(describeWeekHours(grid_->hours()), QStringLiteral("Mon 00–01"));
    }

    void tooltipSaysWhetherTheHourServes()
    {
        grid_->setHours(span(1, 1, 14, 14));
        for (const auto &[hour, text] : {std::pair(14, "Tue 14:00–15:00: serves"), std::pair(15, "Tue 15:00–16:00: does not serve")}) {
            const QPoint pos = cellCentre(1, hour);
            QHelpEvent help(QEvent::ToolTip, pos, grid_->mapToGlobal(pos));
            QApplication::sendEvent(grid_.get(), &help);
            QCOMPARE(QToolTip::text(), QString::fromUtf8(text));
        }
    }

    void setHoursDoesNotEmit()
    {
        grid_->setHours(span(0, 4, 9, 17) | span(5, 5, 10, 13));
        QCOMPARE(describeWeekHours(grid_->hours()), QStringLiteral("Mon–Fri 09–18, Sat 10–14"));
        QCOMPARE(changes_->count(), 0);
        QCOMPARE(grid_->accessibleName(), QStringLiteral("Day-parting hours"));
    }

    void readOnlyIgnoresTheUser()
    {
        const WeekHours before = span(0, 4, 9, 17);
        grid_->setHours(before);
        grid_->setReadOnly(true);

        drag(cellCentre(0, 0), cellCentre(6, 23));
        QTest::mouseClick(grid_.get(), Qt::LeftButton, {}, grid_->dayHeaderRect(5).center());
        QTest::mouseClick(grid_.get(), Qt::LeftButton, {}, grid_->hourHeaderRect(3).center());
        QTest::mouseClick(grid_.get(), Qt::LeftButton, {}, grid_->cornerRect().center());
        QTest::keyClick(grid_.get(), Qt::Key_Space);

        QCOMPARE(grid_->hours(), before);
        QCOMPARE(changes_->count(), 0);
    }
};

QTEST_MAIN(TestDayPartingGrid)
#include "tst_gui_daypartinggrid.moc"
