#pragma once

#include "AnswerWriter.h"
#include "Metrics.h"
#include "delivery/DeliveryTiming.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <memory>
#include <span>
#include <vector>

class QTcpSocket;

namespace adserve {

struct DeliveredBody;
class CampaignApi;
class ChangeApi;
class Engine;
class ForecastApi;
class TrafficApi;
struct TargetingQuery;

struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;
    QUrlQuery query;
    QByteArray authorization; // the Authorization header
    QByteArray body;
    bool fromStudio = false; // asked by the studio itself, not over the network: full access
    QList<QPair<QByteArray, QByteArray>> headers; // as received (QA mode reads them; shared, not copied)
    const QTcpSocket *connection = nullptr; // the client's while the request is handled; nullptr: in-process
    bool mayAnswerLater = false; // the server takes a reply with `later` set (HttpReply::later)
};

// A delivery's reply that waits for the cache (DeliveryService::beginBody). The server gathers
// those of one moment and has HttpApi::finishLater() finish them together.
struct LaterReply;

struct HttpReply
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // besides Content-Type
    QByteArray contentType = QByteArrayLiteral("application/json"); // static: no allocation per reply
    int campaigns = -1; // campaigns delivered, for the request log (-1: not a delivery)
    DeliveryTiming timing; // a delivery's stages
    std::shared_ptr<AnswerWriter> writer; // writes the answer over time (QA mode); null: at once
    std::shared_ptr<LaterReply> later;    // set: the reply is HttpApi::finishLater()'s; nothing else is
};

// Admin routes that live outside HttpApi (QA mode's): under /api/v1/<prefix>, behind the admin
// token, and a word in /readyz.
class AdminExtension
{
public:
    virtual ~AdminExtension() = default;
    virtual QString prefix() const = 0;
    // `segments`: the path after /api/v1/<prefix>.
    virtual HttpReply handle(const HttpRequest &request, const QStringList &segments) = 0;
    // Added to /readyz under the prefix's name.
    virtual QJsonObject readiness() const = 0;
};

// Every HTTP route of adserve, independent of the server that carries it, so the same
// answers come from the headless server, the studio's embedded server and the simulator.
// Thread-safe: called from every server thread at once.
class HttpApi
{
public:
    HttpApi(Engine &engine, Metrics &metrics);
    ~HttpApi();
    // A delivery route's reply to a delivered body.
    using DeliveredReply = HttpReply (*)(DeliveredBody &&delivered);

    HttpReply handle(const HttpRequest &request);
    // The replies of `later`, in their order: the deliveries finished with one read of the
    // cache for all they miss, and counted in the metrics as handle() counts a reply.
    std::vector<HttpReply> finishLater(std::span<LaterReply *const> later);
    Metrics::Route routeOf(const QString &path) const;
    // Whether a request with this method and path may carry a body at all (the edge guard
    // refuses one before reading it otherwise).
    bool takesBody(QByteArrayView method, QByteArrayView path) const;
    Metrics &metrics() { return metrics_; }
    // Serves `extension`'s routes from now on; it must outlive this. Null: none. Set while no
    // server serves this API (before it starts, after it stops).
    void setExtension(AdminExtension *extension) { extension_ = extension; }

private:
    // Who is asking, from the bearer token: the admin token grants everything, the explain
    // token read access (explain, metrics, backend details in /readyz).
    enum class Caller { Anonymous, Reader, Admin };
    Caller callerOf(const HttpRequest &request) const;
    // Whether any token is configured: then explain and /metrics are not public.
    bool tokensConfigured() const;
    static HttpReply unauthorized();

    HttpReply deliveryApi(const HttpRequest &request);
    HttpReply deliveryV1(const HttpRequest &request);
    // The delivery of `query`'s first `limit` campaigns between `before` and `after`, as
    // `replyOf` answers it: now, or later when the request allows it and the cache is remote.
    HttpReply deliver(const HttpRequest &request, const TargetingQuery &query, size_t limit, QByteArrayView before,
                      QByteArrayView after, DeliveredReply replyOf);
    // Counts a valid delivery request in the engine's traffic (not the studio's own previews).
    void recordTraffic(const HttpRequest &request, const TargetingQuery &query);
    HttpReply explain(const HttpRequest &request, Caller caller);
    HttpReply loading(Metrics::Route route) const;
    HttpReply ready(const HttpRequest &request, Caller caller);
    HttpReply options(Metrics::Route route, const QString &path) const;
    HttpReply admin(const HttpRequest &request, Caller caller);
    HttpReply cacheAdmin(const HttpRequest &request, const QStringList &segments);
    HttpReply invalidateCache(QList<qint64> ids);

    Engine &engine_;
    Metrics &metrics_;
    std::unique_ptr<ChangeApi> changes_; // instances, changes, history and restore
    std::unique_ptr<CampaignApi> campaigns_; // campaigns and their rules
    std::unique_ptr<TrafficApi> traffic_;    // recorded traffic and its import
    std::unique_ptr<ForecastApi> forecasts_; // forecasts and reach over recorded traffic
    AdminExtension *extension_ = nullptr;
};

} // namespace adserve
