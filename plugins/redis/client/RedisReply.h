#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace adserve {

// One command's arguments, binary-safe: {"SET", key, value, "PX", "1000"}.
using RedisArgs = QList<QByteArray>;

// A reply from Redis as a plain Qt value, or the connection fault that stopped it
// (refused, timed out, closed). Error replies keep Redis's own text ("MOVED 42 h:p").
struct RedisReply
{
    enum class Type { Nil, Status, Error, Integer, String, Array, ConnectionError };

    Type type = Type::Nil;
    QByteArray bytes; // String, Status, Error and ConnectionError text
    qint64 integer = 0;
    QList<RedisReply> elements;

    static RedisReply connectionError(const QString &why);

    bool isError() const { return type == Type::Error || type == Type::ConnectionError; }
    bool isConnectionError() const { return type == Type::ConnectionError; }
    bool isNil() const { return type == Type::Nil; }
    // The first word of an error reply: "MOVED", "ASK", "TRYAGAIN", "WRONGTYPE", ...
    QByteArray errorCode() const;
    QString errorText() const { return QString::fromUtf8(bytes); }
};

} // namespace adserve
