#pragma once

#include "HttpApi.h"
#include "RequestHandler.h"

namespace adserve {

// adserve's routes, as HttpServerPool serves them.
class ApiRequestHandler : public RequestHandler
{
public:
    explicit ApiRequestHandler(HttpApi &api)
        : api_(api)
    {
    }
    HttpReply handle(const HttpRequest &request) override { return api_.handle(request); }
    bool answersLater() const override { return true; }
    std::vector<HttpReply> finishLater(std::span<LaterReply *const> later) override { return api_.finishLater(later); }
    void answered(const HttpReply &reply, qint64 micros) override
    {
        if (reply.campaigns >= 0)
            api_.metrics().recordAnswerWrite(micros);
    }
    bool takesBody(QByteArrayView method, QByteArrayView path) const override { return api_.takesBody(method, path); }
    EdgeStats &edgeStats() override { return api_.metrics().edge(); }

protected:
    HttpApi &api_;
};

} // namespace adserve
