#pragma once

#include "AnswerWriter.h"
#include "EdgeStats.h"
#include "RequestHead.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace adserve {

// Whether a request's route takes a body at all (the admin API's writes do; delivery does not).
using BodyPolicy = std::function<bool(const RequestHead &head)>;

// The socket QHttpServer sees: it has no network of its own. QHttpServer reads from it only
// the requests the edge released into it, one whole request at a time, and what it writes
// goes to the client's connection, which the edge owns (EdgeConnection).
class ServedSocket : public QTcpSocket
{
    Q_OBJECT
public:
    ServedSocket(QTcpSocket &client, QObject *parent = nullptr);

    // Hands QHttpServer one whole request; it answers it before this returns.
    void serve(const QByteArray &request, bool closeAfter, bool http10);
    // The client's connection ended.
    void clientGone();
    // About the request being answered: whether the connection closes after the answer,
    // and whether it came as HTTP/1.0.
    bool closesAfterAnswer() const { return closeAfter_; }
    bool answeringHttp10() const { return http10_; }

    qint64 bytesAvailable() const override;
    void disconnectFromHost() override;
    // Queues the bytes on the client connection as they are, shared rather than copied (a
    // large answer is not copied into the socket's buffer).
    void writeShared(const QByteArray &bytes) { client_.write(bytes); }
    // The answer to the request being served is `answer`, written by `writer` over time, after
    // serve() returns; no further request of the client is served meanwhile.
    void answerLater(std::shared_ptr<AnswerWriter> writer, QByteArray answer)
    {
        laterWriter_ = std::move(writer);
        laterAnswer_ = std::move(answer);
    }
    bool hasLaterAnswer() const { return laterWriter_ != nullptr; }
    std::pair<std::shared_ptr<AnswerWriter>, QByteArray> takeLaterAnswer()
    {
        return {std::exchange(laterWriter_, nullptr), std::exchange(laterAnswer_, {})};
    }

Q_SIGNALS:
    void closeRequested();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    QTcpSocket &client_;
    QByteArray ready_;
    std::shared_ptr<AnswerWriter> laterWriter_;
    QByteArray laterAnswer_;
    bool closeAfter_ = false;
    bool http10_ = false;
};

// One client connection with the edge guard in front of QHttpServer: it reads what the
// client sends itself, parses each request's head strictly (RequestHeadParser) and follows
// its body, within HttpLimits, and only then hands the whole request to QHttpServer
// (ServedSocket). So a connection can never make the server buffer more than a head and a
// body within the limits, nor hold it longer than the timeouts allow.
//
// What it refuses it answers itself (400, 408, 413, 414, 417, 431, 501, 505, with
// "Connection: close"), after the requests before it, and closes. It answers
// "100 Continue", closes after a response when the request asked for it (HTTP/1.0 without
// keep-alive, "Connection: close"), and stops taking requests from a client that does not
// read its answers until it does.
class EdgeConnection : public QObject
{
    Q_OBJECT
public:
    EdgeConnection(const HttpLimits &limits, BodyPolicy takesBody, EdgeStats &stats, QObject *parent = nullptr);
    ~EdgeConnection() override;

    // Takes over an accepted connection; false when the descriptor is unusable.
    bool adopt(qintptr socketDescriptor);
    ServedSocket *served() const { return served_; }
    // Between requests, nothing received and nothing being written.
    bool isIdle() const;
    qint64 idleMillis() const { return isIdle() ? phaseClock_.elapsed() : 0; }
    // Refuses before the client has asked anything (the server is full).
    void refuseNow(const HttpRejection &rejection);
    // Whether bytes of the client wait in the kernel, unread; if so they are read now.
    bool readPending();
    // Closes at once (the server needs the room).
    void evict();

private:
    // Answering: an AnswerWriter has the connection; nothing is read or served until it is done.
    enum class Phase { Between, Head, Body, Answering, Closing };

    void receive();
    void serveWhatIsComplete();
    bool examineHead();
    bool examineBody();
    void serveRequest(qsizetype bytes);
    void answerLater(bool last);
    void answerWritten(AnswerWriter::Then then, bool last);
    void refuse(const HttpRejection &rejection);
    void close();
    void halfClose();
    void armTimer();
    void timedOut();

    const HttpLimits limits_;
    const BodyPolicy takesBody_;
    EdgeStats &stats_;
    QTcpSocket client_;
    QPointer<ServedSocket> served_; // QHttpServer deletes it when the client is gone
    std::shared_ptr<AnswerWriter> writer_; // of the answer being written over time (or the last one)

    QByteArray raw_; // received and not served yet: at most one head and body, within the limits
    Phase phase_ = Phase::Between;
    RequestHead head_;
    qsizetype headSearchFrom_ = 0;
    qint64 bodyEnd_ = 0; // where the current request ends in raw_ (length-delimited)
    std::optional<ChunkedBodyScanner> chunked_;
    qsizetype chunkedScanned_ = 0; // bytes of raw_ the chunked scanner has seen
    bool servedAny_ = false;
    bool refused_ = false;
    bool halfClosed_ = false; // the answer is out, the client reads to its end; what it sends is dropped
    QTimer timer_;
    QElapsedTimer phaseClock_;
};

// The listening socket of one server thread: hands QHttpServer guarded connections, and
// keeps their number within the thread's share of HttpLimits::maxConnections. At the cap a
// new connection takes the place of the connection idle the longest, or, when every one is
// busy, is answered 503 and closed at once.
class GuardedServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedServer(const HttpLimits &limits, int connectionCap, BodyPolicy takesBody, EdgeStats &stats,
                  QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    // Answers 503 on a connection over the cap and closes it, without taking it on.
    void refuseBusy(qintptr socketDescriptor);
    // The connection idle the longest, or nullptr when every one is busy.
    EdgeConnection *longestIdle() const;

    const HttpLimits limits_;
    const int cap_;
    const BodyPolicy takesBody_;
    EdgeStats &stats_;
    QList<EdgeConnection *> connections_;
    int lingering_ = 0; // refused connections still closing
};

} // namespace adserve
