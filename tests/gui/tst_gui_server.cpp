// The server panel: Start and Stop really open and close the port; the live log shows
// what was served; a load run reports throughput and latencies.
#include "StudioFixture.h"

#include "server/LoadRun.h"
#include "server/ServerPanel.h"

#include <QLabel>
#include <QSpinBox>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

namespace {

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(2000);
}

} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT
    StudioFixture studio_;

    ServerPanel *panel() { return studio_.window().server(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(studio_.open({}, &error), qPrintable(error));
        studio_.window().tabs()->setCurrentWidget(panel());
    }

    void startAndStopOpenAndCloseThePort()
    {
        QVERIFY(studio_.type(panel(), QStringLiteral("serverAddress"), QStringLiteral("127.0.0.1")));
        panel()->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(0); // any free port
        QVERIFY(studio_.click(QStringLiteral("startServer")));
        QVERIFY2(studio_.session().server().isRunning(), qPrintable(panel()->stateText()));
        const quint16 port = studio_.session().server().port();
        QVERIFY(port != 0);
        QVERIFY(panel()->stateText().contains(QString::number(port)));
        QVERIFY(studio_.window().statusText().contains(QString::number(port)));
        QVERIFY(portAccepts(port));

        QVERIFY(studio_.click(QStringLiteral("stopServer")));
        QVERIFY(!studio_.session().server().isRunning());
        QVERIFY(panel()->stateText().contains(QLatin1String("stopped")));
        QVERIFY(!portAccepts(port));

        // And again, on the same port.
        panel()->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(port);
        QVERIFY(studio_.click(QStringLiteral("startServer")));
        QVERIFY(portAccepts(port));
    }

    void aTakenPortIsAClearError()
    {
        QVERIFY(studio_.session().server().isRunning());
        const quint16 taken = studio_.session().server().port();
        QVERIFY(studio_.click(QStringLiteral("stopServer")));
        QTcpServer other;
        QVERIFY(other.listen(QHostAddress::LocalHost, taken));
        panel()->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(taken);
        QVERIFY(studio_.click(QStringLiteral("startServer")));
        QVERIFY(!studio_.session().server().isRunning());
        QVERIFY2(panel()->stateText().contains(QLatin1String("not started")), qPrintable(panel()->stateText()));
        other.close();
        QVERIFY(studio_.click(QStringLiteral("startServer")));
        QVERIFY(studio_.session().server().isRunning());
    }

    void requestLogShowsServedRequests()
    {
        const QString url = studio_.session().server().url()
                            + QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android");
        const auto [status, body] = StudioFixture::httpGet(url);
        QCOMPARE(status, 200);
        QTableWidget *log = panel()->requestLog();
        QTRY_VERIFY_WITH_TIMEOUT(log->rowCount() > 0, 5000);
        QVERIFY(log->item(0, 1)->text().contains(QLatin1String("/v1/delivery?app=com.gametion.ludokinggame")));
        QCOMPARE(log->item(0, 2)->text(), QStringLiteral("200"));
        QCOMPARE(log->item(0, 3)->text(), QStringLiteral("2"));
    }

    void loadRun()
    {
        panel()->findChild<QSpinBox *>(QStringLiteral("loadRequests"))->setValue(400);
        panel()->findChild<QSpinBox *>(QStringLiteral("loadConcurrency"))->setValue(8);
        QVERIFY(studio_.click(QStringLiteral("runLoad")));
        QVERIFY(panel()->loadRun()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!panel()->loadRun()->isRunning(), 60000);
        const LoadRun::Result &result = panel()->loadRun()->result();
        QCOMPARE(result.requests, 400);
        QCOMPARE(result.failures, 0);
        QVERIFY(result.throughput() > 0);
        QVERIFY(result.percentile(50) <= result.percentile(99));
        QVERIFY(panel()->findChild<QLabel *>(QStringLiteral("loadResult"))->text().contains(QLatin1String("requests/s")));
    }

    void cancelALoadRun()
    {
        panel()->findChild<QSpinBox *>(QStringLiteral("loadRequests"))->setValue(1'000'000);
        QVERIFY(studio_.click(QStringLiteral("runLoad")));
        QTest::qWait(200);
        QVERIFY(studio_.click(QStringLiteral("cancelLoad")));
        QVERIFY(!panel()->loadRun()->isRunning());
        QVERIFY(panel()->loadRun()->result().cancelled);
        QVERIFY(panel()->loadRun()->result().requests < 1'000'000);
    }
};

QTEST_MAIN(TestServerPanel)
#include "tst_gui_server.moc"
