#include "EdgeGuard.h"

#include "HttpStatus.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <sys/socket.h>
#include <unistd.h>

namespace adserve {

namespace {

// What Qt reads from the kernel for a client before the edge has looked at it: beyond this
// a client waits in the kernel's buffers (TCP flow control).
constexpr qint64 kReadBuffer = 64 * 1024;
// Answers not yet taken by a client beyond which no further request of it is served until
// it reads: a client pipelining without reading cannot grow the server's memory.
constexpr qint64 kMaxUnsent = 8 * 1024 * 1024;
// How long a refused client may take to receive its answer before it is cut.
constexpr int kRefusedGraceMs = 2000;
// A chunked body's framing may not cost more than this beyond its data.
constexpr qint64 kChunkFramingAllowance = 4096;

QByteArray errorAnswer(int status, const QByteArray &reason)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("error"), QString::fromUtf8(reason)}})
                                .toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
           + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
           + "\r\nConnection: close\r\n\r\n" + body;
}

QByteArray tooLarge(qint64 limit)
{
    return "request body larger than " + QByteArray::number(limit) + " bytes";
}

// Where the head in `raw` ends (after its empty line), searching from `from`; -1 if not yet.
qsizetype headEnd(const QByteArray &raw, qsizetype from)
{
    for (qsizetype i = raw.indexOf('\n', std::max<qsizetype>(from, 0)); i >= 0; i = raw.indexOf('\n', i + 1)) {
        if (i + 1 < raw.size() && raw.at(i + 1) == '\n')
            return i + 2;
        if (i + 2 < raw.size() && raw.at(i + 1) == '\r' && raw.at(i + 2) == '\n')
            return i + 3;
    }
    return -1;
}

} // namespace

ServedSocket::ServedSocket(QTcpSocket &client, QObject *parent)
    : QTcpSocket(parent)
    , client_(client)
{
    QIODevice::open(QIODevice::ReadWrite);
    setSocketState(QAbstractSocket::ConnectedState);
    setPeerAddress(client.peerAddress());
    setPeerPort(client.peerPort());
    setLocalAddress(client.localAddress());
    setLocalPort(client.localPort());
}

void ServedSocket::serve(const QByteArray &request, bool closeAfter, bool http10)
{
    closeAfter_ = closeAfter;
    http10_ = http10;
    ready_ += request;
    Q_EMIT readyRead();
}

void ServedSocket::clientGone()
{
    setSocketState(QAbstractSocket::UnconnectedState);
    Q_EMIT disconnected();
}

qint64 ServedSocket::bytesAvailable() const
{
    // QIODevice's own buffer holds what QHttpServer read ahead.
    return QIODevice::bytesAvailable() + ready_.size();
}

void ServedSocket::disconnectFromHost()
{
    Q_EMIT closeRequested();
}

qint64 ServedSocket::readData(char *data, qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, ready_.size());
    std::memcpy(data, ready_.constData(), size_t(n));
    ready_.remove(0, n);
    return n;
}

qint64 ServedSocket::writeData(const char *data, qint64 size)
{
    return client_.write(data, size);
}

EdgeConnection::EdgeConnection(const HttpLimits &limits, BodyPolicy takesBody, EdgeStats &stats, QObject *parent)
    : QObject(parent)
    , limits_(limits)
    , takesBody_(std::move(takesBody))
    , stats_(stats)
    , client_(this)
    , timer_(this)
{
    ++stats_.open;
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &EdgeConnection::timedOut);
    phaseClock_.start();
}

EdgeConnection::~EdgeConnection()
{
    --stats_.open;
}

bool EdgeConnection::adopt(qintptr socketDescriptor)
{
    if (!client_.setSocketDescriptor(socketDescriptor))
        return false;
    client_.setReadBufferSize(kReadBuffer);
    // An answer's head and a large body leave in two writes (the body is queued without a
    // copy): with Nagle's algorithm the body would wait for the client's delayed ACK of the
    // head, 40 ms on a kept-alive connection.
    client_.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    served_ = new ServedSocket(client_, this);
    connect(served_, &ServedSocket::closeRequested, this, &EdgeConnection::close);
    connect(&client_, &QTcpSocket::readyRead, this, &EdgeConnection::receive);
    connect(&client_, &QTcpSocket::bytesWritten, this, &EdgeConnection::receive); // a slow reader caught up
    connect(&client_, &QTcpSocket::disconnected, this, [this] {
        timer_.stop();
        if (served_)
            served_->clientGone(); // QHttpServer lets go of it
        deleteLater();
    });
    armTimer();
    return true;
}

bool EdgeConnection::isIdle() const
{
    return phase_ == Phase::Between && raw_.isEmpty() && client_.bytesToWrite() == 0;
}

void EdgeConnection::refuseNow(const HttpRejection &rejection)
{
    refuse(rejection);
}

bool EdgeConnection::readPending()
{
    char byte = 0;
    if (::recv(int(client_.socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
        return false;
    client_.waitForReadyRead(0); // reads it in, and receive() looks at it
    return true;
}

void EdgeConnection::evict()
{
    client_.abort();
}

void EdgeConnection::receive()
{
    while (client_.bytesAvailable() > 0) {
        if (phase_ == Phase::Answering)
            return; // what the client sends meanwhile waits (in Qt's buffer, then the kernel's)
        if (phase_ == Phase::Closing) { // what follows a refused or last request is dropped
            client_.skip(client_.bytesAvailable());
            break;
        }
        if (client_.bytesToWrite() > kMaxUnsent)
            return; // the client reads its answers first (bytesWritten brings it back here)
        raw_ += client_.read(kReadBuffer);
        serveWhatIsComplete();
    }
    if (phase_ == Phase::Closing && !halfClosed_ && client_.bytesToWrite() == 0)
        halfClose();
    armTimer();
}

void EdgeConnection::serveWhatIsComplete()
{
    while (phase_ != Phase::Closing && phase_ != Phase::Answering && !raw_.isEmpty()
           && client_.bytesToWrite() <= kMaxUnsent) {
        if (phase_ != Phase::Body && !examineHead())
            break;
        if (phase_ == Phase::Body && !examineBody())
            break;
    }
    armTimer();
}

bool EdgeConnection::examineHead()
{
    if (phase_ == Phase::Between) {
        phase_ = Phase::Head;
        headSearchFrom_ = 0;
        phaseClock_.restart();
    }
    while (true) {
        const qsizetype end = headEnd(raw_, headSearchFrom_ - 2);
        HttpRejection rejection;
        const auto result = RequestHeadParser::parse(QByteArrayView(raw_).first(end < 0 ? raw_.size() : end), limits_,
                                                     &head_, &rejection);
        if (result == RequestHeadParser::Result::Rejected) {
            refuse(rejection);
            return false;
        }
        if (result == RequestHeadParser::Result::Complete)
            break;
        if (end < 0) {
            headSearchFrom_ = raw_.size();
            return false;
        }
        headSearchFrom_ = end; // empty lines before the request: look further
    }
    if (head_.hasBody() && !takesBody_(head_)) {
        refuse({413, "this route takes no request body"});
        return false;
    }
    if (!head_.chunked && head_.contentLength > limits_.maxBodyBytes) {
        refuse({413, tooLarge(limits_.maxBodyBytes)});
        return false;
    }
    if (head_.expectContinue && head_.hasBody() && raw_.size() == head_.size)
        client_.write("HTTP/1.1 100 Continue\r\n\r\n");
    phase_ = Phase::Body;
    phaseClock_.restart();
    if (head_.chunked) {
        chunked_.emplace(limits_.maxBodyBytes);
        chunkedScanned_ = head_.size;
    } else {
        bodyEnd_ = head_.size + head_.contentLength;
    }
    return true;
}

bool EdgeConnection::examineBody()
{
    if (!chunked_) {
        if (raw_.size() < bodyEnd_)
            return false;
        serveRequest(bodyEnd_);
        return true;
    }
    qsizetype used = 0;
    HttpRejection rejection;
    const auto result = chunked_->scan(QByteArrayView(raw_).sliced(chunkedScanned_), &used, &rejection);
    chunkedScanned_ += used;
    if (result == ChunkedBodyScanner::Result::Rejected) {
        refuse(rejection);
        return false;
    }
    if (chunkedScanned_ - head_.size > 2 * limits_.maxBodyBytes + kChunkFramingAllowance) {
        refuse({413, tooLarge(limits_.maxBodyBytes)});
        return false;
    }
    if (result == ChunkedBodyScanner::Result::Incomplete)
        return false;
    serveRequest(chunkedScanned_);
    return true;
}

void EdgeConnection::serveRequest(qsizetype bytes)
{
    const QByteArray request = raw_.first(bytes);
    raw_.remove(0, bytes);
    const bool last = !head_.keepAlive;
    const bool http10 = head_.minorVersion == 0;
    head_ = {};
    chunked_.reset();
    phase_ = Phase::Between;
    phaseClock_.restart();
    servedAny_ = true;
    if (!served_) {
        close();
        return;
    }
    served_->serve(request, last, http10); // answered when this returns
    if (served_ && served_->bytesAvailable() > 0) {
        // QHttpServer did not take the request as one: the two no longer agree on where
        // requests begin, so nothing more of this client can be served.
        qWarning("adserve: a request the edge passed was not read whole; closing the connection");
        close();
        return;
    }
    if (served_ && served_->hasLaterAnswer())
        return answerLater(last);
    if (last)
        close();
}

void EdgeConnection::answerLater(bool last)
{
    auto [writer, answer] = served_->takeLaterAnswer();
    writer_ = std::move(writer);
    phase_ = Phase::Answering;
    timer_.stop(); // the writer bounds its own time
    writer_->start(client_, std::move(answer), [this, last](AnswerWriter::Then then) { answerWritten(then, last); });
}

void EdgeConnection::answerWritten(AnswerWriter::Then then, bool last)
{
    // This runs inside writer_: it stays until the next one replaces it, which happens only
    // once the call has returned (the next request is served from the event loop).
    phase_ = Phase::Between;
    phaseClock_.restart();
    if (then == AnswerWriter::Then::Reset) {
        // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        const linger reset{1, 0};
        ::setsockopt(int(client_.socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        raw_.clear();
        client_.abort();
        return;
    }
    if (then == AnswerWriter::Then::Close || last) {
        close();
        return;
    }
    QMetaObject::invokeMethod(
        this,
        [this] {
            serveWhatIsComplete();
            receive();
        },
        Qt::QueuedConnection);
}

void EdgeConnection::refuse(const HttpRejection &rejection)
{
    stats_.countRejection(rejection.status);
    refused_ = true;
    raw_.clear();
    client_.write(errorAnswer(rejection.status, rejection.reason));
    close();
}

void EdgeConnection::close()
{
    if (phase_ == Phase::Closing)
        return;
    phase_ = Phase::Closing;
    raw_.clear();
    if (client_.bytesToWrite() == 0)
        halfClose(); // else once the answer has gone (receive(), on bytesWritten)
    armTimer();
}

void EdgeConnection::halfClose()
{
    // A lingering close: the client reads its answer to the end, then ours. Closing at once
    // while it still sends (a body we refused) would reset the connection, and the client's
    // kernel would throw the answer away unread.
    client_.flush();
    ::shutdown(int(client_.socketDescriptor()), SHUT_WR);
    halfClosed_ = true;
    timer_.start(kRefusedGraceMs); // then cut: a client that never stops sending is not waited for
}

void EdgeConnection::armTimer()
{
    switch (phase_) {
    case Phase::Answering:
        return;
    case Phase::Closing: // a refusal's answer is short, a last response may be long
        if (!timer_.isActive())
            timer_.start(refused_ ? std::chrono::milliseconds(kRefusedGraceMs) : limits_.idleTimeout);
        return;
    case Phase::Between:
        if (!raw_.isEmpty() || client_.bytesToWrite() > 0)
            timer_.stop(); // waiting for the client to read
        else if (!timer_.isActive())
            timer_.start(servedAny_ ? limits_.idleTimeout : limits_.headerTimeout);
        return;
    case Phase::Head:
        timer_.start(std::max<qint64>(0, limits_.headerTimeout.count() - phaseClock_.elapsed()));
        return;
    case Phase::Body:
        timer_.start(std::max<qint64>(0, limits_.bodyTimeout.count() - phaseClock_.elapsed()));
        return;
    }
}

void EdgeConnection::timedOut()
{
    switch (phase_) {
    case Phase::Answering:
        return;
    case Phase::Closing:
        client_.abort(); // the client does not take its answer
        return;
    case Phase::Between:
        if (client_.bytesToWrite() > 0) { // still sending it an answer: give it the idle time again
            timer_.start(limits_.idleTimeout);
            return;
        }
        if (servedAny_)
            ++stats_.idleClosed;
        close();
        return;
    case Phase::Head:
        refuse({408, "the request head did not arrive within " + QByteArray::number(limits_.headerTimeout.count()) + " ms"});
        return;
    case Phase::Body:
        refuse({408, "the request body did not arrive within " + QByteArray::number(limits_.bodyTimeout.count()) + " ms"});
        return;
    }
}

EdgeConnection *GuardedServer::longestIdle() const
{
    // Connections accepted in one go have not been read yet: one whose request is already in
    // the kernel's buffer is busy, not idle. It is read now, and the search goes on.
    for (int tries = 0; tries < 8; ++tries) {
        EdgeConnection *oldest = nullptr;
        for (EdgeConnection *connection : connections_) {
            if (connection->isIdle() && (!oldest || connection->idleMillis() > oldest->idleMillis()))
                oldest = connection;
        }
        if (!oldest || !oldest->readPending())
            return oldest;
    }
    return nullptr;
}

void GuardedServer::refuseBusy(qintptr socketDescriptor)
{
    // Answered like any refusal, with a lingering close, so that the answer is not lost to a
    // reset when the client's request arrives after it; a flood of them lingers no more than
    // the cap allows, the rest are cut at once.
    if (lingering_ < cap_) {
        auto *refusal = new EdgeConnection(limits_, takesBody_, stats_, this);
        if (refusal->adopt(socketDescriptor)) {
            ++lingering_;
            connect(refusal, &QObject::destroyed, this, [this] { --lingering_; });
            refusal->refuseNow({503, "too many connections: try again shortly"});
            return;
        }
        delete refusal;
    }
    ::close(int(socketDescriptor));
}

GuardedServer::GuardedServer(const HttpLimits &limits, int connectionCap, BodyPolicy takesBody, EdgeStats &stats,
                             QObject *parent)
    : QTcpServer(parent)
    , limits_(limits)
    , cap_(std::max(1, connectionCap))
    , takesBody_(std::move(takesBody))
    , stats_(stats)
{
}

void GuardedServer::incomingConnection(qintptr socketDescriptor)
{
    if (connections_.size() >= cap_) {
        EdgeConnection *oldest = longestIdle();
        if (!oldest) {
            ++stats_.refused;
            refuseBusy(socketDescriptor);
            return;
        }
        ++stats_.evicted;
        connections_.removeOne(oldest);
        oldest->evict();
    }
    auto *connection = new EdgeConnection(limits_, takesBody_, stats_, this);
    if (!connection->adopt(socketDescriptor)) {
        delete connection;
        ::close(int(socketDescriptor));
        return;
    }
    connections_.append(connection);
    connect(connection, &QObject::destroyed, this, [this, connection] { connections_.removeOne(connection); });
    addPendingConnection(connection->served());
}

} // namespace adserve
