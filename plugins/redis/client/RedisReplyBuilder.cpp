#include "RedisReplyBuilder.h"

#include "RedisReply.h"

#include <hiredis/read.h>

#include <algorithm>

namespace adserve::RedisReplyBuilder {

namespace {

// Where the reader's next value goes: the root the reader was given, or the end of the
// array that holds it. The reader creates an array's elements in order, and while one is
// filled (a nested array) its array does not grow, so nothing it is being built in moves.
RedisReply *placeFor(const redisReadTask *task)
{
    if (!task->parent)
        return static_cast<RedisReply *>(task->privdata);
    auto *array = static_cast<RedisReply *>(task->parent->obj);
    return &array->elements.emplaceBack();
}

// Room for an array's elements at once, up to a bound: a length is the server's word, and a
// bogus one must not allocate gigabytes before the bytes that would fill them ever come.
constexpr int kMostElementsReserved = 1 << 16;

void *createString(const redisReadTask *task, char *text, size_t length)
{
    RedisReply *reply = placeFor(task);
    switch (task->type) {
    case REDIS_REPLY_ERROR:
        reply->type = RedisReply::Type::Error;
        break;
    case REDIS_REPLY_STATUS:
        reply->type = RedisReply::Type::Status;
        break;
    default:
        reply->type = RedisReply::Type::String;
        break;
    }
    reply->bytes = QByteArray(text, qsizetype(length));
    return reply;
}

void *createArray(const redisReadTask *task, int elements)
{
    RedisReply *reply = placeFor(task);
    reply->type = RedisReply::Type::Array;
    reply->elements.reserve(std::min(elements, kMostElementsReserved));
    return reply;
}

void *createInteger(const redisReadTask *task, long long value)
{
    RedisReply *reply = placeFor(task);
    reply->type = RedisReply::Type::Integer;
    reply->integer = value;
    return reply;
}

void *createNil(const redisReadTask *task)
{
    RedisReply *reply = placeFor(task);
    reply->type = RedisReply::Type::Nil;
    return reply;
}

// The reader frees the reply it was building when it fails, or when it is freed itself:
// the values live in their owners, so freeing one empties it.
void freeObject(void *object)
{
    *static_cast<RedisReply *>(object) = RedisReply();
}

redisReplyObjectFunctions functions = {createString, createArray, createInteger, createNil, freeObject};

} // namespace

void install(redisReader *reader, RedisReply *root)
{
    reader->fn = &functions;
    reader->privdata = root;
}

} // namespace adserve::RedisReplyBuilder
