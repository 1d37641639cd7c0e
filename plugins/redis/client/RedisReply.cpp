#include "RedisReply.h"

#include <hiredis/hiredis.h>

namespace adserve {

RedisReply RedisReply::fromHiredis(const redisReply *reply)
{
    RedisReply result;
    switch (reply->type) {
    case REDIS_REPLY_STRING:
        result.type = Type::String;
        break;
    case REDIS_REPLY_STATUS:
        result.type = Type::Status;
        break;
    case REDIS_REPLY_ERROR:
        result.type = Type::Error;
        break;
    case REDIS_REPLY_INTEGER:
        result.type = Type::Integer;
        result.integer = reply->integer;
        return result;
    case REDIS_REPLY_ARRAY:
        result.type = Type::Array;
        result.elements.reserve(qsizetype(reply->elements));
        for (size_t i = 0; i < reply->elements; ++i)
            result.elements.append(fromHiredis(reply->element[i]));
        return result;
    default:
        return result; // Nil
    }
    // String, status and error replies carry their text.
    result.bytes = QByteArray(reply->str, qsizetype(reply->len));
    return result;
}

RedisReply RedisReply::connectionError(const QString &why)
{
    RedisReply result;
    result.type = Type::ConnectionError;
    result.bytes = why.toUtf8();
    return result;
}

QByteArray RedisReply::errorCode() const
{
    if (type != Type::Error)
        return {};
    const qsizetype space = bytes.indexOf(' ');
    return space < 0 ? bytes : bytes.left(space);
}

} // namespace adserve
