#pragma once

#include <QString>

namespace adserve {

// A delivery request as the simulator sends it: which endpoint and the three attributes,
// turned into the exact query string and the equivalent curl command.
struct DeliveryRequest
{
    QString path = QStringLiteral("/v1/delivery"); // or /api/v1/delivery
    QString country, os, app;

    // app, country, os percent-encoded, in the order the /v1 endpoint checks them.
    QString queryString() const;
    QString target() const { return path + QLatin1Char('?') + queryString(); }
    // A command a shell runs as is: the URL in single quotes (a ' inside is escaped).
    QString curl(const QString &baseUrl) const;
};

} // namespace adserve
