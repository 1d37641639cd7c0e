// The studio's QA panel over its embedded server: a scenario written in the editor, made active
// in the picker, and its effect seen by a client over HTTP and in the journal view.
#include "QaTestServer.h"

#include "server/QaPanel.h"
#include "server/ScenarioEditor.h"
#include "session/StudioSession.h"

#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

#include <QJsonArray>

using namespace adserve;

class QaPanelTest : public QObject
{
    Q_OBJECT
private slots:
    void scenarioFromTheEditorServes();
    void offWithoutQa();

private:
    static std::optional<Config> config(const QTemporaryDir &dir, bool qa);
};

std::optional<Config> QaPanelTest::config(const QTemporaryDir &dir, bool qa)
{
    QString error;
    auto built = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), dir.filePath(QStringLiteral("a.sqlite"))},
                                       {QStringLiteral("ADSERVE_QA"), qa ? QStringLiteral("true") : QStringLiteral("false")},
                                       {QStringLiteral("QA_DIR"), dir.filePath(QStringLiteral("qa"))}},
                                      &error);
    if (!built)
        qWarning("%s", qPrintable(error));
    return built;
}

void QaPanelTest::scenarioFromTheEditorServes()
{
    QTemporaryDir dir;
    StudioSession session;
    QString error;
    QVERIFY2(session.open(*config(dir, true), &error), qPrintable(error));
    QVERIFY2(session.startServer(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QaPanel panel(session);
    panel.show();

    auto *name = panel.findChild<QLineEdit *>(QStringLiteral("qaScenarioName"));
    auto *save = panel.findChild<QPushButton *>(QStringLiteral("qaSaveScenario"));
    auto *active = panel.findChild<QComboBox *>(QStringLiteral("qaActive"));
    ScenarioEditor *editor = panel.editor();
    QVERIFY(name && save && active && editor);

    // A mistake in the JSON view is said, nothing is saved.
    name->setText(QStringLiteral("gui-nofill"));
    QVERIFY(editor->showTable(false));
    editor->json()->setPlainText(QStringLiteral(R"({"rules":[{"answer":{"noFil":true}}]})"));
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY2(panel.messageText().contains(QLatin1String("unknown field \"noFil\"")), qPrintable(panel.messageText()));
    QVERIFY(!session.qa()->scenarios().find(QStringLiteral("gui-nofill")));
    QVERIFY(editor->showTable(true)); // the rule made in JSON shows as a row
    QCOMPARE(editor->rules()->rowCount(), 1);

    // Built in the rules table: one rule, no fill on deliveries, after 50 ms.
    editor->rules()->removeRow(0);
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("qaAddRule")), Qt::LeftButton);
    QCOMPARE(editor->rules()->rowCount(), 1);
    editor->rules()->item(0, ScenarioEditor::Name)->setText(QStringLiteral("all"));
    qobject_cast<QComboBox *>(editor->rules()->cellWidget(0, ScenarioEditor::Answer))->setCurrentText(QStringLiteral("no fill"));
    qobject_cast<QComboBox *>(editor->rules()->cellWidget(0, ScenarioEditor::Latency))->setCurrentText(QStringLiteral("fixed"));
    editor->rules()->item(0, ScenarioEditor::LatencyA)->setText(QStringLiteral("50"));
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY2(panel.messageText().contains(QLatin1String("added")), qPrintable(panel.messageText()));
    const auto saved = session.qa()->scenarios().find(QStringLiteral("gui-nofill"));
    QVERIFY(saved);
    QCOMPARE(saved->rules.size(), 1);
    QCOMPARE(saved->rules[0].path->text(), QStringLiteral("*/delivery"));
    QVERIFY(saved->rules[0].noFill);
    QCOMPARE(saved->rules[0].latency.a, 50.0);

    // The JSON view shows what the table holds.
    QVERIFY(editor->showTable(false));
    QVERIFY(editor->json()->toPlainText().contains(QLatin1String("\"fixedMs\": 50")));

    const QString ludo = QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");
    QCOMPARE(rawGet(session.server().port(), ludo).status(), 200); // not active yet
    const int index = active->findData(QStringLiteral("gui-nofill"));
    QVERIFY(index > 0);
    active->setCurrentIndex(index);
    Q_EMIT active->activated(index);
    const RawAnswer answer = rawGet(session.server().port(), ludo);
    QCOMPARE(answer.status(), 204);
    QVERIFY2(answer.firstByteMs >= 50, qPrintable(QString::number(answer.firstByteMs)));
    QCOMPARE(answer.header("X-Adserve-Qa"), QByteArray("gui-nofill"));

    // The journal view shows it, newest first, with its detail.
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("qaRefreshJournal")), Qt::LeftButton);
    auto *journal = panel.findChild<QTableWidget *>(QStringLiteral("qaJournal"));
    QCOMPARE(journal->rowCount(), 2);
    QCOMPARE(journal->item(0, 2)->text(), QStringLiteral("gui-nofill"));
    QCOMPARE(journal->item(0, 3)->text(), QStringLiteral("all"));
    QCOMPARE(journal->item(0, 4)->text(), QStringLiteral("204"));
    journal->setCurrentCell(0, 0);
    QVERIFY(panel.findChild<QPlainTextEdit *>(QStringLiteral("qaJournalDetail"))->toPlainText().contains(QLatin1String("\"gui-nofill\"")));

    const QString har = dir.filePath(QStringLiteral("session.har"));
    QVERIFY(panel.exportJournal(har, true));
    QFile file(har);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject log = QJsonDocument::fromJson(file.readAll())[QLatin1String("log")].toObject();
    QCOMPARE(log[QLatin1String("version")].toString(), QStringLiteral("1.2"));
    QCOMPARE(log[QLatin1String("entries")].toArray().size(), 2);

    // The HAR replayed: the same two requests again, through the active scenario.
    QVERIFY2(panel.replayHar(har), qPrintable(panel.messageText()));
    QTRY_COMPARE_WITH_TIMEOUT(session.qa()->journal().entries(), 4, 10000);
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("qaRefreshJournal")), Qt::LeftButton);
    QCOMPARE(journal->rowCount(), 4);
    QCOMPARE(journal->item(0, 4)->text(), QStringLiteral("204"));
    QVERIFY(panel.grab().save(dir.filePath(QStringLiteral("qa-panel.png"))));
}

void QaPanelTest::offWithoutQa()
{
    QTemporaryDir dir;
    StudioSession session;
    QString error;
    QVERIFY2(session.open(*config(dir, false), &error), qPrintable(error));
    QaPanel panel(session);
    QVERIFY(!session.qa());
    QVERIFY(!panel.findChild<QComboBox *>(QStringLiteral("qaActive"))->isEnabled());
    bool saysHow = false;
    for (const QLabel *label : panel.findChildren<QLabel *>())
        saysHow |= label->text().contains(QLatin1String("--qa"));
    QVERIFY(saysHow);
}

QTEST_MAIN(QaPanelTest)
#include "tst_gui_qa.moc"
