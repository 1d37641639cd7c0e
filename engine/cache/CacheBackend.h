#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QVariantMap>
#include <QtPlugin>

#include <chrono>
#include <memory>
#include <optional>

namespace adserve {

// The outcome of a cache call: a value, or the reason it failed. A failed cache call is
// never fatal for delivery: the caller falls back to the store and counts the error.
// A partial reply has both: part of the cache failed (one Redis Cluster node, say) and
// `value` holds what the rest answered. It is not ok(): a caller that needs the whole
// answer treats it as a failure; one that can use part of it checks `partial`.
template<typename T>
struct CacheReply
{
    T value{};
    QString error;
    bool partial = false;

    bool ok() const { return error.isEmpty(); }
    static CacheReply failure(QString why) { return CacheReply{T{}, std::move(why)}; }
    static CacheReply partialFailure(T answered, QString why)
    {
        return CacheReply{std::move(answered), std::move(why), true};
    }
};

struct CacheKeyPage
{
    QList<QByteArray> keys;
    QByteArray nextCursor; // "0" (or empty) when the scan is complete
};

// Key TTL convention, as Redis PTTL answers: -2 the key does not exist, -1 no expiry.
inline constexpr qint64 kTtlMissingKey = -2;
inline constexpr qint64 kTtlNoExpiry = -1;

// What the key browser shows of a key besides its value. The default is a missing key.
struct CacheKeyDetails
{
    QByteArray type = QByteArrayLiteral("none"); // as Redis TYPE answers: "string", "hash", "list", ...
    qint64 ttlMs = kTtlMissingKey;               // or kTtlNoExpiry
};

// Told of changes to a backend's keys, by a backend that watches them
// (CacheBackend::watchChanges). Called on any thread, the backend's own included.
class CacheChangeListener
{
public:
    virtual ~CacheChangeListener() = default;
    // These keys were written, removed or expired: a value read of them before may be stale.
    virtual void keysChanged(const QList<QByteArray> &keys) = 0;
    // Changes are reported from now on (`watching`), or no longer are. Either way, any value
    // read before may have changed unreported (the watch was lost, or the cache flushed).
    virtual void watchRestarted(bool watching) = 0;
};

// A key-value cache the delivery path reads through. Implementations are thread-safe:
// the delivery path calls them from the HTTP threads and the engine's pool at once.
class CacheBackend
{
public:
    virtual ~CacheBackend() = default;

    // "memory", "redis", "redis-cluster": what the studio and /readyz show.
    virtual QString kind() const = 0;
    // Where it points, without any password.
    virtual QString describe() const = 0;
    // True when the values live in this process: a read costs no round trip to wait for.
    virtual bool inProcess() const { return false; }
    // Reports every change of the keys starting with `keyPrefix` to `listener` from now on
    // (watchRestarted(true) says when it starts) and returns true; or false when it cannot
    // tell of changes. Called once, before the backend is read; `listener` outlives the backend.
    virtual bool watchChanges(CacheChangeListener *listener, const QByteArray &keyPrefix)
    {
        Q_UNUSED(listener)
        Q_UNUSED(keyPrefix)
        return false;
    }

    // One value per key, in the keys' order; std::nullopt for a key that is absent.
    // When part of the cache fails, a partial reply: its keys come back absent.
    virtual CacheReply<QList<std::optional<QByteArray>>> getMany(const QList<QByteArray> &keys) = 0;
    // getMany() in batches of at most `batchSize` keys, sent together: one round trip for
    // all. A backend without round trips reads them all at once.
    virtual CacheReply<QList<std::optional<QByteArray>>> getManyInBatches(const QList<QByteArray> &keys,
                                                                          qsizetype batchSize)
    {
        Q_UNUSED(batchSize)
        return getMany(keys);
    }
    virtual CacheReply<bool> setMany(const QList<QPair<QByteArray, QByteArray>> &items,
                                     std::chrono::milliseconds ttl) = 0;
    // Returns how many keys existed.
    virtual CacheReply<qint64> remove(const QList<QByteArray> &keys) = 0;

    // Inspection, for the studio and the admin API. `pattern` is a Redis glob.
    virtual CacheReply<CacheKeyPage> scan(const QByteArray &pattern, const QByteArray &cursor,
                                          int count) = 0;
    // One entry per key, in the keys' order, in one round trip: a listed page of keys
    // costs one call, not one per key. A missing key is {"none", kTtlMissingKey}.
    virtual CacheReply<QList<CacheKeyDetails>> keyDetails(const QList<QByteArray> &keys) = 0;
    // ttl <= 0 removes the expiry.
    virtual CacheReply<bool> setTtl(const QByteArray &key, std::chrono::milliseconds ttl) = 0;
    virtual CacheReply<qint64> keyCount() = 0;
    // The server's own figures (memory, keyspace hits, version, nodes, ...), for display.
    virtual CacheReply<QVariantMap> serverInfo() = 0;
    // Cheap liveness check for /readyz.
    virtual CacheReply<bool> ping() = 0;
};

// What a cache plugin is given to create a backend.
struct CacheSettings
{
    QString url;                 // "memory://", "redis://[[user]:password@]host[:port][/db]"
    bool cluster = false;        // REDIS_CLUSTER
    std::chrono::milliseconds connectTimeout{200};
    std::chrono::milliseconds commandTimeout{50};
    qint64 maxEntries = 1'000'000; // bound of the memory cache
};

// The interface every cache plugin exports (Q_PLUGIN_METADATA with this IID).
class CacheBackendFactory
{
public:
    virtual ~CacheBackendFactory() = default;
    // URL schemes this plugin serves, e.g. {"redis"}.
    virtual QStringList schemes() const = 0;
    // nullptr with `error` set when the settings are unusable.
    virtual std::unique_ptr<CacheBackend> create(const CacheSettings &settings, QString *error) = 0;
};

} // namespace adserve

#define AdserveCacheBackendFactory_iid "io.adserve.CacheBackendFactory/1"
Q_DECLARE_INTERFACE(adserve::CacheBackendFactory, AdserveCacheBackendFactory_iid)
