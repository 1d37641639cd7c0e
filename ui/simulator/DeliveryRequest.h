#pragma once

#include "targeting/MatchIndex.h"

#include <QString>

#include <optional>

namespace adserve {

// A delivery request as the simulator sends it: which endpoint, the three attributes and the
// answer's limit, turned into the exact query string and the equivalent curl command. At
// another instant only the explain route answers, so then that is the request.
struct DeliveryRequest
{
    QString path = QStringLiteral("/v1/delivery"); // or /api/v1/delivery
    QString country, os, app;
    qint64 limit = 0;         // at most this many campaigns; 0: every match
    std::optional<qint64> at; // ms since the epoch: the answer as of then, from the explain route

    // What the answer is given for besides the targeting.
    AnswerScope scope() const { return {limit > 0 ? size_t(limit) : MatchIndex::kAll, at}; }
    // `path`, or the explain route at another instant.
    QString route() const;
    // app, country, os percent-encoded, in the order the /v1 endpoint checks them; then the
    // limit (explain's `answerLimit`) when given, and the instant.
    QString queryString() const;
    QString target() const { return route() + QLatin1Char('?') + queryString(); }
    // A command a shell runs as is: the URL in single quotes (a ' inside is escaped).
    QString curl(const QString &baseUrl) const;
};

} // namespace adserve
