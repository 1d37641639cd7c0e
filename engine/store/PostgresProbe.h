#pragma once

#include <QString>

#include <chrono>

namespace adserve::PostgresProbe {

// Whether a PostgreSQL server answers at all, found out within `timeout`: a connection and an
// SSLRequest, which the server answers with one byte before any authentication. libpq's own
// connect waits for a server that accepts connections but never answers (frozen, or behind a
// network that drops packets) up to connect_timeout, whole seconds and at least two; asked
// first, this bounds a store call that has to connect by its query timeout.
//
// False, with `error` set, only when the server did not answer in time. Anything else (a
// refused connection, a name that does not resolve) is libpq's to report: true. So is a target
// this cannot probe (several hosts, the default socket folder).
bool answers(const QString &host, int port, std::chrono::milliseconds timeout, QString *error);

} // namespace adserve::PostgresProbe
