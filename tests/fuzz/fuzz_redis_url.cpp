// REDIS_URL as the server reads it: a URL either gives usable settings or a clear error.
#include "FuzzCheck.h"
#include "RedisOptions.h"

using namespace adserve;
using namespace std::chrono_literals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString url = QString::fromUtf8(fuzzInput(data, size));
    RedisOptions cluster;
    cluster.cluster = true;
    for (const RedisOptions &defaults : {RedisOptions{}, cluster}) {
        const auto options = RedisOptions::fromUrl(url, defaults);
        if (!options.ok()) {
            FUZZ_CHECK(options.error.startsWith(QLatin1String("invalid Redis URL"))
                       || options.error.contains(QLatin1String("redis://")));
            continue;
        }
        const RedisOptions &o = options.value;
        FUZZ_CHECK(!o.address.host.isEmpty() && o.address.port > 0 && o.db >= 0);
        FUZZ_CHECK(!o.cluster || o.db == 0);
        FUZZ_CHECK(o.user.isEmpty() || !o.password.isEmpty());
        FUZZ_CHECK(o.connectTimeout > 0ms && o.connectTimeout <= 24h);
        FUZZ_CHECK(o.commandTimeout > 0ms && o.commandTimeout <= 24h);
        FUZZ_CHECK(o.describe().startsWith(QLatin1String("redis://")));
    }
    return 0;
}
