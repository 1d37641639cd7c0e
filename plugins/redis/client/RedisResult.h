#pragma once

#include <QString>

namespace adserve {

// A value from Redis, or why there is none. The client never throws: every fault
// (bad URL, refused connection, timeout, error reply) comes back as a message.
// A partial result has both: some cluster nodes failed (`error` names them) and `value`
// holds what the others answered. It is not ok(), so a caller that wants the whole
// answer treats it as the failure it also is.
template<typename T>
struct RedisResult
{
    T value{};
    QString error;
    bool partial = false;

    bool ok() const { return error.isEmpty(); }
    static RedisResult failure(QString why) { return RedisResult{T{}, std::move(why)}; }
    static RedisResult partialFailure(T answered, QString why)
    {
        return RedisResult{std::move(answered), std::move(why), true};
    }
};

} // namespace adserve
