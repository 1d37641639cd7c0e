#pragma once

struct redisReader;

namespace adserve {

struct RedisReply;

// Has a hiredis reader build RedisReply values itself, in place. hiredis's own functions
// make a redisReply (and a copy of its text) per value, which RedisReply then copied again:
// an MGET of N values cost 2N+1 allocations and two copies of every byte before anyone
// looked at a value. Built in place, each value is one QByteArray copied once from the
// reader's buffer, and an array's elements are one list filled in place.
namespace RedisReplyBuilder {

// Replies read from now on are built in `*root`, which outlives the reader's use: take a
// finished reply out of it (and leave it empty) when the reader hands back a reply. Before
// the reader has read anything.
void install(redisReader *reader, RedisReply *root);

} // namespace RedisReplyBuilder
} // namespace adserve
