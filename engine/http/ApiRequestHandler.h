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
