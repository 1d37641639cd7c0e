#pragma once

#include <QByteArray>
#include <QFile>

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

} // namespace adserve::bench
