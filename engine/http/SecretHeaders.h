#pragma once

#include <QByteArrayView>

namespace adserve {

// Request and response headers that carry credentials: never shown, logged, journaled or
// copied as they are.
inline bool isSecretHeader(QByteArrayView name)
{
    for (const char *secret : {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Auth-Token"}) {
        if (name.compare(QByteArrayView(secret), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace adserve
