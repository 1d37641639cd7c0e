#pragma once

#include <QByteArray>

namespace adserve {

// Redis Cluster key placement: 16384 slots, CRC16/XMODEM of the key, or of its hash tag.
namespace RedisSlot {

inline constexpr int kCount = 16384;

quint16 crc16(QByteArrayView bytes);
// The part of a key that is hashed: the text between the first '{' and the next '}'
// when that is not empty, else the whole key ("foo{}{bar}" hashes all of it).
QByteArrayView hashTag(QByteArrayView key);
int of(QByteArrayView key);

} // namespace RedisSlot
} // namespace adserve
