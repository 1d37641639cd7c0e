#include "HttpServerPool.h"

#include "ApiRequestHandler.h"
#include "HttpStatus.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QMetaMethod>
#include <QTcpServer>
#include <QThread>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace adserve {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

// A listening TCP socket with SO_REUSEPORT, so several can share one port.
int openSharedListener(const QHostAddress &address, quint16 port, QString *error)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR raw = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &raw, sizeof raw);
        length = sizeof *in6;
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *in4;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 || ::listen(fd, 1024) != 0) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString()).arg(port).arg(QString::fromLocal8Bit(strerror(errno)));
        ::close(fd);
        return -1;
    }
    return fd;
}

// Files kept free of connections: the store's and the cache's connections, logs, plugins.
constexpr int kReservedFiles = 256;

// How many files this process may open, raised to the hard limit first: a connection is a file.
int openFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return int(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
}

quint16 boundPort(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&storage), &length);
    return storage.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
}

// A delivery's answer that waits for the cache: the edge lends it the client's connection
// and serves nothing more of that client until the server's next round of finishing has
// written it (ApiHttpServer::finishWaiting).
class LaterAnswer final : public AnswerWriter
{
public:
    void start(QTcpSocket &client, QByteArray answer, Finished finished) override
    {
        Q_UNUSED(answer) // empty: the answer is not known yet
        client_ = &client;
        finished_ = std::move(finished);
    }
    QTcpSocket *client() const { return client_; }
    void writeShared(const QByteArray &bytes) { client_->write(bytes); }
    // The answer is out: the edge goes on with the client.
    void finish() { std::exchange(finished_, nullptr)(Then::KeepServing); }

private:
    QTcpSocket *client_ = nullptr;
    Finished finished_;
};

// Carries requests of one thread's connections to the request handler. A reply that waits for
// the cache (HttpReply::later) is finished in a round with the others that came in the same
// turn of the thread's event loop: one read of the cache for all.
class ApiHttpServer final : public QAbstractHttpServer
{
public:
    ApiHttpServer(HttpServerPool &pool, RequestHandler &handler)
        : pool_(pool)
        , handler_(handler)
    {
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        Exchange exchange;
        exchange.timer.start();
        exchange.url = request.url();
        exchange.request = HttpRequest{methodName(request.method()), exchange.url.path(), request.query(),
                                       request.value("Authorization"), request.body()};
        exchange.request.headers = request.headers();
        exchange.request.connection = socket;
        exchange.head = request.method() == QHttpServerRequest::Method::Head;
        auto *guarded = qobject_cast<ServedSocket *>(socket);
        if (guarded) {
            if (guarded->closesAfterAnswer())
                exchange.connection = "close";
            else if (guarded->answeringHttp10())
                exchange.connection = "keep-alive";
            exchange.request.mayAnswerLater = handler_.answersLater();
        }
        HttpReply reply = handler_.handle(exchange.request);
        exchange.request.connection = nullptr; // the reply may be written after the connection is gone
        if (reply.later) {
            Q_ASSERT(guarded); // only a request that may be answered later gets such a reply
            auto writer = std::make_shared<LaterAnswer>();
            guarded->answerLater(writer, {});
            waiting_.push_back({std::move(reply.later), writer, std::move(exchange)});
            if (waiting_.size() == 1)
                QMetaObject::invokeMethod(this, [this] { finishWaiting(); }, Qt::QueuedConnection);
            return true;
        }

        QElapsedTimer writing;
        writing.start();
        const bool withBody = !exchange.head && !reply.body.isEmpty();
        if (reply.writer && guarded) {
            const QByteArray head = headOf(reply, exchange.connection);
            guarded->answerLater(reply.writer, withBody ? head + reply.body : head);
        } else if (guarded) {
            write(*guarded, reply, exchange, withBody);
        } else {
            socket->write(headOf(reply, exchange.connection));
            if (withBody)
                socket->write(reply.body);
        }
        served(reply, exchange, withBody, writing);
        return true;
    }

    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}

private:
    // A request and what its answer needs besides the reply.
    struct Exchange
    {
        HttpRequest request;
        QUrl url;
        bool head = false;                 // HEAD: no body
        const char *connection = nullptr; // the Connection header's value: a literal, nothing allocated
        QElapsedTimer timer;               // since the request was taken
    };
    struct Waiting
    {
        std::shared_ptr<LaterReply> reply;
        std::weak_ptr<LaterAnswer> writer; // gone when the client left
        Exchange exchange;
    };

    // A body up to this size goes out in one write with its head: the socket sends what it
    // buffered one block at a time, and each write is a system call that wakes the client,
    // which costs far more than copying a small body. A larger body is shared, not copied.
    static constexpr qsizetype kJoinedBodyMax = 64 * 1024;

    template<typename Client>
    static void write(Client &client, const HttpReply &reply, const Exchange &exchange, bool withBody)
    {
        QByteArray head = headOf(reply, exchange.connection);
        if (withBody && reply.body.size() <= kJoinedBodyMax) {
            head += reply.body;
            client.writeShared(head);
            return;
        }
        client.writeShared(head);
        if (withBody)
            client.writeShared(reply.body);
    }

    static QByteArray headOf(const HttpReply &reply, const char *connection)
    {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
        if (reply.status != 204) {
            head += "Content-Type: " + reply.contentType + "\r\nContent-Length: " + QByteArray::number(reply.body.size())
                    + "\r\n";
        }
        for (const auto &[name, value] : reply.headers)
            head += name + ": " + value + "\r\n";
        if (connection) {
            head += "Connection: ";
            head += connection;
            head += "\r\n";
        }
        head += "\r\n";
        return head;
    }

    // Every reply that waits, finished together, then written to the clients still there.
    void finishWaiting()
    {
        const std::vector<Waiting> round = std::exchange(waiting_, {});
        std::vector<LaterReply *> later;
        later.reserve(round.size());
        for (const Waiting &waiting : round)
            later.push_back(waiting.reply.get());
        const std::vector<HttpReply> replies = handler_.finishLater(later);
        Q_ASSERT(replies.size() == round.size());
        for (size_t i = 0; i < round.size(); ++i) {
            const std::shared_ptr<LaterAnswer> writer = round[i].writer.lock();
            if (!writer || !writer->client())
                continue;
            QElapsedTimer writing;
            writing.start();
            const HttpReply &reply = replies[i];
            const Exchange &exchange = round[i].exchange;
            const bool withBody = !exchange.head && !reply.body.isEmpty();
            write(*writer, reply, exchange, withBody);
            served(reply, exchange, withBody, writing);
            writer->finish();
        }
    }

    // The reply was handed to the connection: counted, and shown to the request log.
    void served(const HttpReply &reply, const Exchange &exchange, bool withBody, const QElapsedTimer &writing)
    {
        handler_.answered(reply, writing.nsecsElapsed() / 1000);
        if (pool_.hasRequestListeners()) {
            RequestRecord record{QDateTime::currentDateTime(), exchange.request.method,
                                 exchange.url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority),
                                 reply.status, reply.campaigns, exchange.timer.nsecsElapsed() / 1000};
            describe(record, exchange.request, reply, withBody, exchange.connection);
            Q_EMIT pool_.requestServed(record);
        }
    }

    // The request and the answer as the log shows them: headers shared, bodies bounded.
    static void describe(RequestRecord &record, const HttpRequest &request, const HttpReply &reply, bool withBody,
                         const char *connection)
    {
        record.requestHeaders = request.headers;
        record.requestBody = request.body.left(RequestRecord::kMaxBody);
        record.requestBytes = request.body.size();
        if (reply.status != 204) {
            record.responseHeaders.reserve(reply.headers.size() + 3);
            record.responseHeaders.append({"Content-Type", reply.contentType});
            record.responseHeaders.append({"Content-Length", QByteArray::number(reply.body.size())});
        }
        record.responseHeaders.append(reply.headers);
        if (connection)
            record.responseHeaders.append({QByteArray("Connection"), QByteArray(connection)});
        if (withBody) {
            record.responseBody = reply.body.left(RequestRecord::kMaxBody);
            record.responseBytes = reply.body.size();
        }
    }

    HttpServerPool &pool_;
    RequestHandler &handler_;
    std::vector<Waiting> waiting_; // replies of this turn of the event loop that wait for the cache
};

} // namespace

// One server thread: its QTcpServer and ApiHttpServer live (and die) in that thread.
class HttpServerPool::Worker
{
public:
    Worker(HttpServerPool &pool, int fd, int cap)
    {
        thread_.setObjectName(QStringLiteral("adserve-http"));
        context_.moveToThread(&thread_);
        thread_.start();
        QMetaObject::invokeMethod(
            &context_,
            [this, &pool, fd, cap] {
                const BodyPolicy takesBody = [&handler = pool.handler_](const RequestHead &head) {
                    return handler.takesBody(head.method, head.path());
                };
                auto *tcp = new GuardedServer(pool.limits_, cap, takesBody, pool.handler_.edgeStats());
                tcp->setSocketDescriptor(fd);
                http_ = new ApiHttpServer(pool, pool.handler_);
                http_->bind(tcp);
            },
            Qt::BlockingQueuedConnection);
    }
    ~Worker()
    {
        QMetaObject::invokeMethod(
            &context_,
            [this] { delete http_; }, // bind() made it the owner of the QTcpServer
            Qt::BlockingQueuedConnection);
        thread_.quit();
        thread_.wait();
    }
private:
    QThread thread_;
    QObject context_;
    ApiHttpServer *http_ = nullptr;
};

HttpServerPool::HttpServerPool(HttpApi &api, const HttpLimits &limits, QObject *parent)
    : QObject(parent)
    , ownHandler_(std::make_unique<ApiRequestHandler>(api))
    , handler_(*ownHandler_)
    , limits_(limits)
{
    qRegisterMetaType<adserve::RequestRecord>();
}

HttpServerPool::HttpServerPool(RequestHandler &handler, const HttpLimits &limits, QObject *parent)
    : QObject(parent)
    , handler_(handler)
    , limits_(limits)
{
    qRegisterMetaType<adserve::RequestRecord>();
}

HttpServerPool::~HttpServerPool()
{
    stop();
}

void HttpServerPool::preferQtEventLoopOnThreads()
{
    if (!qEnvironmentVariableIsSet("QT_NO_THREADED_GLIB"))
        qputenv("QT_NO_THREADED_GLIB", "1");
}

bool HttpServerPool::start(const QHostAddress &address, quint16 port, int threads, QString *error)
{
    stop();
    // Handlers block while Redis or the database answer: two threads per core keep the
    // cores busy meanwhile (measured: +60% requests/s over one per core with Redis).
    const int count = threads > 0 ? threads : 2 * std::max(QThread::idealThreadCount(), 1);
    std::vector<int> fds;
    for (int i = 0; i < count; ++i) {
        const int fd = openSharedListener(address, port, error);
        if (fd < 0) {
            for (int open : fds)
                ::close(open);
            return false;
        }
        port = boundPort(fd); // port 0: every further socket takes the one the first got
        fds.push_back(fd);
    }
    address_ = address;
    port_ = port;
    // Each thread takes its share of the connections, within what the process may open.
    const int perThread = std::max(1, std::min(limits_.maxConnections, openFileLimit() - kReservedFiles) / count);
    for (int fd : fds)
        workers_.push_back(std::make_unique<Worker>(*this, fd, perThread));
    Q_EMIT runningChanged(true);
    return true;
}

void HttpServerPool::stop()
{
    if (workers_.empty())
        return;
    workers_.clear();
    port_ = 0;
    Q_EMIT runningChanged(false);
}

qint64 RequestRecord::heldBytes() const
{
    qint64 bytes = target.size() * 2 + requestBody.size() + responseBody.size();
    for (const Headers *headers : {&requestHeaders, &responseHeaders}) {
        for (const auto &[name, value] : *headers)
            bytes += name.size() + value.size();
    }
    return bytes;
}

bool HttpServerPool::hasRequestListeners() const
{
    static const QMetaMethod served = QMetaMethod::fromSignal(&HttpServerPool::requestServed);
    return isSignalConnected(served);
}

QString HttpServerPool::url() const
{
    const QString host = address_.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + address_.toString() + QLatin1Char(']')
                             : address_.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(port_);
}

} // namespace adserve
