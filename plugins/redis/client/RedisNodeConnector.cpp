#include "RedisNodeConnector.h"

namespace adserve {

RedisNodeConnector::RedisNodeConnector(RedisNodeAddress node, const RedisOptions &options)
    : m_node(std::move(node)), m_options(options), m_thread([this] { run(); })
{
}

RedisNodeConnector::~RedisNodeConnector()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wanted.notify_all();
    m_thread.join();
}

QString RedisNodeConnector::where() const
{
    return QStringLiteral("Redis ") + m_node.toString();
}

std::unique_ptr<RedisWire> RedisNodeConnector::takeReady(bool *waiting)
{
    if (m_ready.empty())
        return nullptr;
    std::unique_ptr<RedisWire> wire = std::move(m_ready.front());
    m_ready.pop_front();
    *waiting = false;
    --m_callersWaiting;
    return wire;
}

std::unique_ptr<RedisWire> RedisNodeConnector::take(RedisDeadline deadline, bool *waiting, QString *why)
{
    std::unique_lock lock(m_mutex);
    if (!*waiting) {
        *waiting = true;
        ++m_callersWaiting;
        m_wanted.notify_one();
    }
    if (auto wire = takeReady(waiting))
        return wire;
    if (!m_health.isFailing()) {
        m_changed.wait_until(lock, deadline, [&] { return !m_ready.empty() || m_health.isFailing(); });
        if (auto wire = takeReady(waiting))
            return wire;
    }
    if (m_health.isFailing())
        *why = m_health.whyFailing(RedisClock::now());
    else
        *why = where() + QStringLiteral(": no connection within %1 ms (still connecting)")
                             .arg(m_options.commandTimeout.count());
    return nullptr;
}

void RedisNodeConnector::withdraw(bool *waiting)
{
    std::lock_guard lock(m_mutex);
    if (*waiting) {
        *waiting = false;
        --m_callersWaiting;
        closeSpares();
    }
}

void RedisNodeConnector::closeSpares()
{
    while (m_ready.size() > size_t(m_callersWaiting))
        m_ready.pop_back();
}

void RedisNodeConnector::reportFault(const QString &why)
{
    {
        std::lock_guard lock(m_mutex);
        m_health.recordFailure(why, RedisClock::now());
    }
    m_changed.notify_all();
}

void RedisNodeConnector::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_ready.size() >= size_t(m_callersWaiting)) {
            m_wanted.wait(lock);
            continue;
        }
        if (const auto next = m_health.nextAttempt(); RedisClock::now() < next) {
            m_wanted.wait_until(lock, next);
            continue;
        }
        lock.unlock();
        QString error;
        std::unique_ptr<RedisWire> wire = open(&error);
        lock.lock();
        if (wire) {
            m_health.recordSuccess();
            m_ready.push_back(std::move(wire));
            closeSpares(); // its caller may have gone meanwhile
        } else {
            m_health.recordFailure(error, RedisClock::now());
        }
        m_changed.notify_all();
    }
}

std::unique_ptr<RedisWire> RedisNodeConnector::open(QString *error)
{
    // One budget for the connect and the handshake.
    const RedisDeadline deadline = RedisClock::now() + m_options.connectTimeout;
    std::unique_ptr<RedisWire> wire = RedisWire::connect(m_node, m_options.connectTimeout, error);
    if (!wire) {
        *error = where() + QStringLiteral(": ") + *error;
        return nullptr;
    }
    if (!handshake(*wire, deadline, error))
        return nullptr;
    return wire;
}

bool RedisNodeConnector::handshake(RedisWire &wire, RedisDeadline deadline, QString *error)
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

    auto failed = [&](RedisWire::Fault fault, const char *waitingFor) {
        *error = where() + QStringLiteral(": ") + wire.describe(fault, m_options.connectTimeout, waitingFor)
                 + QStringLiteral(" (connecting)");
        return false;
    };
    if (const auto fault = wire.send(commands, deadline); fault != RedisWire::Fault::None)
        return failed(fault, "sending the handshake");
    QList<RedisReply> replies;
    for (qsizetype i = 0; i < commands.size(); ++i) {
        RedisReply reply;
        if (const auto fault = wire.read(&reply, deadline); fault != RedisWire::Fault::None)
            return failed(fault, "waiting for a reply");
        replies.append(std::move(reply));
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

} // namespace adserve
