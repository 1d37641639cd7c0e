#include "RedisReply.h"

namespace adserve {

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
