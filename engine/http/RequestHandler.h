#pragma once

#include "EdgeStats.h"
#include "HttpApi.h"

#include <QByteArrayView>

namespace adserve {

// What HttpServerPool serves: the answer to each request, whether a route takes a body (the
// edge guard refuses one before reading it otherwise), and the counters of the edge.
// Called from every server thread at once.
class RequestHandler
{
public:
    virtual ~RequestHandler() = default;

    virtual HttpReply handle(const HttpRequest &request) = 0;
    // The reply was handed to the connection, which took `micros`.
    virtual void answered(const HttpReply &reply, qint64 micros) { Q_UNUSED(reply) Q_UNUSED(micros) }
    virtual bool takesBody(QByteArrayView method, QByteArrayView path) const = 0;
    virtual EdgeStats &edgeStats() = 0;
};

} // namespace adserve
