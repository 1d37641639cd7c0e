// Deliveries that wait for Redis share one read: the requests a server thread has waiting at
// once are finished together (one MGET round trip for all they miss), over a real listening
// server, a real redis-server and raw sockets. Each answer is the bytes the same delivery
// gives on its own; pipelined requests keep their order; a client that leaves while its
// answer waits costs the others nothing; a frozen Redis sends every waiting request to the
// store within the command timeout.
#include "Engine.h"
#include "LoopbackPort.h"
#include "TestRedis.h"
#include "http/HttpApi.h"
#include "http/HttpServerPool.h"
#include "http/Metrics.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace adserve;
using adserve::test::TestRedisServer;

namespace {

struct Request
{
    const char *country;
    const char *os;
    const char *app;
    QByteArray target() const
    {
        return QByteArray("/v1/delivery?app=") + app + "&country=" + country + "&os=" + os;
    }
    TargetingQuery query() const
    {
        return TargetingQuery::from(QString::fromLatin1(country), QString::fromLatin1(os), QString::fromLatin1(app));
    }
};

// Requests of the generator's big markets and popular apps: they share many campaigns.
const std::vector<Request> kRequests{
    {"US", "Android", "com.whatsapp"}, {"GB", "iOS", "com.instagram.android"}, {"DE", "Android", "com.spotify.music"},
    {"FR", "iOS", "com.whatsapp"},     {"IN", "Android", "com.instagram.android"}, {"BR", "Android", "com.whatsapp"},
    {"JP", "iOS", "com.spotify.music"}, {"CA", "Android", "com.gametion.ludokinggame"}};

struct Answer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

// Reads one answer from the socket: its head, then Content-Length bytes (none to a HEAD).
std::optional<Answer> readAnswer(QTcpSocket &socket, QByteArray &buffer, bool toHead = false, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            Answer answer;
            answer.head = buffer.left(headEnd + 4);
            answer.status = answer.head.mid(9, 3).toInt();
            qsizetype length = 0;
            for (const QByteArray &line : answer.head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (toHead)
                length = 0;
            if (buffer.size() >= headEnd + 4 + length) {
                answer.body = buffer.mid(headEnd + 4, length);
                buffer.remove(0, headEnd + 4 + length);
                return answer;
            }
        }
        const int left = timeoutMs - int(timer.elapsed());
        if (left <= 0 || socket.state() != QAbstractSocket::ConnectedState)
            return std::nullopt;
        if (socket.waitForReadyRead(left))
            buffer += socket.readAll();
    }
}

qint64 metricValue(const QByteArray &metrics, const QByteArray &name)
{
    for (const QByteArray &line : metrics.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toLongLong();
    }
    return -1;
}

} // namespace

class SharedReadsTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void waitingRequestsShareOneRead();
    void moreThanABatchIsReadAtOnce();
    void pipelinedRequestsKeepTheirOrder();
    void headAndCloseAnswersWait();
    void aClientThatLeavesCostsTheOthersNothing();
    void aFrozenRedisSendsTheRoundToTheStore();

private:
    // Opens `count` connections, sends one request on each before reading any, and returns
    // the answers in the connections' order.
    QList<Answer> sendAtOnce(const QList<QByteArray> &requests);
    // What the same delivery gives on its own, in this process.
    QByteArray expectedBody(const Request &request) const
    {
        return engine_->delivery().deliverBody(request.query(), MatchIndex::kAll).body;
    }
    QByteArray metrics() const { return metrics_.render(*engine_); }

    TestRedisServer redis_;
    QTemporaryDir dir_;
    std::unique_ptr<Engine> engine_;
    Metrics metrics_;
    std::unique_ptr<HttpApi> api_;
    std::unique_ptr<HttpServerPool> server_;
};

void SharedReadsTest::initTestCase()
{
    QVERIFY2(redis_.start(), qPrintable(redis_.error()));
    QVERIFY(dir_.isValid());
    const QString db = dir_.filePath(QStringLiteral("shared.sqlite"));
    {
        QString error;
        auto store = CampaignStore::open(DatabaseTarget::sqlite(db), &error);
        QVERIFY2(store, qPrintable(error));
        const auto generated = CampaignGenerator::generate(*store, 3000, 42);
        QVERIFY2(generated.ok(), qPrintable(generated.message));
    }
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), db},
                                              {QStringLiteral("REDIS_URL"), redis_.url()},
                                              {QStringLiteral("CACHE_NEAR_TTL_MS"), QStringLiteral("0")},
                                              {QStringLiteral("DELIVERY_CAMPAIGN_BATCH_SIZE"), QStringLiteral("500")}},
                                             &error);
    QVERIFY2(config, qPrintable(error));
    engine_ = Engine::create(*config, &error);
    QVERIFY2(engine_, qPrintable(error));
    QVERIFY(engine_->delivery().mayPend());
    api_ = std::make_unique<HttpApi>(*engine_, metrics_);
    server_ = std::make_unique<HttpServerPool>(*api_);
    // One thread: every connection's requests wait on the same thread.
    QVERIFY2(server_->start(QHostAddress::LocalHost, test::unusedLoopbackPort(), 1, &error), qPrintable(error));
    // Every campaign in Redis: what follows reads it from there.
    for (const Request &request : kRequests)
        QVERIFY(!expectedBody(request).isEmpty());
    engine_->cache().waitForRefills();
}

void SharedReadsTest::cleanupTestCase()
{
    server_.reset();
    api_.reset();
    engine_.reset();
}

QList<Answer> SharedReadsTest::sendAtOnce(const QList<QByteArray> &requests)
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(QHostAddress::LocalHost, server_->port());
        if (!sockets.back()->waitForConnected(5000))
            return {};
    }
    for (qsizetype i = 0; i < requests.size(); ++i)
        sockets[size_t(i)]->write(requests[i]);
    for (const auto &socket : sockets)
        socket->waitForBytesWritten(5000);
    QList<Answer> answers;
    for (const auto &socket : sockets) {
        QByteArray buffer;
        const bool toHead = requests[answers.size()].startsWith("HEAD");
        const std::optional<Answer> answer = readAnswer(*socket, buffer, toHead);
        answers.append(answer.value_or(Answer{}));
    }
    return answers;
}

void SharedReadsTest::waitingRequestsShareOneRead()
{
    QList<QByteArray> expected;
    for (const Request &request : kRequests)
        expected.append(expectedBody(request));
    const qint64 readsBefore = metricValue(metrics(), "adserve_delivery_shared_reads_total");
    const qint64 deliveriesBefore = metricValue(metrics(), "adserve_delivery_shared_read_deliveries_total");
    // Each round of 32 connections, every request once on four connections.
    for (int round = 0; round < 5; ++round) {
        QList<QByteArray> requests;
        for (int i = 0; i < 32; ++i)
            requests.append("GET " + kRequests[size_t(i) % kRequests.size()].target() + " HTTP/1.1\r\nHost: a\r\n\r\n");
        const QList<Answer> answers = sendAtOnce(requests);
        QCOMPARE(answers.size(), 32);
        for (int i = 0; i < 32; ++i) {
            QCOMPARE(answers[i].status, 200);
            QCOMPARE(answers[i].body, expected[i % expected.size()]);
        }
    }
    const qint64 reads = metricValue(metrics(), "adserve_delivery_shared_reads_total") - readsBefore;
    const qint64 deliveries = metricValue(metrics(), "adserve_delivery_shared_read_deliveries_total") - deliveriesBefore;
    // Every one waited for Redis (no near cache), and they waited together.
    QCOMPARE(deliveries, 160);
    QVERIFY2(reads < deliveries / 2, qPrintable(QStringLiteral("%1 reads for %2 deliveries").arg(reads).arg(deliveries)));
}

// A request that misses more than one batch has its batches read at once on the pool, as
// before: a large miss is spread over the cores rather than left to one thread.
void SharedReadsTest::moreThanABatchIsReadAtOnce()
{
    engine_->delivery().setBatchSize(7);
    const qint64 deliveriesBefore = metricValue(metrics(), "adserve_delivery_shared_read_deliveries_total");
    QList<QByteArray> requests;
    for (const Request &request : kRequests)
        requests.append("GET " + request.target() + " HTTP/1.1\r\nHost: a\r\n\r\n");
    const QList<Answer> answers = sendAtOnce(requests);
    const qint64 shared = metricValue(metrics(), "adserve_delivery_shared_read_deliveries_total") - deliveriesBefore;
    engine_->delivery().setBatchSize(500);
    QCOMPARE(shared, 0);
    QCOMPARE(answers.size(), qsizetype(kRequests.size()));
    for (size_t i = 0; i < kRequests.size(); ++i)
        QCOMPARE(answers[qsizetype(i)].body, expectedBody(kRequests[i]));
}

void SharedReadsTest::pipelinedRequestsKeepTheirOrder()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server_->port());
    QVERIFY(socket.waitForConnected(5000));
    QByteArray pipelined;
    for (const Request &request : kRequests)
        pipelined += "GET " + request.target() + " HTTP/1.1\r\nHost: a\r\n\r\n";
    socket.write(pipelined);
    QByteArray buffer;
    for (const Request &request : kRequests) {
        const std::optional<Answer> answer = readAnswer(socket, buffer);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->body, expectedBody(request));
    }
}

void SharedReadsTest::headAndCloseAnswersWait()
{
    const Request &request = kRequests.front();
    const QList<Answer> answers =
        sendAtOnce({"HEAD " + request.target() + " HTTP/1.1\r\nHost: a\r\n\r\n",
                    "GET " + request.target() + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
                    "GET " + request.target() + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"});
    QCOMPARE(answers.size(), 3);
    const QByteArray body = expectedBody(request);
    // HEAD: the head of the same answer, no body.
    QCOMPARE(answers[0].status, 200);
    QVERIFY(answers[0].head.contains(QByteArray("Content-Length: " + QByteArray::number(body.size()))));
    QCOMPARE(answers[1].body, body);
    QVERIFY(answers[1].head.contains("Connection: close"));
    QCOMPARE(answers[2].body, body);
    QVERIFY(answers[2].head.contains("Connection: keep-alive"));

    // The server closed the connection that asked for it.
    QTcpSocket closing;
    closing.connectToHost(QHostAddress::LocalHost, server_->port());
    QVERIFY(closing.waitForConnected(5000));
    closing.write("GET " + request.target() + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    QByteArray buffer;
    QVERIFY(readAnswer(closing, buffer));
    QTRY_COMPARE_WITH_TIMEOUT(closing.state(), QAbstractSocket::UnconnectedState, 5000);
}

void SharedReadsTest::aClientThatLeavesCostsTheOthersNothing()
{
    for (int round = 0; round < 20; ++round) {
        std::vector<std::unique_ptr<QTcpSocket>> leaving;
        for (int i = 0; i < 4; ++i) {
            leaving.push_back(std::make_unique<QTcpSocket>());
            leaving.back()->connectToHost(QHostAddress::LocalHost, server_->port());
            QVERIFY(leaving.back()->waitForConnected(5000));
        }
        QTcpSocket staying;
        staying.connectToHost(QHostAddress::LocalHost, server_->port());
        QVERIFY(staying.waitForConnected(5000));
        const Request &request = kRequests[size_t(round) % kRequests.size()];
        const QByteArray asked = "GET " + request.target() + " HTTP/1.1\r\nHost: a\r\n\r\n";
        for (const auto &socket : leaving) {
            socket->write(asked);
            socket->flush();
        }
        staying.write(asked);
        staying.flush();
        for (const auto &socket : leaving)
            socket->abort(); // gone before its answer, maybe while it waits for Redis
        QByteArray buffer;
        const std::optional<Answer> answer = readAnswer(staying, buffer);
        QVERIFY(answer);
        QCOMPARE(answer->body, expectedBody(request));
    }
}

void SharedReadsTest::aFrozenRedisSendsTheRoundToTheStore()
{
    redis_.pause();
    QList<QByteArray> requests;
    for (const Request &request : kRequests)
        requests.append("GET " + request.target() + " HTTP/1.1\r\nHost: a\r\n\r\n");
    QElapsedTimer timer;
    timer.start();
    const QList<Answer> answers = sendAtOnce(requests);
    const qint64 elapsed = timer.elapsed();
    redis_.resume();
    QCOMPARE(answers.size(), qsizetype(kRequests.size()));
    for (size_t i = 0; i < kRequests.size(); ++i) {
        QCOMPARE(answers[qsizetype(i)].status, 200);
        QCOMPARE(answers[qsizetype(i)].body, expectedBody(kRequests[i]));
    }
    // One command timeout (50 ms) for the round, not one per request, and the store's reads.
    QVERIFY2(elapsed < 2000, qPrintable(QStringLiteral("%1 ms").arg(elapsed)));
    QVERIFY(engine_->cache().stats().errors > 0);
}

QTEST_MAIN(SharedReadsTest)
#include "tst_shared_reads.moc"
