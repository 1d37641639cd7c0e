#pragma once

#include "http/HttpServerPool.h"
#include "simulator/DeliveryRequest.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace adserve {

// What the request log says about one recorded request, and what it can do with it again.
namespace RequestDetails {

// The value of header `name` (case-insensitive); empty when absent.
QByteArray header(const RequestRecord::Headers &headers, QByteArrayView name);
// The id of the load run that sent the request (LoadRun::kRunHeader); empty: none did.
QByteArray loadRunId(const RequestRecord &record);

// The request (method, URL, headers, body) and the response (status, headers, body), as text;
// credentials (Authorization, cookies, API keys) shown without their secret, a cut body said to be cut.
QString text(const RequestRecord &record, const QString &baseUrl);

// Headers a resent request must not carry: the connection's own and the load run's mark.
// Secret ones (http/SecretHeaders.h) are left out of what is shown or copied, kept for Replay.
bool isTransportHeader(QByteArrayView name);

// The request as a curl command a shell runs as is. `leftOut` gets what it could not carry
// (the Authorization header, a body cut at RequestRecord::kMaxBody).
QString curl(const RequestRecord &record, const QString &baseUrl, QStringList *leftOut);

// A GET of a delivery route as the simulator sends it; nullopt for any other request.
std::optional<DeliveryRequest> deliveryRequest(const RequestRecord &record);

} // namespace RequestDetails

} // namespace adserve
