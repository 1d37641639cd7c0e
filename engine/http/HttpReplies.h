#pragma once

#include "HttpApi.h"
#include "store/StoreResult.h"

#include <QHash>
#include <QJsonObject>
#include <QUrlQuery>

#include <optional>

namespace adserve {

// The building blocks of adserve's answers, shared by every group of routes.
namespace HttpReplies {

HttpReply json(int status, const QJsonObject &object);
HttpReply error(int status, const QString &message);
HttpReply noContent();
HttpReply methodNotAllowed(const QByteArray &allowed);
HttpReply notFound(const QString &path);
HttpReply fieldErrors(int status, const QString &message, const QList<FieldError> &errors);
// A write's answer: `body` (if any) with "changeId", and the X-Adserve-Change-Id header.
HttpReply written(int status, QJsonObject body, qint64 changeId);
HttpReply noContentWritten(qint64 changeId);

// What a client is told when a backend ("store", "cache") fails: that it is unavailable, never
// why (the reason can hold SQL, host names or file paths). The reason goes to the server log,
// at most once a second so a dead backend under load does not flood it.
QString unavailable(const QString &backend, const QString &reason);

// The answer for a failed store call: 404, 400 (fields), 409, or 503.
template<typename T>
HttpReply storeFailure(const StoreResult<T> &result)
{
    switch (result.error) {
    case StoreError::NotFound: return error(404, result.message);
    case StoreError::Invalid: return fieldErrors(400, result.message, result.fieldErrors);
    case StoreError::Conflict: return error(409, result.message);
    case StoreError::Unavailable:
    case StoreError::None: break;
    }
    return error(503, unavailable(QStringLiteral("store"), result.message));
}

// The request's body as a JSON object, or nullopt with `problem` set to the 400 that says why.
std::optional<QJsonObject> jsonObjectBody(const HttpRequest &request, HttpReply *problem);

// Hands the request's body to `handle` as a JSON object, or answers the 400 that says why not.
template<typename Handler>
HttpReply withJsonBody(const HttpRequest &request, Handler &&handle)
{
    HttpReply problem;
    const auto body = jsonObjectBody(request, &problem);
    return body ? handle(*body) : problem;
}

// The value of the request's header `name` (any case), trimmed; empty when absent.
QByteArray headerValue(const HttpRequest &request, QByteArrayView name);
// A positive id, or nullopt.
std::optional<qint64> parseId(const QString &text);
// Query parameters as Go's url.Values reads them: first occurrence wins, '+' is a space.
QHash<QString, QString> queryParams(const QUrlQuery &query);
// A whole-number parameter within [min, max], `fallback` when absent; nullopt when malformed
// (then `problem` holds the 400 to answer).
std::optional<qint64> boundedParam(const QHash<QString, QString> &params, const QString &name, qint64 fallback,
                                   qint64 min, qint64 max, HttpReply *problem);

} // namespace HttpReplies

} // namespace adserve
