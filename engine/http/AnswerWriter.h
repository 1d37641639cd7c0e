#pragma once

#include <QByteArray>

#include <functional>

class QTcpSocket;

namespace adserve {

// An answer that is not written at once: QA mode's latency, dribbled bodies and faults. The
// edge hands it the client's connection and serves no further request of that client until
// the writer says how the connection goes on, so pipelined answers keep their order.
//
// Why the edge and not QHttpServer: in Qt 6.4 a handler has to answer before it returns (a
// QHttpServerResponder that outlives it, or a QFuture route, can reorder pipelined answers,
// QTBUG-105202), and QHttpServer's socket here is the edge's stand-in, which cannot reset a
// connection. The edge owns the client's real socket and already decides when the next request
// of a connection is served: waiting there costs the server thread nothing.
class AnswerWriter
{
public:
    enum class Then { KeepServing, Close, Reset };
    using Finished = std::function<void(Then)>;

    virtual ~AnswerWriter() = default;
    // `answer` is the whole response, head and body. Runs on the connection's thread; the writer
    // may use `client` until it calls `finished` (its last act, never from within start()) or is
    // destroyed (the client left).
    virtual void start(QTcpSocket &client, QByteArray answer, Finished finished) = 0;
};

} // namespace adserve
