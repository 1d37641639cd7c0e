// The server panel: Start and Stop really open and close the port; the live log shows
// what was served (coloured, filtered, paused, cleared, bounded, a load run as one entry, the
// request and answer in full, replayed, copied as curl, opened in the Simulator); a load run
// reports throughput and latencies.
#include "StudioFixture.h"

#include "common/BackgroundJob.h"
#include "server/LoadRun.h"
#include "server/RequestDetails.h"
#include "server/RequestLogFilter.h"
#include "server/RequestLogModel.h"
#include "server/RequestLogView.h"
#include "server/ServerPanel.h"
#include "simulator/SimulatorPanel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEventLoop>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTreeView>

#include <cmath>

using namespace adserve;
using namespace adserve::test;

namespace {

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(2000);
}

// Sends a request with headers to the embedded server; its status.
int send(const QString &url, const QList<QPair<QByteArray, QByteArray>> &headers = {}, const QByteArray &method = "GET")
{
    QNetworkAccessManager manager;
    QNetworkRequest request{QUrl(url)};
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = manager.sendCustomRequest(request, method);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// The text of a top-level row of the log as shown (through the filter).
QString shown(RequestLogView *log, int row, int column)
{
    return log->tree()->model()->index(row, column).data().toString();
}

double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT
    StudioFixture studio_;

    ServerPanel *panel() { return studio_.window().server(); }
    RequestLogView *log() { return panel()->requestLog(); }
    QString url(const QString &target) { return studio_.session().server().url() + target; }

    // Makes the log show what the server recorded, and waits until it has `rows` top-level rows.
    bool waitForRows(int rows)
    {
        return QTest::qWaitFor([&] {
            log()->flush();
            return log()->model()->rowCount() >= rows;
        }, 5000);
    }
    // Selects the top-level row (as shown) whose request line contains `text`.
    bool select(const QString &text)
    {
        QAbstractItemModel *shownModel = log()->tree()->model();
        for (int row = 0; row < shownModel->rowCount(); ++row) {
            if (shownModel->index(row, RequestLogModel::RequestColumn).data().toString().contains(text)) {
                log()->tree()->setCurrentIndex(shownModel->index(row, 0));
                return true;
            }
        }
        return false;
    }

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
        const auto [status, body] = StudioFixture::httpGet(url(QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android")));
        QCOMPARE(status, 200);
        QVERIFY(waitForRows(1));
        QVERIFY(shown(log(), 0, RequestLogModel::RequestColumn).contains(QLatin1String("/v1/delivery?app=com.gametion.ludokinggame")));
        QCOMPARE(shown(log(), 0, RequestLogModel::StatusColumn), QStringLiteral("200"));
        QCOMPARE(shown(log(), 0, RequestLogModel::CampaignsColumn), QStringLiteral("2"));
        QVERIFY(shown(log(), 0, RequestLogModel::ServerTimeColumn).endsWith(QLatin1String(" ms")));
        // Which time is which is said on the columns.
        const QAbstractItemModel *model = log()->model();
        QCOMPARE(model->headerData(RequestLogModel::ServerTimeColumn, Qt::Horizontal).toString(), QStringLiteral("Server time"));
        QCOMPARE(model->headerData(RequestLogModel::ClientTimeColumn, Qt::Horizontal).toString(), QStringLiteral("Client time"));
        QVERIFY(model->headerData(RequestLogModel::ServerTimeColumn, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QLatin1String("inside the server")));
        QVERIFY(model->headerData(RequestLogModel::ClientTimeColumn, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QLatin1String("round trip")));
    }

    // 2xx, 3xx, 4xx and 5xx in four colours, each readable on a light and on a dark base; the
    // log's rows take them from its own palette.
    void statusesAreColouredByClass()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=a&country=US&os=Android"))), 200);
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?country=US&os=Android"))), 400);
        QVERIFY(waitForRows(2));
        const QPalette light = log()->palette();
        QPalette dark = light;
        dark.setColor(QPalette::Base, QColor(0x2b2b2b));
        dark.setColor(QPalette::Text, QColor(0xe0e0e0));
        for (const QPalette &palette : {light, dark}) {
            QSet<QRgb> colours;
            for (int statusClass : {2, 3, 4, 5}) {
                const QColor colour = RequestLogModel::statusColour(statusClass, palette);
                colours.insert(colour.rgb());
                QVERIFY2(contrast(colour, palette.color(QPalette::Base)) >= 4.5, qPrintable(colour.name()));
            }
            QCOMPARE(colours.size(), 4);
            log()->setPalette(palette);
            const QAbstractItemModel *model = log()->tree()->model();
            QCOMPARE(model->index(0, RequestLogModel::StatusColumn).data().toString(), QStringLiteral("400"));
            QCOMPARE(model->index(0, RequestLogModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>(),
                     RequestLogModel::statusColour(4, palette));
            QCOMPARE(model->index(1, RequestLogModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>(),
                     RequestLogModel::statusColour(2, palette));
            // Only the status is coloured: the rest of the row is the palette's text.
            QVERIFY(!model->index(0, RequestLogModel::RequestColumn).data(Qt::ForegroundRole).isValid());
        }
        log()->setPalette(QPalette());
    }

    void filterHidesAndShows()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=filter.one&country=US&os=Android"))), 200);
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=filter.two&country=US&os=Android"))), 200);
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?country=US"))), 400);
        QCOMPARE(send(url(QStringLiteral("/healthz"))), 200);
        QVERIFY(waitForRows(4));
        QAbstractItemModel *shownModel = log()->tree()->model();

        QVERIFY(studio_.type(log(), QStringLiteral("logFilter"), QStringLiteral("FILTER.TWO")));
        QCOMPARE(shownModel->rowCount(), 1);
        QVERIFY(shown(log(), 0, RequestLogModel::RequestColumn).contains(QLatin1String("app=filter.two")));
        QVERIFY(studio_.type(log(), QStringLiteral("logFilter"), QStringLiteral("GET /v1/delivery")));
        QCOMPARE(shownModel->rowCount(), 3);

        auto *statusClass = log()->findChild<QComboBox *>(QStringLiteral("logStatusClass"));
        statusClass->setCurrentIndex(statusClass->findData(RequestLogFilter::ClientError));
        QCOMPARE(shownModel->rowCount(), 1);
        QCOMPARE(shown(log(), 0, RequestLogModel::StatusColumn), QStringLiteral("400"));
        QVERIFY(studio_.type(log(), QStringLiteral("logFilter"), QString()));
        statusClass->setCurrentIndex(statusClass->findData(RequestLogFilter::Success));
        QCOMPARE(shownModel->rowCount(), 3);
        statusClass->setCurrentIndex(0);
        QCOMPARE(shownModel->rowCount(), 4);
    }

    void pauseHoldsNewRequestsAndResumeShowsThemInOrder()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QVERIFY(studio_.click(QStringLiteral("logPause")));
        QVERIFY(log()->isPaused());
        for (const char *app : {"paused.1", "paused.2", "paused.3"})
            QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=%1&country=US&os=Android").arg(QLatin1String(app)))), 200);
        QTRY_COMPARE_WITH_TIMEOUT((log()->flush(), log()->heldCount()), qint64(3), 5000);
        QCOMPARE(log()->model()->rowCount(), 0);
        auto *held = log()->findChild<QLabel *>(QStringLiteral("logHeld"));
        QVERIFY(held->isVisible());
        QCOMPARE(held->text(), QStringLiteral("3 new while paused"));

        QVERIFY(studio_.click(QStringLiteral("logPause"))); // Resume
        QVERIFY(!log()->isPaused());
        QCOMPARE(log()->heldCount(), 0);
        QVERIFY(!held->isVisible());
        QCOMPARE(log()->model()->rowCount(), 3);
        for (int row = 0; row < 3; ++row) // newest first: in the order they were answered
            QVERIFY(shown(log(), row, RequestLogModel::RequestColumn).contains(QStringLiteral("app=paused.%1").arg(3 - row)));
    }

    void clearEmptiesTheLog()
    {
        QCOMPARE(send(url(QStringLiteral("/healthz"))), 200);
        QVERIFY(waitForRows(1));
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QCOMPARE(log()->model()->rowCount(), 0);
        QCOMPARE(log()->model()->entryCount(), 0);
        QCOMPARE(log()->model()->heldBytes(), 0);
        QCOMPARE(log()->findChild<QLabel *>(QStringLiteral("logCount"))->text(), QStringLiteral("0 entries"));
    }

    // The detail pane: the request with its headers (the secret hidden), the answer with its body.
    void detailShowsTheRequestAndTheResponse()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android")),
                      {{"X-Test-Trace", "trace-42"}, {"Authorization", "Bearer s3cret-token"}}),
                 200);
        QVERIFY(waitForRows(1));
        QVERIFY(select(QStringLiteral("ludokinggame")));
        const QString detail = log()->detailText();
        QVERIFY2(detail.startsWith(QStringLiteral("GET %1/v1/delivery?app=com.gametion.ludokinggame").arg(studio_.session().server().url())),
                 qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("X-Test-Trace: trace-42")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("Authorization: Bearer ••••••")), qPrintable(detail));
        QVERIFY(!detail.contains(QLatin1String("s3cret")));
        QVERIFY2(detail.contains(QLatin1String("HTTP 200 OK")), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("Content-Type: application/json")), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("\"cid\"")), qPrintable(detail)); // the body, as JSON
    }

    // A body past the bound is kept to its first 64 KB and said to be cut.
    void aBigBodyIsCutWithANote()
    {
        RequestRecord record;
        record.method = "GET";
        record.target = QStringLiteral("/big");
        record.status = 200;
        record.responseBody = QByteArray(RequestRecord::kMaxBody, 'x');
        record.responseBytes = 100'000;
        const QString text = RequestDetails::text(record, QStringLiteral("http://127.0.0.1:1"));
        QVERIFY2(text.contains(QStringLiteral("[body cut: the first %1 of %2 bytes are shown]")
                                   .arg(QLocale().toString(RequestRecord::kMaxBody), QLocale().toString(100'000))),
                 qPrintable(text.right(200)));
    }

    void replaySendsTheRequestAgain()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=replay.me&country=US&os=Android")), {{"X-Test-Trace", "replayed"}}), 200);
        QVERIFY(waitForRows(1));
        QVERIFY(select(QStringLiteral("replay.me")));
        QVERIFY(studio_.click(QStringLiteral("logReplay")));
        QVERIFY(waitForRows(2));
        QCOMPARE(shown(log(), 0, RequestLogModel::RequestColumn), shown(log(), 1, RequestLogModel::RequestColumn));
        QCOMPARE(shown(log(), 0, RequestLogModel::StatusColumn), QStringLiteral("200"));
        const RequestRecord *replayed = log()->model()->record(log()->model()->index(0, 0));
        QCOMPARE(RequestDetails::header(replayed->requestHeaders, "x-test-trace"), QByteArray("replayed"));
        QTRY_VERIFY(log()->confirmationText().contains(QLatin1String("HTTP 200")));
    }

    // The copied line runs as is and gets the same answer; the copy is confirmed beside the button.
    void copyAsCurlGivesAWorkingCommand()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        const QString target = QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android");
        QCOMPARE(send(url(target), {{"X-Test-Trace", "it's curl"}, {"Authorization", "Bearer s3cret-token"}}), 200);
        QVERIFY(waitForRows(1));
        QVERIFY(select(QStringLiteral("ludokinggame")));
        QVERIFY(studio_.click(QStringLiteral("logCopyCurl")));
        const QString command = QApplication::clipboard()->text();
        QVERIFY2(command.startsWith(QStringLiteral("curl -i '%1'").arg(url(target))), qPrintable(command));
        QVERIFY2(!command.contains(QLatin1String("s3cret")), qPrintable(command));
        QVERIFY2(log()->confirmationText().contains(QLatin1String("Copied, without Authorization")), qPrintable(log()->confirmationText()));
        QCOMPARE(studio_.window().statusBar()->currentMessage(),
                 QStringLiteral("Copied, without Authorization: the curl command is on the clipboard"));

        QProcess curl;
        curl.start(QStringLiteral("bash"), {QStringLiteral("-c"), command});
        QVERIFY(curl.waitForFinished(10000));
        QCOMPARE(curl.exitCode(), 0);
        const QByteArray output = curl.readAllStandardOutput();
        QVERIFY2(output.startsWith("HTTP/1.1 200"), output.constData());
        QVERIFY(output.contains(log()->model()->record(log()->model()->index(0, 0))->responseBody));
        // The server saw curl's request, with the header as it was.
        QVERIFY(waitForRows(2));
        const RequestRecord *fromCurl = log()->model()->record(log()->model()->index(0, 0));
        QCOMPARE(RequestDetails::header(fromCurl->requestHeaders, "X-Test-Trace"), QByteArray("it's curl"));
    }

    void openInSimulatorFillsItsInputsAndRuns()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        const int status = send(url(QStringLiteral("/api/v1/delivery?country=DE&os=iOS&app=com.example.news")));
        QVERIFY(status == 200 || status == 204);
        QCOMPARE(send(url(QStringLiteral("/healthz"))), 200);
        QVERIFY(waitForRows(2));
        QVERIFY(select(QStringLiteral("/healthz")));
        QVERIFY(!log()->findChild<QPushButton *>(QStringLiteral("logOpenInSimulator"))->isEnabled()); // not a delivery
        QVERIFY(select(QStringLiteral("com.example.news")));
        QVERIFY(studio_.click(QStringLiteral("logOpenInSimulator")));
        SimulatorPanel *simulator = studio_.window().simulator();
        QCOMPARE(studio_.window().tabs()->currentWidget(), simulator);
        QCOMPARE(simulator->request().country, QStringLiteral("DE"));
        QCOMPARE(simulator->request().os, QStringLiteral("iOS"));
        QCOMPARE(simulator->request().app, QStringLiteral("com.example.news"));
        QCOMPARE(simulator->request().path, QStringLiteral("/api/v1/delivery"));
        QVERIFY(simulator->job()->waitForFinished(60000));
        QCOMPARE(simulator->responseStatus(), status);
        studio_.window().tabs()->setCurrentWidget(panel());
    }

    void theLogIsBounded()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        const RequestLogModel::Limits saved = log()->model()->limits();
        log()->model()->setLimits({20, saved.maxBytes});
        for (int i = 0; i < 30; ++i)
            QCOMPARE(send(url(QStringLiteral("/v1/delivery?app=bound.%1&country=US&os=Android").arg(i))), 200);
        QTRY_VERIFY_WITH_TIMEOUT((log()->flush(), shown(log(), 0, RequestLogModel::RequestColumn).contains(QLatin1String("app=bound.29&"))), 5000);
        QCOMPARE(log()->model()->entryCount(), 20);
        QCOMPARE(log()->model()->rowCount(), 20);
        QVERIFY(shown(log(), 19, RequestLogModel::RequestColumn).contains(QLatin1String("app=bound.10&"))); // the oldest went
        // Bytes bound the log too.
        log()->model()->setLimits({20, 5 * 1024});
        QVERIFY(log()->model()->heldBytes() <= 5 * 1024);
        QVERIFY(log()->model()->rowCount() < 20);
        log()->model()->setLimits(saved);
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
        QVERIFY(panel()->findChild<QLabel *>(QStringLiteral("loadResult"))->text().contains(QLatin1String("client time")));
    }

    // 200 requests of a load run are one entry, with its requests as children and a summary.
    void aLoadRunIsOneCollapsibleEntry()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        QCOMPARE(send(url(QStringLiteral("/healthz"))), 200);
        QVERIFY(waitForRows(1));
        panel()->findChild<QSpinBox *>(QStringLiteral("loadRequests"))->setValue(200);
        QVERIFY(studio_.click(QStringLiteral("runLoad")));
        QTRY_VERIFY_WITH_TIMEOUT(!panel()->loadRun()->isRunning(), 60000);
        QCOMPARE(panel()->loadRun()->result().requests, 200);
        QCOMPARE(send(url(QStringLiteral("/readyz"))), 200); // served after the run: a row of its own
        QVERIFY(waitForRows(3));
        QTRY_COMPARE_WITH_TIMEOUT((log()->flush(), log()->model()->entryCount()), qint64(3 + 200), 5000);

        QAbstractItemModel *shownModel = log()->tree()->model();
        QCOMPARE(shownModel->rowCount(), 3);
        const QModelIndex run = shownModel->index(1, 0);
        QVERIFY(log()->model()->isLoadRun(log()->filter()->mapToSource(run)));
        QCOMPARE(shownModel->rowCount(run), 200);
        QVERIFY(!log()->tree()->isExpanded(run));
        log()->tree()->expand(run);
        QVERIFY(log()->tree()->isExpanded(run));
        QVERIFY(shownModel->index(0, RequestLogModel::RequestColumn, run).data().toString().startsWith(QLatin1String("GET /v1/delivery?")));
        QCOMPARE(shown(log(), 1, RequestLogModel::RequestColumn).left(29), QStringLiteral("Load run: 200 requests · /v1/"));
        QCOMPARE(shown(log(), 1, RequestLogModel::StatusColumn), QStringLiteral("200 ×200"));
        QVERIFY(shown(log(), 1, RequestLogModel::ServerTimeColumn).startsWith(QLatin1String("p50 ")));
        QVERIFY(shown(log(), 1, RequestLogModel::ClientTimeColumn).startsWith(QLatin1String("p50 ")));
        // Its detail is the summary, each time named for what measured it.
        log()->tree()->setCurrentIndex(run);
        QVERIFY2(log()->detailText().contains(QLatin1String("Server time (in the server")), qPrintable(log()->detailText()));
        QVERIFY(log()->detailText().contains(QLatin1String("Client time (round trip")));
        // The filter shows the run through its requests.
        auto *statusClass = log()->findChild<QComboBox *>(QStringLiteral("logStatusClass"));
        statusClass->setCurrentIndex(statusClass->findData(RequestLogFilter::ServerError));
        QCOMPARE(shownModel->rowCount(), 0);
        statusClass->setCurrentIndex(statusClass->findData(RequestLogFilter::Success));
        QCOMPARE(shownModel->rowCount(), 3);
        QCOMPARE(shownModel->rowCount(shownModel->index(1, 0)), 200);
        statusClass->setCurrentIndex(0);
    }

    // A run longer than the log keeps its newest requests and its counts of all.
    void aLongLoadRunStaysBounded()
    {
        QVERIFY(studio_.click(QStringLiteral("logClear")));
        const RequestLogModel::Limits saved = log()->model()->limits();
        log()->model()->setLimits({50, saved.maxBytes});
        panel()->findChild<QSpinBox *>(QStringLiteral("loadRequests"))->setValue(300);
        QVERIFY(studio_.click(QStringLiteral("runLoad")));
        QTRY_VERIFY_WITH_TIMEOUT(!panel()->loadRun()->isRunning(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT((log()->flush(), shown(log(), 0, RequestLogModel::StatusColumn) == QStringLiteral("200 ×300")), 5000);
        QCOMPARE(log()->model()->entryCount(), 50);
        QCOMPARE(log()->model()->rowCount(log()->model()->index(0, 0)), 49);
        log()->model()->setLimits(saved);
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
