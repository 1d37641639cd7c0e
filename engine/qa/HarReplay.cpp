#include "HarReplay.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTcpSocket>

namespace adserve {

HarReplay::~HarReplay()
{
    stopping_ = true;
    if (thread_)
        thread_->wait();
}

void HarReplay::setTarget(const QHostAddress &address, quint16 port)
{
    std::lock_guard lock(mutex_);
    address_ = address;
    port_ = port;
}

qint64 HarReplay::start(QList<Har::Request> requests)
{
    std::lock_guard lock(mutex_);
    if (running_ || port_ == 0)
        return 0;
    if (thread_)
        thread_->wait(); // finished: its last act was to say so
    running_ = true;
    stopping_ = false;
    const qint64 id = ++lastId_;
    total_ = requests.size();
    results_.clear();
    thread_.reset(QThread::create([this, id, requests = std::move(requests)] { run(id, requests); }));
    thread_->setObjectName(QStringLiteral("adserve-replay"));
    thread_->start();
    return id;
}

void HarReplay::run(qint64 id, const QList<Har::Request> &requests)
{
    for (const Har::Request &request : requests) {
        if (stopping_)
            break;
        const Result result = send(id, request);
        std::lock_guard lock(mutex_);
        results_.append(result);
    }
    running_ = false;
}

HarReplay::Result HarReplay::send(qint64 id, const Har::Request &request) const
{
    Result result{request.method, request.target, 0, request.originalStatus, 0, {}};
    QHostAddress address;
    quint16 port = 0;
    {
        std::lock_guard lock(mutex_);
        address = address_;
        port = port_;
    }
    QElapsedTimer clock;
    clock.start();
    const QDeadlineTimer deadline(kRequestTimeoutMs);
    QTcpSocket socket;
    socket.connectToHost(address, port);
    if (!socket.waitForConnected(int(deadline.remainingTime()))) {
        result.error = QStringLiteral("cannot connect: %1").arg(socket.errorString());
        return result;
    }
    QByteArray head = request.method + ' ' + request.target.toUtf8() + " HTTP/1.1\r\nHost: "
                      + address.toString().toLatin1() + ':' + QByteArray::number(port)
                      + "\r\nConnection: close\r\nX-Adserve-Replay: " + QByteArray::number(id) + "\r\n";
    for (const auto &[name, value] : request.headers)
        head += name + ": " + value + "\r\n";
    if (!request.body.isEmpty())
        head += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    socket.write(head + "\r\n" + request.body);
    QByteArray answer;
    // Read until the server closes (Connection: close) or the time is up.
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired() && !stopping_) {
        socket.waitForReadyRead(int(std::min<qint64>(deadline.remainingTime(), 200)));
        answer += socket.readAll();
    }
    answer += socket.readAll();
    result.ms = clock.nsecsElapsed() / 1e6;
    if (answer.startsWith("HTTP/1."))
        result.status = answer.mid(9, 3).toInt();
    if (!result.status) {
        result.error = deadline.hasExpired() ? QStringLiteral("no answer within %1 ms").arg(kRequestTimeoutMs)
                                             : QStringLiteral("the connection ended without an answer (%1)")
                                                   .arg(socket.error() == QAbstractSocket::RemoteHostClosedError
                                                            ? QStringLiteral("closed")
                                                            : socket.errorString());
    }
    return result;
}

QJsonObject HarReplay::status() const
{
    std::lock_guard lock(mutex_);
    QJsonArray results;
    for (const Result &r : results_) {
        QJsonObject json{{QStringLiteral("method"), QString::fromLatin1(r.method)},
                         {QStringLiteral("target"), r.target},
                         {QStringLiteral("status"), r.status},
                         {QStringLiteral("originalStatus"), r.originalStatus},
                         {QStringLiteral("ms"), r.ms}};
        if (!r.error.isEmpty())
            json.insert(QStringLiteral("error"), r.error);
        results.append(json);
    }
    return {{QStringLiteral("id"), lastId_},
            {QStringLiteral("running"), running_.load()},
            {QStringLiteral("requests"), total_},
            {QStringLiteral("done"), qint64(results_.size())},
            {QStringLiteral("results"), results}};
}

} // namespace adserve
