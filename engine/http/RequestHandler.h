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
    // Whether handle() may give a reply with `later` set, when the request allows it.
    virtual bool answersLater() const { return false; }
    // The replies of `later`, in their order (see HttpReply::later).
    virtual std::vector<HttpReply> finishLater(std::span<LaterReply *const> later)
    {
        Q_UNUSED(later)
        return {};
    }
    // The reply was handed to the connection, which took `micros`.
    virtual void answered(const HttpReply &reply, qint64 micros) { Q_UNUSED(reply) Q_UNUSED(micros) }
    virtual bool takesBody(QByteArrayView method, QByteArrayView path) const = 0;
    virtual EdgeStats &edgeStats() = 0;
};

} // namespace adserve
