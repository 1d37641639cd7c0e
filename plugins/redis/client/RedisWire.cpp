#include "RedisWire.h"

#include "RedisReplyBuilder.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace adserve {

namespace {

timeval toTimeval(std::chrono::milliseconds ms)
{
    return timeval{time_t(ms.count() / 1000), suseconds_t((ms.count() % 1000) * 1000)};
}

// One read takes what a large reply brought at once: hiredis's own reads 16 KB at a time,
// and an MGET of 50 campaigns is about that.
constexpr size_t kReadChunk = 64 * 1024;
// The reader's buffer is kept between replies up to this much spare room; hiredis's default
// (16 KB) freed and grew it again for every reply larger than that.
constexpr size_t kReaderSpareBytes = 1024 * 1024;

// hiredis writes with write(2): a server that went away would raise SIGPIPE and end the
// process. Ignore it, unless the application installed a handler of its own.
void ignoreSigpipe()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current = {};
        if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
            std::signal(SIGPIPE, SIG_IGN);
    });
}

} // namespace

std::unique_ptr<RedisWire> RedisWire::connect(const RedisNodeAddress &node, std::chrono::milliseconds timeout,
                                              QString *error)
{
    ignoreSigpipe();
    redisContext *context = redisConnectWithTimeout(node.host.toUtf8().constData(), node.port, toTimeval(timeout));
    if (!context || context->err) {
        *error = QStringLiteral("cannot connect: ")
                 + (context ? QString::fromLocal8Bit(context->errstr) : QStringLiteral("out of memory"));
        if (context)
            redisFree(context);
        return nullptr;
    }
    // From here on hiredis never waits: without REDIS_BLOCK it takes EAGAIN as "nothing yet".
    const int flags = fcntl(context->fd, F_GETFL);
    if (flags < 0 || fcntl(context->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        *error = QStringLiteral("cannot make the socket non-blocking: ") + QString::fromLocal8Bit(strerror(errno));
        redisFree(context);
        return nullptr;
    }
    context->flags &= ~REDIS_BLOCK;
    return std::unique_ptr<RedisWire>(new RedisWire(context));
}

RedisWire::RedisWire(redisContext *context) : m_context(context)
{
    RedisReplyBuilder::install(m_context->reader, &m_pending);
    m_context->reader->maxbuf = kReaderSpareBytes;
}

RedisWire::~RedisWire()
{
    redisFree(m_context);
}

RedisWire::Fault RedisWire::send(const QList<RedisArgs> &commands, RedisDeadline deadline)
{
    std::vector<const char *> argv;
    std::vector<size_t> argvLengths;
    for (const RedisArgs &command : commands) {
        argv.clear();
        argvLengths.clear();
        for (const QByteArray &arg : command) {
            argv.push_back(arg.constData());
            argvLengths.push_back(size_t(arg.size()));
        }
        if (redisAppendCommandArgv(m_context, int(argv.size()), argv.data(), argvLengths.data()) != REDIS_OK)
            return Fault::Failed;
    }
    int done = 0;
    while (true) {
        if (redisBufferWrite(m_context, &done) != REDIS_OK)
            return ioFault();
        if (done)
            return Fault::None;
        if (const Fault fault = wait(POLLOUT, deadline); fault != Fault::None)
            return fault;
    }
}

RedisWire::Fault RedisWire::read(RedisReply *reply, RedisDeadline deadline)
{
    while (true) {
        void *raw = nullptr;
        if (redisGetReplyFromReader(m_context, &raw) != REDIS_OK)
            return Fault::Failed; // a protocol error
        if (raw) {
            *reply = std::exchange(m_pending, RedisReply());
            return Fault::None;
        }
        if (const Fault fault = wait(POLLIN, deadline); fault != Fault::None)
            return fault;
        if (const Fault fault = receive(); fault != Fault::None)
            return fault;
    }
}

RedisWire::Fault RedisWire::receive()
{
    thread_local std::unique_ptr<char[]> chunk(new char[kReadChunk]);
    const ssize_t got = ::read(m_context->fd, chunk.get(), kReadChunk);
    if (got > 0) {
        // A reader that cannot take it has its error set: the next reply it is asked for says so.
        redisReaderFeed(m_context->reader, chunk.get(), size_t(got));
        return Fault::None;
    }
    if (got == 0)
        return Fault::Closed;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return Fault::None; // nothing after all: wait again
    m_errno = errno;
    return m_errno == ECONNRESET ? Fault::Closed : Fault::Failed;
}

RedisWire::Fault RedisWire::wait(short events, RedisDeadline deadline)
{
    pollfd watched{m_context->fd, events, 0};
    while (true) {
        // Past the deadline, still one look without waiting: a reply that is already here
        // (another node of the call used up the time) is taken.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - RedisClock::now());
        const int ready = poll(&watched, 1, int(std::max<qint64>(left.count(), 0)));
        if (ready > 0)
            return Fault::None; // readable, writable, or closed: the read or write says which
        if (ready == 0)
            return Fault::TimedOut;
        if (errno != EINTR) {
            m_errno = errno;
            return Fault::Failed;
        }
    }
}

RedisWire::Fault RedisWire::ioFault()
{
    m_errno = errno;
    const bool closed = m_context->err == REDIS_ERR_EOF
                        || (m_context->err == REDIS_ERR_IO && (m_errno == ECONNRESET || m_errno == EPIPE));
    return closed ? Fault::Closed : Fault::Failed;
}

QString RedisWire::describe(Fault fault, std::chrono::milliseconds timeout, const char *waitingFor) const
{
    const QLatin1String what(waitingFor);
    switch (fault) {
    case Fault::None:
        break;
    case Fault::TimedOut:
        return QStringLiteral("timed out after %1 ms %2").arg(timeout.count()).arg(what);
    case Fault::Closed:
        return QStringLiteral("connection closed by the server while %1").arg(what);
    case Fault::Failed:
        if (m_context->errstr[0])
            return QStringLiteral("%1 while %2").arg(QString::fromLocal8Bit(m_context->errstr), what);
        return QStringLiteral("%1 while %2").arg(QString::fromLocal8Bit(strerror(m_errno)), what);
    }
    return {};
}

} // namespace adserve
