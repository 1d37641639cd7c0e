#pragma once

#include "EdgeGuard.h"
#include "HttpApi.h"
#include "RequestHandler.h"

#include <QDateTime>
#include <QHostAddress>
#include <QObject>

#include <memory>
#include <vector>

namespace adserve {

// One served request, for the studio's live log. Built only while someone listens (see
// hasRequestListeners()); headers are shared with the request and the reply, not copied, and a
// body is copied only past kMaxBody, when its first kMaxBody bytes are kept.
struct RequestRecord
{
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    static constexpr qsizetype kMaxBody = 64 * 1024;

    QDateTime time;
    QByteArray method;
    QString target; // path and query
    int status = 0;
    int campaigns = -1;
    qint64 micros = 0; // server time: from reading the request to handing the answer to the connection
    Headers requestHeaders; // as received, Authorization included (the log redacts what it shows)
    QByteArray requestBody; // the first kMaxBody bytes
    qint64 requestBytes = 0;
    Headers responseHeaders; // as written: Content-Type, Content-Length, the route's, Connection
    QByteArray responseBody; // the first kMaxBody bytes (none for HEAD)
    qint64 responseBytes = 0;

    // The bytes this record holds beyond its fixed size: what a bounded log counts.
    qint64 heldBytes() const;
};

// The HTTP server: one QAbstractHttpServer per thread, each on its own listening socket,
// all sharing one port through SO_REUSEPORT so the kernel spreads connections over the
// threads. Handlers run synchronously on their thread (see DESIGN.md on Qt 6.4). In front
// of each, the edge guard (GuardedServer, GuardedSocket) bounds what a connection may cost.
class HttpServerPool : public QObject
{
    Q_OBJECT
public:
    // Serves adserve's routes.
    HttpServerPool(HttpApi &api, const HttpLimits &limits = {}, QObject *parent = nullptr);
    // Serves whatever `handler` answers; it must outlive the pool.
    HttpServerPool(RequestHandler &handler, const HttpLimits &limits = {}, QObject *parent = nullptr);
    ~HttpServerPool() override;

    // Has every thread but the main one run Qt's own event loop rather than GLib's: GLib
    // wakes its loop (an eventfd write) each time a socket notifier is switched on or off,
    // which a server thread does twice per answer. Call at the top of main(), before any
    // thread starts; the main thread keeps GLib's loop (a desktop's integrations use it).
    static void preferQtEventLoopOnThreads();

    // Binds and starts `threads` servers (0: two per core). Returns false with `error`
    // (e.g. the port is taken) and leaves nothing running.
    bool start(const QHostAddress &address, quint16 port, int threads, QString *error);
    void stop();
    bool isRunning() const { return !workers_.empty(); }
    QHostAddress address() const { return address_; }
    quint16 port() const { return port_; }
    QString url() const;
    // Whether anyone listens to requestServed: building a record is skipped otherwise.
    bool hasRequestListeners() const;
    const HttpLimits &limits() const { return limits_; }

Q_SIGNALS:
    // Emitted from the server threads; connect with a queued connection.
    void requestServed(const adserve::RequestRecord &record);
    void runningChanged(bool running);

private:
    class Worker;
    std::unique_ptr<RequestHandler> ownHandler_; // HttpApi's, when the pool was made over one
    RequestHandler &handler_;
    const HttpLimits limits_;
    std::vector<std::unique_ptr<Worker>> workers_;
    QHostAddress address_;
    quint16 port_ = 0;
};

} // namespace adserve

Q_DECLARE_METATYPE(adserve::RequestRecord)
