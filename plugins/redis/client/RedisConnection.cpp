#include "RedisConnection.h"

namespace adserve {

RedisConnection::RedisConnection(std::shared_ptr<RedisNodeConnector> connector, std::chrono::milliseconds commandTimeout)
    : m_connector(std::move(connector)), m_commandTimeout(commandTimeout)
{
}

RedisConnection::~RedisConnection()
{
    m_connector->withdraw(&m_waiting);
}

QList<RedisReply> RedisConnection::pipeline(const QList<RedisArgs> &commands, RedisDeadline deadline)
{
    send(commands, deadline);
    return receive();
}

void RedisConnection::send(const QList<RedisArgs> &commands, RedisDeadline deadline)
{
    m_sent = commands;
    m_deadline = deadline;
    m_sendError.clear();
    m_openFault.clear();
    m_sentOnReused = false;
    if (commands.isEmpty() || !acquire(&m_sendError))
        return;
    m_sentOnReused = m_reused;
    if (const auto fault = m_wire->send(commands, deadline); fault != RedisWire::Fault::None)
        m_sendError = m_openFault = dropOnFault(fault, "sending");
}

QList<RedisReply> RedisConnection::receive()
{
    QList<RedisReply> replies = collect();
    // A server that closed a connection we had not used for a while (restart, idle
    // timeout) answered nothing of the batch: send it once more on another connection.
    const bool idleConnectionWasClosed = m_sentOnReused && m_closedByPeer && !replies.isEmpty()
                                         && replies.first().isConnectionError();
    if (idleConnectionWasClosed) {
        send(m_sent, m_deadline);
        replies = collect();
    }
    // The connector reports its own failures; a fault on an open connection is reported
    // here, so that the other threads back off too.
    if (!m_openFault.isEmpty())
        m_connector->reportFault(m_openFault);
    else if (!replies.isEmpty() && !replies.constLast().isConnectionError())
        m_reused = true;
    m_sent.clear();
    return replies;
}

bool RedisConnection::acquire(QString *error)
{
    if (m_wire)
        return true;
    m_wire = m_connector->take(m_deadline, &m_waiting, error);
    m_reused = false;
    m_closedByPeer = false;
    return m_wire != nullptr;
}

QList<RedisReply> RedisConnection::collect()
{
    if (!m_sendError.isEmpty())
        return QList<RedisReply>(m_sent.size(), RedisReply::connectionError(m_sendError));
    QList<RedisReply> replies = readReplies(m_sent.size());
    if (!replies.isEmpty() && replies.constLast().isConnectionError())
        m_openFault = replies.constLast().errorText();
    return replies;
}

QList<RedisReply> RedisConnection::readReplies(qsizetype count)
{
    QList<RedisReply> replies;
    replies.reserve(count);
    while (replies.size() < count) {
        RedisReply reply;
        if (const auto fault = m_wire->read(&reply, m_deadline); fault != RedisWire::Fault::None) {
            replies.resize(count, RedisReply::connectionError(dropOnFault(fault, "waiting for a reply")));
            break;
        }
        replies.append(std::move(reply));
    }
    return replies;
}

QString RedisConnection::dropOnFault(RedisWire::Fault fault, const char *waitingFor)
{
    m_closedByPeer = fault == RedisWire::Fault::Closed;
    const QString why = m_connector->where() + QStringLiteral(": ") + m_wire->describe(fault, m_commandTimeout, waitingFor);
    m_wire.reset();
    return why;
}

} // namespace adserve
