// The client's replies as its reader builds them (RedisReplyBuilder), from a real
// redis-server: every RESP type, nil and empty elements, nested and empty arrays, errors
// inside arrays, binary and large values, many replies in one read, a Cluster's MOVED, and
// malformed replies from a fake server.
#include "RedisClient.h"
#include "RedisTestClient.h"
#include "RedisSlot.h"
#include "TestRedis.h"

#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using namespace adserve;
using namespace std::chrono_literals;
using test::TestRedisCluster;
using test::TestRedisServer;
using test::clientFor;

namespace {

QByteArray escaped(const QByteArray &bytes)
{
    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    for (const char c : bytes) {
        const uchar u = uchar(c);
        if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\')
            out += QByteArray("\\x") + hex[u >> 4] + hex[u & 0xf];
        else
            out += c;
    }
    return out;
}

// A reply as one line of text, so a table says what it expects and a failure shows what
// came: nil, +status, -error, :integer, "string", [elements], !connection fault.
QByteArray render(const RedisReply &reply)
{
    switch (reply.type) {
    case RedisReply::Type::Nil:
        return "nil";
    case RedisReply::Type::Status:
        return '+' + reply.bytes;
    case RedisReply::Type::Error:
        return '-' + reply.bytes;
    case RedisReply::Type::ConnectionError:
        return '!' + reply.bytes;
    case RedisReply::Type::Integer:
        return ':' + QByteArray::number(reply.integer);
    case RedisReply::Type::String:
        return '"' + escaped(reply.bytes) + '"';
    case RedisReply::Type::Array: {
        QByteArrayList elements;
        for (const RedisReply &element : reply.elements)
            elements.append(render(element));
        return '[' + elements.join(", ") + ']';
    }
    }
    return "?";
}

QList<RedisCommand> commands(const QList<RedisArgs> &argsList)
{
    QList<RedisCommand> list;
    for (const RedisArgs &args : argsList)
        list.append({args, args.value(1)});
    return list;
}

// A server that speaks just enough RESP to take the client's handshake, then answers
// every later command with the same bytes: what no real Redis sends.
class FakeRedis
{
public:
    explicit FakeRedis(QByteArray answer) : m_answer(std::move(answer))
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(m_listener, reinterpret_cast<sockaddr *>(&address), length) != 0 || ::listen(m_listener, 4) != 0
            || ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length) != 0)
            qFatal("fake Redis: cannot listen");
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeRedis()
    {
        m_stopping = true;
        ::shutdown(m_listener, SHUT_RDWR);
        m_thread.join();
        ::close(m_listener);
    }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1?command_timeout_ms=300").arg(m_port); }

private:
    void serve()
    {
        while (!m_stopping) {
            const int client = ::accept(m_listener, nullptr, nullptr);
            if (client < 0)
                return;
            char buffer[4096];
            bool greeted = false;
            ssize_t got;
            while ((got = ::read(client, buffer, sizeof buffer)) > 0) {
                // The handshake is CLIENT SETNAME alone (no password, database 0).
                const QByteArray reply = greeted ? m_answer : QByteArray("+OK\r\n");
                greeted = true;
                if (::write(client, reply.constData(), size_t(reply.size())) < 0)
                    break;
            }
            ::close(client);
        }
    }

    const QByteArray m_answer;
    int m_listener = -1;
    quint16 m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

} // namespace

class RedisRepliesTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void replyTypes_data();
    void replyTypes();
    void mgetValuesFromNilEmptyAndBinaryKeys();
    void largeValuesAcrossManyReads();
    void manyRepliesInOneRead();
    void movedFromAClusterNode();
    void malformedRepliesFailClearly_data();
    void malformedRepliesFailClearly();

private:
    TestRedisServer m_server;
    std::unique_ptr<RedisClient> m_client;
};

void RedisRepliesTest::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.error()));
    // About bytes, not time: megabytes may take longer than 50 ms on a loaded machine.
    m_client = clientFor(m_server.url() + QStringLiteral("?command_timeout_ms=3000"));
}

void RedisRepliesTest::init()
{
    m_server.cli({QStringLiteral("FLUSHALL")});
}

void RedisRepliesTest::replyTypes_data()
{
    QTest::addColumn<QList<RedisArgs>>("setup");
    QTest::addColumn<RedisArgs>("command");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray goJson(R"({"ID":7,"Code":"cmp-7","Name":"été","Deleted":false,"DeletedAt":null})");
    QTest::newRow("missing key: nil") << QList<RedisArgs>{} << RedisArgs{"GET", "none"} << QByteArray("nil");
    QTest::newRow("empty string") << QList<RedisArgs>{{"SET", "k", ""}} << RedisArgs{"GET", "k"} << QByteArray(R"("")");
    QTest::newRow("binary bytes") << QList<RedisArgs>{{"SET", "k", QByteArray("a\0b\r\n\xff", 6)}} << RedisArgs{"GET", "k"}
                                  << QByteArray(R"("a\x00b\x0d\x0a\xff")");
    QTest::newRow("Go service JSON") << QList<RedisArgs>{{"SET", "campaign:7", goJson}} << RedisArgs{"GET", "campaign:7"}
                                     << '"' + escaped(goJson) + '"';
    QTest::newRow("status") << QList<RedisArgs>{} << RedisArgs{"SET", "k", "v"} << QByteArray("+OK");
    QTest::newRow("integer") << QList<RedisArgs>{{"SET", "n", "41"}} << RedisArgs{"INCR", "n"} << QByteArray(":42");
    QTest::newRow("negative integer") << QList<RedisArgs>{} << RedisArgs{"PTTL", "none"} << QByteArray(":-2");
    QTest::newRow("64-bit integer") << QList<RedisArgs>{{"SET", "n", "9223372036854775806"}} << RedisArgs{"INCR", "n"}
                                    << QByteArray(":9223372036854775807");
    QTest::newRow("error") << QList<RedisArgs>{{"SET", "k", "v"}} << RedisArgs{"INCR", "k"}
                           << QByteArray("-ERR value is not an integer or out of range");
    QTest::newRow("wrong type") << QList<RedisArgs>{{"RPUSH", "l", "a"}} << RedisArgs{"GET", "l"}
                                << QByteArray("-WRONGTYPE Operation against a key holding the wrong kind of value");
    QTest::newRow("MGET: nil and empty elements")
        << QList<RedisArgs>{{"SET", "a", "1"}, {"SET", "b", ""}} << RedisArgs{"MGET", "a", "none", "b", "a"}
        << QByteArray(R"(["1", nil, "", "1"])");
    QTest::newRow("MGET: nothing there") << QList<RedisArgs>{} << RedisArgs{"MGET", "x", "y"} << QByteArray("[nil, nil]");
    QTest::newRow("empty array") << QList<RedisArgs>{} << RedisArgs{"LRANGE", "none", "0", "-1"} << QByteArray("[]");
    QTest::newRow("nil array") << QList<RedisArgs>{} << RedisArgs{"BLPOP", "none", "0.01"} << QByteArray("nil");
    QTest::newRow("SCAN: nested array") << QList<RedisArgs>{{"SET", "s:1", "x"}} << RedisArgs{"SCAN", "0", "COUNT", "100"}
                                        << QByteArray(R"(["0", ["s:1"]])");
    QTest::newRow("SCAN: empty database") << QList<RedisArgs>{} << RedisArgs{"SCAN", "0"} << QByteArray(R"(["0", []])");
    QTest::newRow("deeper nesting") << QList<RedisArgs>{} << RedisArgs{"EVAL", "return {1, {'a', {2, {}}}, 'b'}", "0"}
                                    << QByteArray(R"([:1, ["a", [:2, []]], "b"])");
    QTest::newRow("nil elements in nested arrays")
        << QList<RedisArgs>{} << RedisArgs{"EVAL", "return {1, false, {false, 'x'}}", "0"}
        << QByteArray(R"([:1, nil, [nil, "x"]])");
    QTest::newRow("error and status inside an array")
        << QList<RedisArgs>{}
        << RedisArgs{"EVAL", "return {redis.status_reply('FINE'), {redis.error_reply('MINE went wrong')}}", "0"}
        << QByteArray("[+FINE, [-MINE went wrong]]");
}

void RedisRepliesTest::replyTypes()
{
    QFETCH(QList<RedisArgs>, setup);
    QFETCH(RedisArgs, command);
    QFETCH(QByteArray, expected);
    for (const RedisReply &reply : m_client->execute(commands(setup)))
        QVERIFY2(!reply.isError(), reply.bytes.constData());
    QCOMPARE(render(m_client->execute({command, command.value(1)})), expected);
}

void RedisRepliesTest::mgetValuesFromNilEmptyAndBinaryKeys()
{
    const QByteArray binaryKey("k\0\xff\r\n", 5);
    const QByteArray binaryValue("\0\x01\r\n$-1\r\n*2\r\n", 13); // RESP inside a value is just bytes
    QVERIFY(m_client->setMany({{binaryKey, binaryValue}, {"empty", ""}}, 60s).ok());
    const auto values = m_client->mget({"none", binaryKey, "empty", "none"});
    QVERIFY2(values.ok(), qPrintable(values.error));
    QCOMPARE(values.value, (QList<std::optional<QByteArray>>{std::nullopt, binaryValue, QByteArray(""), std::nullopt}));
}

void RedisRepliesTest::largeValuesAcrossManyReads()
{
    // Larger than one read (64 KB) and than the buffer the reader keeps between replies (1 MB).
    QList<QPair<QByteArray, QByteArray>> items;
    QList<QByteArray> keys;
    for (int i = 0; i < 6; ++i) {
        QByteArray value(i == 0 ? 5 << 20 : (1 << 20) + i * 4093, char('a' + i));
        value[value.size() / 2] = '\0';
        items.append({"big:" + QByteArray::number(i), value});
        keys.append("big:" + QByteArray::number(i));
        keys.append("none"); // a nil after every large value
    }
    QVERIFY(m_client->setMany(items, 60s).ok());
    for (int round = 0; round < 2; ++round) { // the second on a reader that kept its buffer
        const auto values = m_client->mget(keys);
        QVERIFY2(values.ok(), qPrintable(values.error));
        QCOMPARE(values.value.size(), keys.size());
        for (int i = 0; i < items.size(); ++i) {
            QVERIFY2(values.value.at(2 * i) == items.at(i).second, items.at(i).first.constData());
            QVERIFY(!values.value.at(2 * i + 1).has_value());
        }
        // A small reply after them reads as it should.
        QCOMPARE(render(m_client->execute({{"GET", "none"}, "none"})), QByteArray("nil"));
    }
}

void RedisRepliesTest::manyRepliesInOneRead()
{
    // One pipeline, one reply of each kind after another: every reply starts afresh,
    // whatever the one before it was.
    QList<RedisArgs> pipeline;
    QByteArrayList expected;
    for (int i = 0; i < 300; ++i) {
        const QByteArray n = QByteArray::number(i);
        pipeline << RedisArgs{"SET", "p:" + n, "v" + n} << RedisArgs{"MGET", "p:" + n, "none"}
                 << RedisArgs{"INCR", "p:" + n} << RedisArgs{"INCR", "c"} << RedisArgs{"EVAL", "return {{}, {false}}", "0"}
                 << RedisArgs{"GET", "none"};
        expected << "+OK" << "[\"v" + n + "\", nil]" << "-ERR value is not an integer or out of range"
                 << ":" + QByteArray::number(i + 1) << "[[], [nil]]" << "nil";
    }
    const QList<RedisReply> replies = m_client->execute(commands(pipeline));
    QCOMPARE(replies.size(), expected.size());
    for (qsizetype i = 0; i < replies.size(); ++i)
        QCOMPARE(render(replies.at(i)), expected.at(i));
}

void RedisRepliesTest::movedFromAClusterNode()
{
    TestRedisCluster cluster(3);
    QVERIFY2(cluster.start(), qPrintable(cluster.error()));
    const QByteArray key("campaign:42");
    const int slot = RedisSlot::of(key);
    const int owner = cluster.ownerOfSlot(slot);
    QVERIFY(owner >= 0);
    TestRedisServer &other = cluster.node((owner + 1) % cluster.size());
    // Straight to a node that does not hold the key: Redis's redirect, as it wrote it.
    auto client = clientFor(other.url() + QStringLiteral("?command_timeout_ms=2000"));
    const RedisReply reply = client->executeOn(client->options().address, {"GET", key});
    QCOMPARE(render(reply), "-MOVED " + QByteArray::number(slot) + ' ' + cluster.node(owner).address().toLatin1());
    QCOMPARE(reply.errorCode(), QByteArray("MOVED"));
    // The connection reads on after it.
    QCOMPARE(render(client->executeOn(client->options().address, {"PING"})), QByteArray("+PONG"));
}

void RedisRepliesTest::malformedRepliesFailClearly_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("because");
    QTest::newRow("unknown type byte") << QByteArray("?what\r\n") << QStringLiteral("Protocol error");
    QTest::newRow("bad bulk length") << QByteArray("$abc\r\n") << QStringLiteral("Bad bulk string length");
    QTest::newRow("bad array length") << QByteArray("*-7\r\n") << QStringLiteral("Multi-bulk length out of range");
    QTest::newRow("nesting too deep") << QByteArray("*1\r\n").repeated(9) + ":1\r\n" << QStringLiteral("nested multi bulk");
    // 2^31 - 1 elements announced, one sent: the reader must not reserve them all, and the
    // call ends at its deadline.
    QTest::newRow("huge array that never comes") << QByteArray("*2147483647\r\n:1\r\n") << QStringLiteral("timed out");
}

void RedisRepliesTest::malformedRepliesFailClearly()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, because);
    FakeRedis fake(answer);
    auto client = clientFor(fake.url());
    const RedisReply reply = client->execute({{"GET", "k"}, "k"});
    QVERIFY2(reply.isConnectionError(), render(reply).constData());
    QVERIFY2(reply.errorText().contains(because, Qt::CaseInsensitive), qPrintable(reply.errorText()));
}

QTEST_GUILESS_MAIN(RedisRepliesTest)
#include "tst_redis_replies.moc"
