#pragma once

#include "RedisClient.h"

#include <memory>

namespace adserve::test {

// A client for a test server's URL (with the test's query options); a URL the client does not
// take is the test's own mistake.
inline std::unique_ptr<RedisClient> clientFor(const QString &url)
{
    const auto options = RedisOptions::fromUrl(url);
    if (!options.ok())
        qFatal("bad test URL: %s", qPrintable(options.error));
    return RedisClient::create(options.value);
}

} // namespace adserve::test
