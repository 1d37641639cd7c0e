// The studio as a desktop application: the editor's habits (messages in reserved lines, Save
// focusing the first field to fix, its undo over a text box's own, a modified marker), the
// menus and their standard keys, About and the user guide, the theme, and what the window
// remembers from one run to the next. Offscreen, on a SQLite store of the test's own.
#include "StudioFixture.h"

#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "campaigns/ServingTimesEditor.h"
#include "common/BackgroundJob.h"
#include "common/Theme.h"
#include "mainwindow/AboutDialog.h"
#include "mainwindow/UserGuide.h"
#include "simulator/SimulatorPanel.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

using namespace adserve;
using namespace adserve::test;

class TestDesktop : public QObject
{
    Q_OBJECT

    std::unique_ptr<StudioFixture> studio_;

    MainWindow &window() { return studio_->window(); }
    CampaignEditor *editor() { return window().campaigns()->editor(); }
    template<typename T = QLineEdit>
    T *field(const QString &name) { return editor()->findChild<T *>(name); }
    // A key as the user presses it: to the widget with the focus, the window active.
    void press(int key, Qt::KeyboardModifiers modifiers = {})
    {
        QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : &window();
        QTest::keyClick(target, Qt::Key(key), modifiers);
    }
    void typeInto(const QString &name, const QString &text)
    {
        QVERIFY(studio_->type(editor(), name, text));
    }
    QString sqliteVersion()
    {
        QString version;
        {
            auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("version"));
            db.setDatabaseName(studio_->sqlitePath());
            if (db.open()) {
                QSqlQuery query(QStringLiteral("SELECT sqlite_version()"), db);
                if (query.next())
                    version = query.value(0).toString();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("version"));
        return version;
    }

private Q_SLOTS:
    void init()
    {
        studio_ = std::make_unique<StudioFixture>();
        QString error;
        QVERIFY2(studio_->open({}, &error), qPrintable(error));
        QApplication::setActiveWindow(&window());
        QVERIFY(QTest::qWaitForWindowActive(&window()));
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
    }
    void cleanup()
    {
        Theme::apply(Theme::Mode::System);
        studio_.reset();
    }

    // A message appearing or going away moves no field: each has its line reserved.
    void messagesDoNotMoveTheFields()
    {
        const auto positions = [this] {
            QList<QPoint> at;
            for (const char *name : {"name", "image", "cta", "status", "save"})
                at.append(editor()->findChild<QWidget *>(QLatin1String(name))->mapTo(editor(), QPoint()));
            return at;
        };
        const QList<QPoint> before = positions();
        typeInto(QStringLiteral("code"), QString()); // a code is required
        typeInto(QStringLiteral("image"), QStringLiteral("not a url"));
        QVERIFY(!editor()->fieldError(QStringLiteral("code")).isEmpty());
        QVERIFY(!editor()->fieldError(QStringLiteral("image")).isEmpty());
        QTest::qWait(50); // the layouts settle
        QCOMPARE(positions(), before);
        // A long message is cut to the line, and whole in the tooltip.
        auto *codeError = editor()->findChild<QLabel *>(QStringLiteral("codeError"));
        QCOMPARE(codeError->height(), codeError->fontMetrics().height());
        typeInto(QStringLiteral("code"), QStringLiteral("spotify"));
        typeInto(QStringLiteral("image"), QStringLiteral("https://example.com/a.png"));
        QVERIFY(editor()->fieldError(QStringLiteral("code")).isEmpty());
        QTest::qWait(50);
        QCOMPARE(positions(), before);
    }

    // Save (Ctrl+S) with messages puts the focus on the first field to fix, its tab shown.
    void saveWithErrorsFocusesTheFirstOne()
    {
        typeInto(QStringLiteral("image"), QStringLiteral("not a url"));
        field(QStringLiteral("cta"))->setFocus();
        press(Qt::Key_S, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget(), field(QStringLiteral("image")));
        QVERIFY(editor()->isDirty()); // nothing saved

        // Only the flight is wrong: the serving tab comes up with the focus in its end.
        typeInto(QStringLiteral("image"), QStringLiteral("https://example.com/a.png"));
        auto *serving = field<ServingTimesEditor>(QStringLiteral("servingTimes"));
        ServingFields wrong = serving->fields();
        wrong.flightStart = QDateTime::currentDateTimeUtc().addDays(2);
        wrong.flightEnd = QDateTime::currentDateTimeUtc().addDays(1);
        serving->setFields(wrong);
        Q_EMIT serving->edited(-1);
        QVERIFY(!editor()->fieldError(QStringLiteral("flightEnd")).isEmpty());
        field(QStringLiteral("name"))->setFocus();
        press(Qt::Key_S, Qt::ControlModifier);
        auto *tabs = field<QTabWidget>(QStringLiteral("editorTabs"));
        QTRY_VERIFY(tabs->currentWidget()->isAncestorOf(serving));
        QVERIFY(QApplication::focusWidget() && serving->isAncestorOf(QApplication::focusWidget()));
    }

    // Ctrl+Z / Ctrl+Shift+Z are the editor's undo and redo, whichever box has the focus,
    // and in the table beside it as well.
    void undoIsTheEditorsWhereverTheFocusIs()
    {
        const QString name = field(QStringLiteral("name"))->text();
        typeInto(QStringLiteral("name"), QStringLiteral("Renamed"));
        typeInto(QStringLiteral("cta"), QStringLiteral("Go"));
        // Focus in the CTA box: its own undo would touch only its text.
        press(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(field(QStringLiteral("cta"))->text(), editor()->original().campaign.cta);
        QCOMPARE(field(QStringLiteral("name"))->text(), QStringLiteral("Renamed"));
        window().campaigns()->table()->setFocus();
        press(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(field(QStringLiteral("name"))->text(), name);
        QVERIFY(!editor()->isDirty());
        field(QStringLiteral("code"))->setFocus();
        press(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(field(QStringLiteral("name"))->text(), QStringLiteral("Renamed"));
        auto *undo = window().findChild<QAction *>(QStringLiteral("undoEdit"));
        QVERIFY(undo && undo->isEnabled());
    }

    // The header and the window's title say there are unsaved edits, until saved.
    void modifiedMarker()
    {
        QCOMPARE(window().windowTitle(), QStringLiteral("spotify[*] — adserve studio"));
        QVERIFY(!window().isWindowModified());
        auto *title = editor()->findChildren<QLabel *>().first();
        QVERIFY(!title->text().contains(QLatin1String("modified")));
        typeInto(QStringLiteral("name"), QStringLiteral("Spotify Premium"));
        QVERIFY(window().isWindowModified());
        QVERIFY(title->text().contains(QLatin1String("modified")));
        typeInto(QStringLiteral("code"), QStringLiteral("spotify-premium")); // the title follows the code as typed
        QCOMPARE(window().windowTitle(), QStringLiteral("spotify-premium[*] — adserve studio"));
        QVERIFY(studio_->trigger(QStringLiteral("saveCampaign")));
        QVERIFY(!window().isWindowModified());
        QVERIFY(!title->text().contains(QLatin1String("modified")));
    }

    // New, duplicate, delete, find and the panels, on their standard keys.
    void standardShortcuts()
    {
        window().campaigns()->table()->setFocus();
        press(Qt::Key_D, Qt::ControlModifier);
        QCOMPARE(field(QStringLiteral("code"))->text(), QStringLiteral("spotify-copy"));
        QVERIFY(editor()->isDirty());
        // Revert goes back to the copy as made, still unsaved (not a copy of the copy).
        typeInto(QStringLiteral("name"), QStringLiteral("Other"));
        editor()->findChild<QPushButton *>(QStringLiteral("revert"))->click();
        QCOMPARE(field(QStringLiteral("code"))->text(), QStringLiteral("spotify-copy"));
        QVERIFY(editor()->isDirty());
        editor()->clear(); // the copy dropped

        press(Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(window().tabs()->currentWidget(), window().simulator());
        press(Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("simCountry"));
        press(Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(window().tabs()->currentWidget(), window().campaigns());
        press(Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("filter"));

        // Delete in a text box deletes text; in the table, the selected campaign (after asking).
        QLineEdit *filter = window().campaigns()->findChild<QLineEdit *>(QStringLiteral("filter"));
        QTest::keyClicks(filter, QStringLiteral("ab"));
        filter->setCursorPosition(0);
        press(Qt::Key_Delete);
        QCOMPARE(filter->text(), QStringLiteral("b"));
        filter->clear();
        QVERIFY(studio_->waitForCampaigns());
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        const qint64 spotify = studio_->campaignId(QStringLiteral("spotify"));
        window().campaigns()->table()->setFocus();
        StudioFixture::answerNextDialog([](QWidget *dialog) {
            if (auto *box = qobject_cast<QMessageBox *>(dialog))
                box->button(QMessageBox::Yes)->click();
        });
        press(Qt::Key_Delete);
        QTRY_VERIFY_WITH_TIMEOUT(studio_->session().engine().store().campaign(spotify).error == StoreError::NotFound, 10000);
        QApplication::setActiveWindow(&window()); // back from the question

        press(Qt::Key_N, Qt::ControlModifier);
        QVERIFY(editor()->hasCampaign());
        QCOMPARE(editor()->campaignId(), 0);
        QCOMPARE(QApplication::focusWidget(), field(QStringLiteral("code")));
    }

    // Help: About gives the versions, the store's as the store reports it; the guide reads offline.
    void aboutAndUserGuide()
    {
        AboutDialog about(studio_->session(), &window());
        QVERIFY(about.job()->waitForFinished());
        const QString versions = about.versionsText();
        QVERIFY2(versions.contains(QStringLiteral("Qt: %1").arg(QString::fromLatin1(qVersion()))), qPrintable(versions));
        QVERIFY2(versions.contains(QStringLiteral("adserve: " ADSERVE_VERSION)), qPrintable(versions));
        QVERIFY2(versions.contains(QRegularExpression(QStringLiteral("hiredis: \\d+\\.\\d+\\.\\d+"))), qPrintable(versions));
        const QString sqlite = sqliteVersion();
        QVERIFY(!sqlite.isEmpty());
        QVERIFY2(versions.contains(QStringLiteral("Store: SQLite %1").arg(sqlite)), qPrintable(versions));
        QVERIFY2(versions.contains(QLatin1String("Cache: in-memory")), qPrintable(versions));

        press(Qt::Key_F1);
        auto *guide = window().findChild<UserGuide *>();
        QVERIFY(guide && guide->isVisible());
        const QString text = guide->browser()->toPlainText();
        QVERIFY(text.contains(QLatin1String("QA mode")));
        // The screenshots are inside the studio too.
        QVERIFY(!guide->browser()->document()->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("docs/screenshots/campaigns.png"))).isNull());
    }

    // The theme switches live and is remembered; message colours follow it.
    void darkTheme()
    {
        typeInto(QStringLiteral("image"), QStringLiteral("not a url"));
        auto *imageError = editor()->findChild<QLabel *>(QStringLiteral("imageError"));
        const QString lightStyle = imageError->styleSheet();
        QVERIFY(studio_->trigger(QStringLiteral("theme_dark")));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 128);
        QVERIFY(imageError->styleSheet() != lightStyle);
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("dark"));
        QVERIFY(studio_->trigger(QStringLiteral("theme_system")));
        QCOMPARE(imageError->styleSheet(), lightStyle);
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("system"));
    }

    // Window size, panel, columns, sort, Simulator inputs and the server's port come back
    // in the next run.
    void layoutAndInputsAreRemembered()
    {
        window().resize(1111, 777);
        QTableView *table = window().campaigns()->table();
        table->sortByColumn(CampaignTableModel::Code, Qt::DescendingOrder);
        table->setColumnWidth(CampaignTableModel::Code, 211);
        SimulatorPanel *simulator = window().simulator();
        QVERIFY(studio_->type(simulator, QStringLiteral("simCountry"), QStringLiteral("DE")));
        QVERIFY(studio_->type(simulator, QStringLiteral("simApp"), QStringLiteral("com.spotify.music")));
        window().findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(18123);
        window().tabs()->setCurrentWidget(simulator);
        const QSize size = window().size();
        QVERIFY(window().close());

        MainWindow next(studio_->session());
        QCOMPARE(next.size(), size);
        QCOMPARE(next.tabs()->currentWidget(), next.simulator());
        QHeaderView *header = next.campaigns()->table()->horizontalHeader();
        QCOMPARE(header->sortIndicatorSection(), int(CampaignTableModel::Code));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(header->sectionSize(CampaignTableModel::Code), 211);
        QCOMPARE(next.simulator()->findChild<QLineEdit *>(QStringLiteral("simCountry"))->text(), QStringLiteral("DE"));
        QCOMPARE(next.simulator()->findChild<QLineEdit *>(QStringLiteral("simApp"))->text(), QStringLiteral("com.spotify.music"));
        QCOMPARE(next.findChild<QSpinBox *>(QStringLiteral("serverPort"))->value(), 18123);
        // And the rows are sorted that way once loaded.
        next.campaigns()->reload();
        QTRY_VERIFY(!next.campaigns()->isLoading() && !next.campaigns()->model()->isArranging());
        const auto *model = next.campaigns()->model();
        QVERIFY(model->rowCount() >= 3);
        QVERIFY(model->at(0).campaign.code > model->at(model->rowCount() - 1).campaign.code);
    }
};

QTEST_MAIN(TestDesktop)
#include "tst_gui_desktop.moc"
