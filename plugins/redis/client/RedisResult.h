#pragma once

#include <QString>

namespace adserve {

// A value from Redis, or why there is none. The client never throws: every fault
// (bad URL, refused connection, timeout, error reply) comes back as a message.
template<typename T>
struct RedisResult
{
    T value{};
    QString error;

    bool ok() const { return error.isEmpty(); }
    static RedisResult failure(QString why) { return RedisResult{T{}, std::move(why)}; }
};

} // namespace adserve
