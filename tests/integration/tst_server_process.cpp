// The `adserve` executable as a user runs it: help, configuration errors, serving,
// clean shutdown on SIGINT / SIGTERM, the data generator.
#include "LoopbackPort.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class ServerProcessTest : public QObject
{
    Q_OBJECT
private slots:
    void helpListsEverySetting();
    void version();
    void badConfigurationStopsWithOneLine_data();
    void badConfigurationStopsWithOneLine();
    void servesAndShutsDownCleanly_data();
    void servesAndShutsDownCleanly();
    void portInUseIsClearError();
    void envFileIsRead();
    void passwordOnTheCommandLineIsWarnedAbout();
    void generateFillsTheStore();

private:
    static QString binary() { return QCoreApplication::applicationDirPath() + QStringLiteral("/adserve"); }
    // The arguments that serve the SQLite file `db` on 127.0.0.1:`port`.
    static QStringList serveArgs(const QString &db, quint16 port)
    {
        return {QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)};
    }
    static QString localUrl(quint16 port, const QString &target)
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(target);
    }
    // Starts adserve and waits for its "listening on" line.
    bool startServer(QProcess &process, const QStringList &args);
    QByteArray fetch(const QString &url, int *status = nullptr);

    QTemporaryDir dir_;
    QNetworkAccessManager network_;
};

bool ServerProcessTest::startServer(QProcess &process, const QStringList &args)
{
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.setWorkingDirectory(dir_.path());
    process.start(binary(), args);
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000 && !out.contains("listening on")) {
        if (!process.waitForReadyRead(200) && process.state() == QProcess::NotRunning)
            break;
        out += process.readAllStandardOutput();
    }
    if (!out.contains("listening on"))
        qWarning("adserve did not start: %s %s", out.constData(), process.readAllStandardError().constData());
    return out.contains("listening on");
}

QByteArray ServerProcessTest::fetch(const QString &url, int *status)
{
    QNetworkReply *reply = network_.get(QNetworkRequest(QUrl(url)));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(5000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

void ServerProcessTest::helpListsEverySetting()
{
    QProcess p;
    p.start(binary(), {QStringLiteral("--help")});
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray help = p.readAllStandardOutput();
    for (const char *key : {"DATABASE_URL", "REDIS_URL", "REDIS_CLUSTER", "DELIVERY_CAMPAIGN_BATCH_SIZE", "ADSERVE_DB",
                            "ADSERVE_LISTEN", "ADSERVE_ADMIN_TOKEN", "--db", "--listen", "--redis-url", "generate"})
        QVERIFY2(help.contains(key), key);
}

void ServerProcessTest::version()
{
    QProcess p;
    p.start(binary(), {QStringLiteral("--version")});
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().startsWith("adserve "));
}

void ServerProcessTest::badConfigurationStopsWithOneLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("batch size 0") << QStringList{} << QStringList{"DELIVERY_CAMPAIGN_BATCH_SIZE=0"} << "DELIVERY_CAMPAIGN_BATCH_SIZE";
    QTest::newRow("batch size flag junk") << QStringList{"--batch-size", "lots"} << QStringList{} << "DELIVERY_CAMPAIGN_BATCH_SIZE";
    QTest::newRow("database url") << QStringList{} << QStringList{"DATABASE_URL=mysql://u@h/db"} << "DATABASE_URL";
    QTest::newRow("redis url") << QStringList{} << QStringList{"REDIS_URL=rediss://secret@h:1"} << "REDIS_URL";
    QTest::newRow("unknown flag") << QStringList{"--frobnicate"} << QStringList{} << "frobnicate";
    QTest::newRow("unknown command") << QStringList{"dance"} << QStringList{} << "dance";
    QTest::newRow("generate without count") << QStringList{"generate"} << QStringList{} << "--campaigns";
}

void ServerProcessTest::badConfigurationStopsWithOneLine()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, environment);
    QFETCH(QString, mentions);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : environment)
        env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    env.insert(QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("bad.sqlite")));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(dir_.path());
    p.start(binary(), args);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    const QByteArray err = p.readAllStandardError().trimmed();
    QVERIFY2(err.contains(mentions.toUtf8()), err.constData());
    QCOMPARE(err.count('\n'), 0);
    QVERIFY2(!err.contains("secret"), err.constData());
}

void ServerProcessTest::servesAndShutsDownCleanly_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void ServerProcessTest::servesAndShutsDownCleanly()
{
    QFETCH(int, signalNumber);
    const quint16 port = adserve::test::unusedLoopbackPort();
    QProcess server;
    QVERIFY(startServer(server, serveArgs(dir_.filePath(QStringLiteral("serve.sqlite")), port)));
    int status = 0;
    const QByteArray body = fetch(localUrl(port, QStringLiteral("/v1/delivery?app=com.abc.xyz&country=germany&os=android")), &status);
    QCOMPARE(status, 200);
    QCOMPARE(body, QByteArray("[{\"cid\":\"duolingo\",\"img\":\"https://somelink2\",\"cta\":\"Install\"}]"));
    ::kill(pid_t(server.processId()), signalNumber);
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(!probe.waitForConnected(500));
}

void ServerProcessTest::portInUseIsClearError()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    QProcess p;
    p.setWorkingDirectory(dir_.path());
    p.start(binary(), serveArgs(dir_.filePath(QStringLiteral("port.sqlite")), taken.serverPort()));
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("cannot listen"));
}

void ServerProcessTest::envFileIsRead()
{
    const quint16 port = adserve::test::unusedLoopbackPort();
    QFile env(dir_.filePath(QStringLiteral(".env")));
    QVERIFY(env.open(QIODevice::WriteOnly));
    env.write(QStringLiteral("ADSERVE_LISTEN=127.0.0.1:%1\nADSERVE_DB=%2\n").arg(port).arg(dir_.filePath(QStringLiteral("env.sqlite"))).toUtf8());
    env.close();
    QProcess server;
    QVERIFY(startServer(server, {}));
    int status = 0;
    fetch(localUrl(port, QStringLiteral("/healthz")), &status);
    QCOMPARE(status, 200);
    server.terminate();
    QVERIFY(server.waitForFinished(5000));
    env.remove();
}

// A password in --database-url is visible in `ps` to every local user: adserve says so, once
// and without the password; the same URL from --database-url-file draws no warning.
void ServerProcessTest::passwordOnTheCommandLineIsWarnedAbout()
{
    const QString url = QStringLiteral("postgres://app:s3cret@127.0.0.1:1/none?connect_timeout=2");
    QFile file(dir_.filePath(QStringLiteral("database-url")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(url.toUtf8() + "\n");
    file.close();
    for (const bool fromFile : {false, true}) {
        QProcess p;
        p.setWorkingDirectory(dir_.path());
        p.start(binary(), fromFile ? QStringList{QStringLiteral("--database-url-file"), file.fileName()}
                                   : QStringList{QStringLiteral("--database-url"), url});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2); // nothing listens on port 1: the URL was used either way
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(err.count("visible to every local user"), fromFile ? 0 : 1);
        QVERIFY2(!err.contains("s3cret"), err.constData());
        QVERIFY2(err.contains("127.0.0.1"), err.constData());
    }
}

void ServerProcessTest::generateFillsTheStore()
{
    const QString db = dir_.filePath(QStringLiteral("generated.sqlite"));
    QProcess gen;
    gen.setWorkingDirectory(dir_.path());
    gen.start(binary(), {QStringLiteral("generate"), QStringLiteral("--campaigns"), QStringLiteral("2000"), QStringLiteral("--seed"),
                         QStringLiteral("7"), QStringLiteral("--db"), db});
    QVERIFY(gen.waitForFinished(60000));
    QVERIFY2(gen.exitCode() == 0, gen.readAllStandardError().constData());
    QVERIFY(gen.readAllStandardOutput().contains("generated 2000 campaigns"));

    const quint16 port = adserve::test::unusedLoopbackPort();
    QProcess server;
    QVERIFY(startServer(server, serveArgs(db, port)));
    int status = 0;
    const QByteArray metrics = fetch(localUrl(port, QStringLiteral("/metrics")), &status);
    QCOMPARE(status, 200);
    // 3 samples + 2000 generated, less the deleted ones (a few percent).
    const qsizetype at = metrics.indexOf("\nadserve_index_campaigns ") + 1;
    QVERIFY(at > 0);
    const int campaigns = metrics.mid(at + 24, metrics.indexOf('\n', at) - at - 24).toInt();
    QVERIFY2(campaigns > 1800 && campaigns <= 2003, QByteArray::number(campaigns).constData());
    server.terminate();
    QVERIFY(server.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(ServerProcessTest)
#include "tst_server_process.moc"
