#pragma once

#include "http/HttpServerPool.h"

#include <QMutex>
#include <QObject>

#include <atomic>
#include <vector>

namespace adserve {

// Carries the records of the requests the embedded server answers, built on its threads, to
// the window's thread: in batches (one queued call per batch, not one event per request),
// and bounded, so a load from outside that the window cannot keep up with costs at most
// kMaxPending records of memory. Beyond that, records are dropped and counted; served()
// counts every request all the same.
class RequestRelay : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxPending = 10'000;

    explicit RequestRelay(QObject *parent = nullptr);

    // From any thread.
    void push(const RequestRecord &record);
    // Every request pushed so far, dropped ones included; and those dropped.
    qint64 served() const { return served_.load(); }
    qint64 dropped() const { return dropped_.load(); }

Q_SIGNALS:
    // On the relay's thread, in the order they were pushed.
    void requestServed(const adserve::RequestRecord &record);

private:
    void drain();

    QMutex mutex_;
    std::vector<RequestRecord> pending_;
    std::atomic<qint64> served_{0};
    std::atomic<qint64> dropped_{0};
};

} // namespace adserve
