#include "RedisKeyWatcher.h"

namespace adserve {

namespace {

// A pause between attempts to start a watch the server refused or could not answer.
constexpr std::chrono::milliseconds kRetryAfter{500};
// The longest the thread reads without looking whether it should stop.
constexpr std::chrono::milliseconds kReadSlice{100};

bool isPushOf(const RedisReply &reply, const char *kind, qsizetype elements)
{
    return reply.type == RedisReply::Type::Array && reply.elements.size() == elements
           && reply.elements.constFirst().bytes == kind;
}

} // namespace

RedisKeyWatcher::RedisKeyWatcher(const RedisOptions &options, QByteArray keyPrefix, Reports reports)
    : options_(options)
    , keyPrefix_(std::move(keyPrefix))
    , reports_(std::move(reports))
    , connector_(options.address, options)
    , thread_([this] { run(); })
{
}

RedisKeyWatcher::~RedisKeyWatcher()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stopped_.notify_all();
    thread_.join();
}

bool RedisKeyWatcher::pauseUnlessStopping(std::chrono::milliseconds pause)
{
    std::unique_lock lock(mutex_);
    return !stopped_.wait_for(lock, pause, [this] { return stopping(); });
}

void RedisKeyWatcher::run()
{
    bool waiting = false;
    while (!stopping()) {
        QString why;
        std::unique_ptr<RedisWire> wire =
            connector_.take(RedisClock::now() + options_.connectTimeout + options_.commandTimeout, &waiting, &why);
        if (!wire) {
            pauseUnlessStopping(kRetryAfter);
            continue;
        }
        const Start start = startTracking(*wire, &why);
        if (start == Start::Unsupported)
            break;
        if (start == Start::Failed) {
            connector_.reportFault(why);
            pauseUnlessStopping(kRetryAfter);
            continue;
        }
        reports_.watchRestarted(true);
        why = listen(*wire);
        reports_.watchRestarted(false);
        if (!why.isEmpty())
            connector_.reportFault(why);
    }
    connector_.withdraw(&waiting);
}

RedisKeyWatcher::Start RedisKeyWatcher::startTracking(RedisWire &wire, QString *why)
{
    const RedisDeadline deadline = RedisClock::now() + options_.commandTimeout;
    const auto failed = [&](RedisWire::Fault fault) {
        *why = connector_.where() + QStringLiteral(": ")
               + wire.describe(fault, options_.commandTimeout, "starting to watch keys");
        return Start::Failed;
    };
    RedisReply id;
    if (auto fault = wire.send({{"CLIENT", "ID"}}, deadline); fault != RedisWire::Fault::None)
        return failed(fault);
    if (auto fault = wire.read(&id, deadline); fault != RedisWire::Fault::None)
        return failed(fault);
    if (id.type != RedisReply::Type::Integer)
        return Start::Unsupported; // before Redis 5
    // The invalidations go to this very connection, which then only listens.
    const QList<RedisArgs> commands{
        {"CLIENT", "TRACKING", "on", "REDIRECT", QByteArray::number(id.integer), "BCAST", "PREFIX", keyPrefix_},
        {"SUBSCRIBE", "__redis__:invalidate"},
    };
    if (auto fault = wire.send(commands, deadline); fault != RedisWire::Fault::None)
        return failed(fault);
    RedisReply tracking, subscribed;
    if (auto fault = wire.read(&tracking, deadline); fault != RedisWire::Fault::None)
        return failed(fault);
    if (tracking.isError())
        return Start::Unsupported; // before Redis 6
    if (auto fault = wire.read(&subscribed, deadline); fault != RedisWire::Fault::None)
        return failed(fault);
    if (!isPushOf(subscribed, "subscribe", 3)) {
        *why = connector_.where() + QStringLiteral(": unexpected answer to SUBSCRIBE");
        return Start::Failed;
    }
    return Start::Watching;
}

QString RedisKeyWatcher::listen(RedisWire &wire)
{
    RedisClock::time_point nextPing = RedisClock::now() + kPingEvery;
    std::optional<RedisClock::time_point> pingSentAt;
    while (!stopping()) {
        const RedisClock::time_point now = RedisClock::now();
        if (pingSentAt && now - *pingSentAt > kAnswerWithin)
            return connector_.where() + QStringLiteral(": no answer to PING within %1 ms (watching keys)")
                                            .arg(kAnswerWithin.count());
        if (!pingSentAt && now >= nextPing) {
            if (auto fault = wire.send({{"PING"}}, now + options_.commandTimeout); fault != RedisWire::Fault::None)
                return connector_.where() + QStringLiteral(": ")
                       + wire.describe(fault, options_.commandTimeout, "watching keys");
            pingSentAt = now;
        }
        RedisReply reply;
        const RedisClock::time_point until = pingSentAt ? now + kReadSlice : std::min(now + kReadSlice, nextPing);
        const RedisWire::Fault fault = wire.read(&reply, until);
        if (fault == RedisWire::Fault::TimedOut)
            continue;
        if (fault != RedisWire::Fault::None)
            return connector_.where() + QStringLiteral(": ") + wire.describe(fault, kReadSlice, "watching keys");
        if (isPushOf(reply, "pong", 2)) {
            pingSentAt.reset();
            nextPing = RedisClock::now() + kPingEvery;
        } else if (isPushOf(reply, "message", 3)) {
            const RedisReply &changed = reply.elements.at(2);
            if (changed.type != RedisReply::Type::Array) {
                reports_.watchRestarted(true); // a flush: any key may have changed
                continue;
            }
            QList<QByteArray> keys;
            keys.reserve(changed.elements.size());
            for (const RedisReply &key : changed.elements)
                keys.append(key.bytes);
            reports_.keysChanged(keys);
        }
    }
    return {};
}

} // namespace adserve
