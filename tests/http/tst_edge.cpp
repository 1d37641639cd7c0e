// The edge guard of the real `adserve` server, attacked over real sockets: strict HTTP, every
// size limit and timeout, a body of a gigabyte, endless headers, silent clients, thousands of
// idle connections, pipelining. Each asserts what the client sees, that the connection is
// closed, that /healthz answers meanwhile, and the server's memory.
#include "AdserveProcess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <vector>

using adserve::test::AdserveProcess;
using adserve::test::HttpAnswer;
using adserve::test::httpRequest;

namespace {

const QByteArray kAdminToken = "edge-admin-token";

// A client that speaks raw bytes, blocking: what an attacker or a broken client sends.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        socket_.connectToHost(QStringLiteral("127.0.0.1"), port);
        socket_.waitForConnected(5000);
    }
    bool connected() const { return socket_.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes)
    {
        socket_.write(bytes);
        while (socket_.bytesToWrite() > 0 && socket_.waitForBytesWritten(5000)) {
        }
    }
    // Everything that arrives until the server closes, or `ms` pass.
    QByteArray readUntilClosed(int ms = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (socket_.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < ms) {
            socket_.waitForReadyRead(int(std::max<qint64>(1, ms - timer.elapsed())));
            received_ += socket_.readAll();
        }
        received_ += socket_.readAll();
        return received_;
    }
    // What arrives until it holds `count` answers' status lines (or `ms` pass).
    QByteArray readAnswers(int count, int ms = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (received_.count("HTTP/1.1 ") < count && timer.elapsed() < ms) {
            if (!socket_.waitForReadyRead(int(std::max<qint64>(1, ms - timer.elapsed()))))
                break;
            received_ += socket_.readAll();
        }
        return received_;
    }
    bool closedByServer() const { return socket_.state() == QAbstractSocket::UnconnectedState; }
    QTcpSocket &socket() { return socket_; }

private:
    QTcpSocket socket_;
    QByteArray received_;
};

int statusOf(const QByteArray &answer)
{
    static const QRegularExpression line(QStringLiteral("^HTTP/1\\.1 (\\d{3}) "));
    const auto m = line.match(QString::fromLatin1(answer.left(32)));
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

// From /proc: the process's resident memory now and at its peak, in KiB.
qint64 procStatusKb(qint64 pid, const char *field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &l : status.readAll().split('\n')) {
        if (l.startsWith(field))
            return l.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

class EdgeTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void strictHttp_data();
    void strictHttp();
    void headAnswersLikeGetWithoutABody();
    void http10ClosesUnlessKeepAliveIsAsked();
    void expectContinueIsAnswered();
    void pipelinedRequestsAreAnsweredInOrder();
    void largeAnswersOnAKeptAliveConnectionDoNotWait();
    void largeBodyIsRefusedBeforeItIsRead_data();
    void largeBodyIsRefusedBeforeItIsRead();
    void gigabyteChunkedBodyCostsNoMemory();
    void endlessHeaderIsCutAt431();
    void slowHeaderTimesOut();
    void slowBodyTimesOut();
    void silentClientIsClosed();
    void idleConnectionsGiveWayToNewOnes();
    void busyConnectionsAtTheCapGet503();
    void edgeRefusalsAreCounted();
    void withoutTokensExplainShowsActiveCampaignsOnly();

private:
    bool healthy() const { return httpRequest("GET", server_->url() + QStringLiteral("/healthz"), {}, {}, 3000).status == 200; }
    qint64 rssKb() const { return procStatusKb(server_->pid(), "VmRSS:"); }
    qint64 peakKb() const { return procStatusKb(server_->pid(), "VmHWM:"); }

    QTemporaryDir dir_;
    std::unique_ptr<AdserveProcess> server_;
};

void EdgeTest::initTestCase()
{
    // This client holds thousands of sockets at once.
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    QVERIFY(dir_.isValid());
    server_ = std::make_unique<AdserveProcess>(
        QCoreApplication::applicationDirPath() + QStringLiteral("/adserve"),
        QMap<QString, QString>{{QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("edge.sqlite"))},
                               {QStringLiteral("ADSERVE_ADMIN_TOKEN"), QString::fromLatin1(kAdminToken)},
                               {QStringLiteral("HTTP_MAX_REQUEST_LINE"), QStringLiteral("1024")},
                               {QStringLiteral("HTTP_MAX_HEADER_BYTES"), QStringLiteral("4096")},
                               {QStringLiteral("HTTP_MAX_BODY_BYTES"), QStringLiteral("65536")},
                               {QStringLiteral("HTTP_HEADER_TIMEOUT_MS"), QStringLiteral("1000")},
                               {QStringLiteral("HTTP_BODY_TIMEOUT_MS"), QStringLiteral("1000")},
                               {QStringLiteral("HTTP_IDLE_TIMEOUT_MS"), QStringLiteral("1500")},
                               {QStringLiteral("HTTP_MAX_CONNECTIONS"), QStringLiteral("400")}});
    QString error;
    QVERIFY2(server_->start(&error), qPrintable(error));
    QVERIFY(healthy());
}

void EdgeTest::cleanupTestCase()
{
    server_.reset();
}

void EdgeTest::strictHttp_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("closes");

    const QByteArray host = "Host: a\r\n";
    QTest::newRow("plain GET") << ("GET /healthz HTTP/1.1\r\n" + host + "\r\n") << 200 << false;
    QTest::newRow("HTTP/9.9") << ("GET /healthz HTTP/9.9\r\n" + host + "\r\n") << 505 << true;
    QTest::newRow("HTTP/2.0 in a request line") << ("GET /healthz HTTP/2.0\r\n" + host + "\r\n") << 505 << true;
    QTest::newRow("not HTTP") << ("GET /healthz FTP/1.1\r\n" + host + "\r\n") << 400 << true;
    QTest::newRow("fourth token") << ("GET /healthz HTTP/1.1 extra\r\n" + host + "\r\n") << 400 << true;
    QTest::newRow("two spaces") << ("GET  /healthz HTTP/1.1\r\n" + host + "\r\n") << 400 << true;
    QTest::newRow("lower-case method") << ("get /healthz HTTP/1.1\r\n" + host + "\r\n") << 501 << true; // methods are case-sensitive
    QTest::newRow("unknown method") << ("BREW /healthz HTTP/1.1\r\n" + host + "\r\n") << 501 << true;
    QTest::newRow("absolute path missing") << ("GET healthz HTTP/1.1\r\n" + host + "\r\n") << 400 << true;
    QTest::newRow("bare LF") << QByteArray("GET /healthz HTTP/1.1\nHost: a\n\n") << 400 << true;
    QTest::newRow("no Host") << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400 << true;
    QTest::newRow("two Hosts") << ("GET /healthz HTTP/1.1\r\n" + host + host + "\r\n") << 400 << true;
    QTest::newRow("HTTP/1.0 needs no Host") << QByteArray("GET /healthz HTTP/1.0\r\n\r\n") << 200 << true;
    QTest::newRow("header without colon") << ("GET /healthz HTTP/1.1\r\n" + host + "Oops\r\n\r\n") << 400 << true;
    QTest::newRow("space before colon") << ("GET /healthz HTTP/1.1\r\n" + host + "X-A : b\r\n\r\n") << 400 << true;
    QTest::newRow("folded header") << ("GET /healthz HTTP/1.1\r\n" + host + "X-A: b\r\n c\r\n\r\n") << 400 << true;
    QTest::newRow("Content-Length and chunked")
        << ("POST /api/v1/campaigns HTTP/1.1\r\n" + host
            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        << 400 << true;
    QTest::newRow("two different lengths")
        << ("POST /api/v1/campaigns HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x") << 400
        << true;
    QTest::newRow("length not a number")
        << ("POST /api/v1/campaigns HTTP/1.1\r\n" + host + "Content-Length: 2x\r\n\r\n{}") << 400 << true;
    QTest::newRow("gzip transfer coding")
        << ("POST /api/v1/campaigns HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n") << 501 << true;
    QTest::newRow("websocket upgrade")
        << ("GET /healthz HTTP/1.1\r\n" + host + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n") << 400 << true;
    QTest::newRow("request line too long")
        << ("GET /" + QByteArray(2000, 'a') + " HTTP/1.1\r\n" + host + "\r\n") << 414 << true;
    QTest::newRow("head too large")
        << ("GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + QByteArray(5000, 'b') + "\r\n\r\n") << 431 << true;
    QTest::newRow("body on a delivery route")
        << ("GET /v1/delivery?app=a&country=US&os=android HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\nabc") << 413
        << true;
    QTest::newRow("unknown expectation")
        << ("POST /api/v1/campaigns HTTP/1.1\r\n" + host + "Expect: magic\r\nContent-Length: 2\r\n\r\n{}") << 417 << true;
    QTest::newRow("Connection: close") << ("GET /healthz HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n") << 200 << true;
    QTest::newRow("OPTIONS") << ("OPTIONS /api/v1/delivery HTTP/1.1\r\n" + host + "\r\n") << 204 << false;
    QTest::newRow("POST on delivery") << ("POST /api/v1/delivery HTTP/1.1\r\n" + host + "\r\n") << 405 << false;
}

void EdgeTest::strictHttp()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(bool, closes);

    RawClient client(server_->port());
    QVERIFY(client.connected());
    client.send(request);
    const QByteArray answer = closes ? client.readUntilClosed(3000) : client.readAnswers(1, 3000);
    QCOMPARE(statusOf(answer), status);
    if (status >= 400 && status != 405)
        QVERIFY2(answer.contains("Connection: close"), answer.constData());
    if (closes) {
        QVERIFY2(client.closedByServer(), "the server keeps a connection open that it should close");
    } else {
        // Still open and usable.
        client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
        QCOMPARE(client.readAnswers(2, 3000).count("HTTP/1.1 200"), status == 200 ? 2 : 1);
        QVERIFY(!client.closedByServer());
    }
    if (status == 204)
        QVERIFY2(answer.contains("Allow: GET, HEAD, OPTIONS"), answer.constData());
    QVERIFY(healthy());
}

void EdgeTest::headAnswersLikeGetWithoutABody()
{
    RawClient client(server_->port());
    client.send("HEAD /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
    const QByteArray answers = client.readAnswers(2);
    QCOMPARE(answers.count("HTTP/1.1 200 OK"), 2);
    // The HEAD answer announces the GET's length and carries no body: the next thing on the
    // wire is the GET's status line.
    const qsizetype headEnd = answers.indexOf("\r\n\r\n");
    QVERIFY(answers.left(headEnd).contains("Content-Length: 15"));
    QVERIFY(answers.mid(headEnd + 4).startsWith("HTTP/1.1 200 OK"));
    QVERIFY(answers.endsWith(R"({"status":"ok"})"));
}

void EdgeTest::http10ClosesUnlessKeepAliveIsAsked()
{
    RawClient once(server_->port());
    once.send("GET /healthz HTTP/1.0\r\n\r\n");
    QCOMPARE(statusOf(once.readUntilClosed(3000)), 200);
    QVERIFY(once.closedByServer());

    RawClient kept(server_->port());
    kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const QByteArray first = kept.readAnswers(1, 3000);
    QCOMPARE(statusOf(first), 200);
    QVERIFY(first.contains("Connection: keep-alive"));
    kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    QCOMPARE(kept.readAnswers(2, 3000).count("HTTP/1.1 200"), 2);
    QVERIFY(!kept.closedByServer());
}

void EdgeTest::expectContinueIsAnswered()
{
    RawClient client(server_->port());
    client.send("POST /api/v1/cache/invalidate HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + kAdminToken
                + "\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    QVERIFY(client.readAnswers(1, 3000).startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    client.send("{}");
    const QByteArray answers = client.readAnswers(2, 3000);
    QVERIFY2(answers.contains("HTTP/1.1 200 OK"), answers.constData());
}

void EdgeTest::pipelinedRequestsAreAnsweredInOrder()
{
    // Every request names a different path; a 404 repeats it, so the order shows.
    constexpr int kRequests = 2000;
    QByteArray all;
    for (int i = 0; i < kRequests; ++i)
        all += "GET /nothing-" + QByteArray::number(i) + " HTTP/1.1\r\nHost: a\r\n\r\n";
    RawClient client(server_->port());
    client.send(all);
    const QByteArray answers = client.readAnswers(kRequests, 30000);
    QCOMPARE(int(answers.count("HTTP/1.1 404")), kRequests);
    qsizetype at = 0;
    for (int i = 0; i < kRequests; ++i) {
        const QByteArray path = "/nothing-" + QByteArray::number(i) + "\"";
        at = answers.indexOf(path, at);
        QVERIFY2(at >= 0, qPrintable(QStringLiteral("answer %1 missing or out of order").arg(i)));
    }
}

void EdgeTest::largeAnswersOnAKeptAliveConnectionDoNotWait()
{
    // An answer of 4 KB or more leaves in two writes, head and body. With Nagle's algorithm
    // the body waited for the client's delayed ACK of the head: 40 ms per request on a
    // kept-alive connection. /metrics (admin) is over 4 KB.
    RawClient client(server_->port());
    QByteArray received;
    std::vector<qint64> micros;
    for (int i = 0; i < 15; ++i) {
        QElapsedTimer timer;
        timer.start();
        client.send("GET /metrics HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + kAdminToken + "\r\n\r\n");
        qsizetype expected = -1;
        while (received.size() != expected && timer.elapsed() < 5000) {
            if (!client.socket().waitForReadyRead(5000))
                break;
            received += client.socket().readAll();
            const qsizetype headEnd = received.indexOf("\r\n\r\n");
            static const QRegularExpression length(QStringLiteral("Content-Length: (\\d+)"));
            const auto m = length.match(QString::fromLatin1(received.left(headEnd)));
            if (headEnd > 0 && m.hasMatch())
                expected = headEnd + 4 + m.captured(1).toLongLong();
        }
        micros.push_back(timer.nsecsElapsed() / 1000);
        QCOMPARE(statusOf(received), 200);
        QCOMPARE(received.size(), expected);
        QVERIFY2(expected > 4096, "the answer is large enough to leave in two writes");
        received.clear();
    }
    std::sort(micros.begin(), micros.end());
    QVERIFY2(micros[micros.size() / 2] < 20'000, qPrintable(QStringLiteral("median %1 µs").arg(micros[micros.size() / 2])));
}

void EdgeTest::largeBodyIsRefusedBeforeItIsRead_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("without a token") << QByteArray();
    QTest::newRow("with the admin token") << kAdminToken;
}

void EdgeTest::largeBodyIsRefusedBeforeItIsRead()
{
    QFETCH(QByteArray, token);
    const qint64 peakBefore = peakKb();
    RawClient client(server_->port());
    client.send("POST /api/v1/campaigns HTTP/1.1\r\nHost: a\r\n"
                + (token.isEmpty() ? QByteArray() : "Authorization: Bearer " + token + "\r\n")
                + "Content-Length: 1073741824\r\n\r\n");
    // Decided from the length alone: the answer comes before a byte of the body is sent.
    const QByteArray answer = client.readUntilClosed(3000);
    QCOMPARE(statusOf(answer), 413);
    QVERIFY(answer.contains("65536"));
    QVERIFY(client.closedByServer());
    QVERIFY(peakKb() - peakBefore < 4096);
}

void EdgeTest::gigabyteChunkedBodyCostsNoMemory()
{
    // A chunked body has no length to decide from: the server counts while it reads, and
    // stops at the limit. The client tries to stream a gigabyte.
    const qint64 peakBefore = peakKb();
    RawClient client(server_->port());
    client.send("POST /api/v1/campaigns HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    const QByteArray chunk = "10000\r\n" + QByteArray(0x10000, 'x') + "\r\n";
    qint64 sent = 0;
    while (sent < (qint64(1) << 30) && client.connected() && client.socket().bytesToWrite() < (8 << 20)) {
        client.socket().write(chunk);
        sent += chunk.size();
        client.socket().waitForBytesWritten(100);
        if (client.socket().bytesAvailable() > 0)
            break; // the server answered: it refuses
    }
    const QByteArray answer = client.readUntilClosed(5000);
    QCOMPARE(statusOf(answer), 413);
    QVERIFY(client.closedByServer());
    qInfo("sent %lld bytes before the server refused; peak RSS %lld KiB -> %lld KiB", sent, peakBefore, peakKb());
    QVERIFY(peakKb() - peakBefore < 4096);
    QVERIFY(healthy());
}

void EdgeTest::endlessHeaderIsCutAt431()
{
    const qint64 peakBefore = peakKb();
    RawClient client(server_->port());
    client.send("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Endless: ");
    for (int i = 0; i < 1000 && client.connected() && client.socket().bytesAvailable() == 0; ++i) {
        client.socket().write(QByteArray(1024, 'e'));
        client.socket().waitForBytesWritten(100);
        client.socket().waitForReadyRead(1);
    }
    QCOMPARE(statusOf(client.readUntilClosed(3000)), 431);
    QVERIFY(client.closedByServer());
    QVERIFY(peakKb() - peakBefore < 4096);
    QVERIFY(healthy());
}

void EdgeTest::slowHeaderTimesOut()
{
    // A slowloris: a byte every 200 ms never finishes its head within the 1 s allowed.
    RawClient client(server_->port());
    QElapsedTimer timer;
    timer.start();
    const QByteArray head = "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n";
    for (char c : head) {
        if (client.closedByServer() || client.socket().bytesAvailable() > 0)
            break;
        client.send(QByteArray(1, c));
        client.socket().waitForReadyRead(200);
        QVERIFY(healthy() || timer.elapsed() > 500); // others are served meanwhile
    }
    QCOMPARE(statusOf(client.readUntilClosed(3000)), 408);
    QVERIFY(client.closedByServer());
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

void EdgeTest::slowBodyTimesOut()
{
    RawClient client(server_->port());
    client.send("POST /api/v1/campaigns HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + kAdminToken
                + "\r\nContent-Length: 100\r\n\r\n{\"code\":");
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(statusOf(client.readUntilClosed(4000)), 408);
    QVERIFY(client.closedByServer());
    QVERIFY2(timer.elapsed() >= 900 && timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

void EdgeTest::silentClientIsClosed()
{
    RawClient silent(server_->port());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(healthy());
    const QByteArray answer = silent.readUntilClosed(5000);
    QVERIFY(silent.closedByServer());
    QVERIFY2(answer.isEmpty() || statusOf(answer) == 408, answer.constData());
    QVERIFY2(timer.elapsed() >= 900 && timer.elapsed() < 4000, qPrintable(QString::number(timer.elapsed())));

    // Kept alive after an answer, then silent: closed after the idle timeout, without a word.
    RawClient idle(server_->port());
    idle.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
    QCOMPARE(statusOf(idle.readAnswers(1)), 200);
    timer.restart();
    idle.readUntilClosed(5000);
    QVERIFY(idle.closedByServer());
    QVERIFY2(timer.elapsed() >= 1400 && timer.elapsed() < 4500, qPrintable(QString::number(timer.elapsed())));
}

void EdgeTest::idleConnectionsGiveWayToNewOnes()
{
    // 2,000 clients that each ask once, read their answer and keep the connection, against a
    // cap of 400: the newest take the place of the longest idle, every one is answered, and
    // /healthz answers throughout.
    const qint64 rssBefore = rssKb();
    std::vector<std::unique_ptr<RawClient>> idle;
    int answered = 0;
    for (int i = 0; i < 2000; ++i) {
        idle.push_back(std::make_unique<RawClient>(server_->port()));
        QVERIFY(idle.back()->connected());
        idle.back()->send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
        answered += statusOf(idle.back()->readAnswers(1, 3000)) == 200 ? 1 : 0;
        if (i % 500 == 499)
            QVERIFY(healthy());
    }
    QCOMPARE(answered, 2000);
    QVERIFY(healthy());
    const QByteArray metrics = httpRequest("GET", server_->url() + QStringLiteral("/metrics"), {}, kAdminToken).body;
    const auto counter = [&metrics](const char *name) {
        return QRegularExpression(QStringLiteral("%1 (\\d+)").arg(QLatin1String(name))).match(QString::fromUtf8(metrics)).captured(1).toInt();
    };
    const int open = counter("adserve_http_connections_open");
    QVERIFY2(open <= 400, qPrintable(QString::number(open)));
    QVERIFY2(counter("adserve_http_connections_evicted_total") >= 1600, metrics.constData());
    qInfo("RSS %lld KiB -> %lld KiB after 2000 kept-alive connections, %d still open", rssBefore, rssKb(), open);
    QVERIFY(rssKb() - rssBefore < 64 * 1024);
}

void EdgeTest::busyConnectionsAtTheCapGet503()
{
    // A server with room for 100 connections, 50 per thread, and 200 connections each in the
    // middle of a request (busy, not idle): none can give way, so new ones are answered 503 at
    // once; every thread is full, and then /healthz gets a 503 too, never a hang.
    AdserveProcess small(QCoreApplication::applicationDirPath() + QStringLiteral("/adserve"),
                         {{QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("edge.sqlite"))},
                          {QStringLiteral("ADSERVE_THREADS"), QStringLiteral("2")},
                          {QStringLiteral("HTTP_MAX_CONNECTIONS"), QStringLiteral("100")}});
    QString error;
    QVERIFY2(small.start(&error), qPrintable(error));
    std::vector<std::unique_ptr<RawClient>> busy;
    for (int i = 0; i < 200; ++i) {
        busy.push_back(std::make_unique<RawClient>(small.port()));
        busy.back()->send("GET /healthz HTTP/1.1\r\n");
    }
    // Each gets a 503, or is kept waiting for the rest of its request, or (when the server took
    // it before its first byte arrived: idle) gave way to a newer one.
    int refused = 0, kept = 0;
    for (auto &c : busy) {
        const QByteArray answer = c->readAnswers(1, c == busy.front() ? 1000 : 20);
        if (statusOf(answer) == 503) {
            ++refused;
            QVERIFY(answer.contains("too many connections"));
        } else if (answer.isEmpty() && !c->closedByServer()) {
            ++kept;
        }
    }
    qInfo("200 busy connections against a cap of 100: %d answered 503, %d kept", refused, kept);
    QVERIFY2(kept <= 100, qPrintable(QString::number(kept)));
    QVERIFY2(refused >= 50, qPrintable(QString::number(refused)));
    const HttpAnswer health = httpRequest("GET", small.url() + QStringLiteral("/healthz"), {}, {}, 3000);
    QCOMPARE(health.status, 503);
    busy.clear(); // they go: the server has room again
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest("GET", small.url() + QStringLiteral("/healthz"), {}, {}, 3000).status, 200, 5000);
}

void EdgeTest::edgeRefusalsAreCounted()
{
    const HttpAnswer metrics = httpRequest("GET", server_->url() + QStringLiteral("/metrics"), {}, kAdminToken);
    QCOMPARE(metrics.status, 200);
    for (const char *status : {"400", "408", "413", "414", "431", "501", "505"}) {
        const auto m = QRegularExpression(QStringLiteral("adserve_http_rejected_total\\{status=\"%1\"\\} (\\d+)").arg(QLatin1String(status)))
                           .match(QString::fromUtf8(metrics.body));
        QVERIFY2(m.hasMatch() && m.captured(1).toInt() > 0, status);
    }
    QVERIFY(metrics.body.contains("adserve_http_connections_refused_total"));
    // Without a token, /metrics is not public once a token is configured.
    QCOMPARE(httpRequest("GET", server_->url() + QStringLiteral("/metrics")).status, 401);
}

void EdgeTest::withoutTokensExplainShowsActiveCampaignsOnly()
{
    // duolingo goes inactive (through the server with the admin token); a second server over the
    // same store, with no token configured, explains to anyone, but only active campaigns.
    const QString duolingo = server_->url() + QStringLiteral("/api/v1/campaigns/2");
    QCOMPARE(httpRequest("PATCH", duolingo, R"({"status":"INACTIVE"})", kAdminToken).status, 200);
    AdserveProcess open(QCoreApplication::applicationDirPath() + QStringLiteral("/adserve"),
                        {{QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("edge.sqlite"))}});
    QString error;
    QVERIFY2(open.start(&error), qPrintable(error));
    const QString explain = QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&limit=0");
    const HttpAnswer anonymous = httpRequest("GET", open.url() + explain);
    QCOMPARE(anonymous.status, 200);
    QVERIFY2(anonymous.body.contains("\"spotify\""), anonymous.body.constData());
    QVERIFY2(!anonymous.body.contains("duolingo"), anonymous.body.constData());
    // Pages and the total count the campaigns shown only: the second of two is subwaysurfer.
    const HttpAnswer second = httpRequest("GET", open.url() + QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&limit=1&offset=1"));
    const QJsonObject page = QJsonDocument::fromJson(second.body).object();
    QCOMPARE(page.value(QStringLiteral("total")).toInt(), 2);
    QCOMPARE(page.value(QStringLiteral("decisions")).toArray().at(0).toObject().value(QStringLiteral("cid")).toString(),
             QStringLiteral("subwaysurfer"));
    QCOMPARE(httpRequest("GET", open.url() + explain + QStringLiteral("&campaign=duolingo")).status, 404);
    QCOMPARE(httpRequest("GET", open.url() + explain + QStringLiteral("&campaign=2")).status, 404);
    // The token holder on the first server sees it, inactive.
    const HttpAnswer admin = httpRequest("GET", server_->url() + explain, {}, kAdminToken);
    QVERIFY2(admin.body.contains("duolingo"), admin.body.constData());
    // Anonymous /readyz: states, no file path.
    const HttpAnswer ready = httpRequest("GET", open.url() + QStringLiteral("/readyz"));
    QCOMPARE(ready.status, 200);
    QVERIFY2(!ready.body.contains("edge.sqlite"), ready.body.constData());
    QCOMPARE(httpRequest("PATCH", duolingo, R"({"status":"ACTIVE"})", kAdminToken).status, 200);
}

QTEST_GUILESS_MAIN(EdgeTest)
#include "tst_edge.moc"
