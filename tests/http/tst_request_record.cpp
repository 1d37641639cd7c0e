// What the server records of each request for the studio's log: the request's and the answer's
// headers, and their bodies up to RequestRecord::kMaxBody with the full sizes, over a real
// listening HttpServerPool and raw sockets.
#include "LoopbackPort.h"
#include "http/HttpServerPool.h"
#include "http/RequestHandler.h"

#include <QTcpSocket>
#include <QTest>

using namespace adserve;

namespace {

// Echoes a POST's body; answers GET /small with a body it keeps, and GET /empty with 204.
class EchoHandler final : public RequestHandler
{
public:
    const QByteArray small = QByteArrayLiteral(R"({"small":true})");

    HttpReply handle(const HttpRequest &request) override
    {
        if (request.method == "POST")
            return {200, request.body, {{"X-Echo", "yes"}}, "text/plain"};
        if (request.path == QLatin1String("/empty"))
            return {204, {}};
        return {200, small};
    }
    bool takesBody(QByteArrayView method, QByteArrayView) const override { return method == "POST"; }
    EdgeStats &edgeStats() override { return edge_; }

private:
    EdgeStats edge_;
};

QByteArray headerOf(const RequestRecord::Headers &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

class RequestRecordTest : public QObject
{
    Q_OBJECT
    EchoHandler handler_;
    HttpServerPool server_{handler_};
    QList<RequestRecord> records_;

    // Sends raw bytes and waits for the server's record of them.
    RequestRecord serve(const QByteArray &request)
    {
        records_.clear();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server_.port());
        socket.waitForConnected(5000);
        socket.write(request);
        socket.waitForBytesWritten(5000);
        [&] { QTRY_COMPARE_WITH_TIMEOUT(records_.size(), 1, 5000); }();
        return records_.value(0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        connect(&server_, &HttpServerPool::requestServed, this, [this](const RequestRecord &r) { records_.append(r); });
        QString error;
        QVERIFY2(server_.start(QHostAddress::LocalHost, test::unusedLoopbackPort(), 2, &error), qPrintable(error));
    }

    void bodiesPastTheBoundAreCutWithTheirFullSize()
    {
        const QByteArray body(100'000, 'b');
        const RequestRecord record = serve("POST /echo HTTP/1.1\r\nHost: a\r\nX-Trace: t-1\r\nContent-Length: 100000\r\n\r\n" + body);
        QCOMPARE(record.method, QByteArray("POST"));
        QCOMPARE(record.target, QStringLiteral("/echo"));
        QCOMPARE(record.status, 200);
        QCOMPARE(headerOf(record.requestHeaders, "X-Trace"), QByteArray("t-1"));
        QCOMPARE(record.requestBytes, 100'000);
        QCOMPARE(record.requestBody, body.left(RequestRecord::kMaxBody));
        QCOMPARE(record.responseBytes, 100'000);
        QCOMPARE(record.responseBody, body.left(RequestRecord::kMaxBody));
        QCOMPARE(headerOf(record.responseHeaders, "Content-Type"), QByteArray("text/plain"));
        QCOMPARE(headerOf(record.responseHeaders, "Content-Length"), QByteArray("100000"));
        QCOMPARE(headerOf(record.responseHeaders, "X-Echo"), QByteArray("yes"));
        QVERIFY(record.heldBytes() < 3 * RequestRecord::kMaxBody);
    }

    // A small body is the reply's own bytes, shared with the record, not a copy.
    void aSmallBodyIsSharedNotCopied()
    {
        const RequestRecord record = serve("GET /small?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
        QCOMPARE(record.target, QStringLiteral("/small?x=1"));
        QCOMPARE(record.responseBody, handler_.small);
        QCOMPARE(record.responseBody.constData(), handler_.small.constData());
        QCOMPARE(record.requestBytes, 0);
    }

    void headAndNoContentCarryNoBody()
    {
        const RequestRecord head = serve("HEAD /small HTTP/1.1\r\nHost: a\r\n\r\n");
        QCOMPARE(head.responseBytes, 0);
        QVERIFY(head.responseBody.isEmpty());
        QCOMPARE(headerOf(head.responseHeaders, "Content-Length"), QByteArray::number(handler_.small.size()));

        const RequestRecord empty = serve("GET /empty HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        QCOMPARE(empty.status, 204);
        QVERIFY(empty.responseBody.isEmpty());
        QVERIFY(headerOf(empty.responseHeaders, "Content-Type").isEmpty());
        QCOMPARE(headerOf(empty.responseHeaders, "Connection"), QByteArray("close"));
    }
};

QTEST_MAIN(RequestRecordTest)
#include "tst_request_record.moc"
