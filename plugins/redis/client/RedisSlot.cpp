#include "RedisSlot.h"

#include <array>

namespace adserve::RedisSlot {

namespace {

// CRC16/XMODEM: polynomial 0x1021, initial value 0, no reflection (as Redis Cluster uses).
constexpr std::array<quint16, 256> makeTable()
{
    std::array<quint16, 256> table{};
    for (int byte = 0; byte < 256; ++byte) {
        quint16 crc = quint16(byte << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        table[byte] = crc;
    }
    return table;
}

constexpr std::array<quint16, 256> kTable = makeTable();

} // namespace

quint16 crc16(QByteArrayView bytes)
{
    quint16 crc = 0;
    for (char c : bytes)
        crc = quint16((crc << 8) ^ kTable[((crc >> 8) ^ quint8(c)) & 0xff]);
    return crc;
}

QByteArrayView hashTag(QByteArrayView key)
{
    const qsizetype open = key.indexOf('{');
    if (open < 0)
        return key;
    const qsizetype close = key.indexOf('}', open + 1);
    if (close < 0 || close == open + 1)
        return key;
    return key.sliced(open + 1, close - open - 1);
}

int of(QByteArrayView key)
{
    return crc16(hashTag(key)) & (kCount - 1);
}

} // namespace adserve::RedisSlot
