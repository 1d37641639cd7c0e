#pragma once

#include <QByteArray>
#include <QFile>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace adserve::bench {

// This process's resident memory in MB, as the kernel reports it (-1: unreadable).
inline qint64 rssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() / 1024;
    }
    return -1;
}

// What malloc has handed out and not had back, in MB (-1: not known here). Beside the RSS
// it tells live data from memory the heaps keep free.
inline qint64 heapInUseMb()
{
#if defined(__GLIBC__)
    const struct mallinfo2 info = mallinfo2();
    return qint64((info.uordblks + info.hblkhd) >> 20);
#else
    return -1;
#endif
}

} // namespace adserve::bench
