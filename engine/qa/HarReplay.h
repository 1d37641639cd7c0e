#pragma once

#include "Har.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QThread>

#include <atomic>
#include <memory>
#include <mutex>

namespace adserve {

// Sends a HAR's requests again, one after the other, to this server over real connections, on a
// thread of its own: a server thread that waited for its own server could be the one the
// kernel hands the connection to. Each request carries "X-Adserve-Replay: <id>", so its journal
// entry says where it came from, and is given kRequestTimeoutMs before it counts as unanswered.
// One replay runs at a time; the last one's results stay until the next.
class HarReplay
{
public:
    static constexpr int kRequestTimeoutMs = 10'000;

    ~HarReplay(); // stops a running replay after its current request
    void setTarget(const QHostAddress &address, quint16 port);

    // The replay's id, or 0 when one is still running (or no target is set).
    qint64 start(QList<Har::Request> requests);
    // Stops a running replay after its current request.
    void cancel() { stopping_ = true; }
    // {"id","running","requests","done","results":[{"method","target","status","originalStatus","ms","error"}]}
    QJsonObject status() const;

private:
    struct Result
    {
        QByteArray method;
        QString target;
        int status = 0;
        int originalStatus = 0;
        double ms = 0;
        QString error;
    };
    void run(qint64 id, const QList<Har::Request> &requests);
    Result send(qint64 id, const Har::Request &request) const;

    mutable std::mutex mutex_;
    QHostAddress address_;
    quint16 port_ = 0;
    qint64 lastId_ = 0;
    qint64 total_ = 0;
    QList<Result> results_;
    std::unique_ptr<QThread> thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> stopping_{false}; // of the running replay
};

} // namespace adserve
