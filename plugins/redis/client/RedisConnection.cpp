#include "RedisConnection.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <csignal>
#include <mutex>

namespace adserve {

namespace {

timeval toTimeval(std::chrono::milliseconds ms)
{
    return timeval{time_t(ms.count() / 1000), suseconds_t((ms.count() % 1000) * 1000)};
}

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

RedisConnection::RedisConnection(RedisNodeAddress node, const RedisOptions &options,
                                 std::shared_ptr<RedisNodeHealth> health)
    : m_node(std::move(node)), m_options(options), m_health(std::move(health))
{
    ignoreSigpipe();
}

RedisConnection::~RedisConnection()
{
    if (m_context)
        redisFree(m_context);
}

QList<RedisReply> RedisConnection::pipeline(const QList<RedisArgs> &commands)
{
    send(commands);
    return receive();
}

void RedisConnection::send(const QList<RedisArgs> &commands)
{
    m_sent = commands;
    m_sendError.clear();
    m_openContextFault.clear();
    m_sentOnReused = false;
    if (commands.isEmpty() || !connect(&m_sendError))
        return;
    m_sentOnReused = m_reused;
    if (!appendAndFlush(commands))
        m_sendError = m_openContextFault = dropOnFault("sending");
}

QList<RedisReply> RedisConnection::receive()
{
    QList<RedisReply> replies = collect();
    // A server that closed a connection we had not used for a while (restart, idle
    // timeout) answered nothing of the batch: reconnect and send it once more.
    const bool idleConnectionWasClosed = m_sentOnReused && m_closedByPeer && !replies.isEmpty()
                                         && replies.first().isConnectionError();
    if (idleConnectionWasClosed) {
        send(m_sent);
        replies = collect();
    }
    // connect() reports its own failures; a fault on an open connection is reported here,
    // so that the other threads back off too.
    if (!m_openContextFault.isEmpty())
        m_health->recordFailure(m_openContextFault);
    else if (!replies.isEmpty() && !replies.constLast().isConnectionError())
        m_reused = true;
    m_sent.clear();
    return replies;
}

QList<RedisReply> RedisConnection::collect()
{
    if (!m_sendError.isEmpty())
        return QList<RedisReply>(m_sent.size(), RedisReply::connectionError(m_sendError));
    QList<RedisReply> replies = readReplies(m_sent.size());
    if (!replies.isEmpty() && replies.constLast().isConnectionError())
        m_openContextFault = replies.constLast().errorText();
    return replies;
}

bool RedisConnection::connect(QString *error)
{
    if (m_context)
        return true;
    QString why;
    if (!m_health->claimConnectAttempt(&why)) {
        *error = why;
        return false;
    }
    m_closedByPeer = false;
    m_reused = false;
    m_timeout = m_options.connectTimeout;
    redisContext *context = redisConnectWithTimeout(m_node.host.toUtf8().constData(), m_node.port,
                                                    toTimeval(m_timeout));
    if (!context || context->err) {
        *error = where() + QStringLiteral(": cannot connect: ")
                 + (context ? QString::fromLocal8Bit(context->errstr) : QStringLiteral("out of memory"));
        if (context)
            redisFree(context);
        m_health->recordFailure(*error);
        return false;
    }
    m_context = context;
    // The handshake is part of connecting: it is bounded by the connect timeout.
    redisSetTimeout(m_context, toTimeval(m_timeout));
    if (!handshake(error)) {
        if (m_context) {
            redisFree(m_context);
            m_context = nullptr;
        }
        m_closedByPeer = false;
        m_health->recordFailure(*error);
        return false;
    }
    m_timeout = m_options.commandTimeout;
    redisSetTimeout(m_context, toTimeval(m_timeout));
    m_health->recordSuccess();
    return true;
}

bool RedisConnection::handshake(QString *error)
{
    QList<RedisArgs> commands;
    if (!m_options.password.isEmpty()) {
        if (m_options.user.isEmpty())
            commands.append({"AUTH", m_options.password.toUtf8()});
        else
            commands.append({"AUTH", m_options.user.toUtf8(), m_options.password.toUtf8()});
    }
    if (m_options.db != 0)
        commands.append({"SELECT", QByteArray::number(m_options.db)});
    // Names the connection in CLIENT LIST; it also reveals a missing password (NOAUTH).
    commands.append({"CLIENT", "SETNAME", "adserve"});

    if (!appendAndFlush(commands)) {
        *error = dropOnFault("sending the handshake");
        return false;
    }
    const QList<RedisReply> replies = readReplies(commands.size());
    if (replies.constLast().isConnectionError()) {
        *error = replies.constLast().errorText() + QStringLiteral(" (connecting)");
        return false;
    }
    qsizetype i = 0;
    if (!m_options.password.isEmpty()) {
        const RedisReply &auth = replies.at(i++);
        if (auth.isError()) {
            const QString who = m_options.user.isEmpty() ? QStringLiteral("the default user")
                                                         : QStringLiteral("user \"%1\"").arg(m_options.user);
            *error = where() + QStringLiteral(": authentication as %1 failed: %2").arg(who, auth.errorText());
            return false;
        }
    }
    if (m_options.db != 0) {
        const RedisReply &select = replies.at(i++);
        if (select.isError()) {
            *error = where() + QStringLiteral(": cannot select database %1: %2").arg(m_options.db).arg(select.errorText());
            return false;
        }
    }
    if (replies.at(i).errorCode() == "NOAUTH") {
        *error = where() + QStringLiteral(": the server requires a password; put it in the URL "
                                        "(redis://[user]:password@host:port)");
        return false;
    }
    return true;
}

bool RedisConnection::appendAndFlush(const QList<RedisArgs> &commands)
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
            return false;
    }
    int done = 0;
    while (!done) {
        if (redisBufferWrite(m_context, &done) != REDIS_OK)
            return false;
    }
    return true;
}

QList<RedisReply> RedisConnection::readReplies(qsizetype count)
{
    QList<RedisReply> replies;
    replies.reserve(count);
    while (replies.size() < count) {
        void *raw = nullptr;
        if (redisGetReply(m_context, &raw) != REDIS_OK || !raw) {
            const QString why = dropOnFault("waiting for a reply");
            replies.resize(count, RedisReply::connectionError(why));
            break;
        }
        replies.append(RedisReply::fromHiredis(static_cast<redisReply *>(raw)));
        freeReplyObject(raw);
    }
    return replies;
}

QString RedisConnection::where() const
{
    return QStringLiteral("Redis ") + m_node.toString();
}

QString RedisConnection::dropOnFault(const char *waitingFor)
{
    const int savedErrno = errno;
    const QString why = where() + QStringLiteral(": ") + describeFault(waitingFor, savedErrno);
    redisFree(m_context);
    m_context = nullptr;
    return why;
}

QString RedisConnection::describeFault(const char *waitingFor, int savedErrno)
{
    const int kind = m_context ? m_context->err : REDIS_ERR_OTHER;
    m_closedByPeer = kind == REDIS_ERR_EOF
                     || (kind == REDIS_ERR_IO && (savedErrno == ECONNRESET || savedErrno == EPIPE));
    if (kind == REDIS_ERR_IO && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK))
        return QStringLiteral("timed out after %1 ms %2").arg(m_timeout.count()).arg(QLatin1String(waitingFor));
    if (m_closedByPeer)
        return QStringLiteral("connection closed by the server while %1").arg(QLatin1String(waitingFor));
    const QString detail = m_context && m_context->errstr[0] ? QString::fromLocal8Bit(m_context->errstr)
                                                             : QStringLiteral("out of memory");
    return QStringLiteral("%1 while %2").arg(detail, QLatin1String(waitingFor));
}

} // namespace adserve
