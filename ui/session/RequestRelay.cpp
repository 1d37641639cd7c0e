#include "RequestRelay.h"

#include <QMetaObject>

namespace adserve {

RequestRelay::RequestRelay(QObject *parent)
    : QObject(parent)
{
}

void RequestRelay::push(const RequestRecord &record)
{
    served_.fetch_add(1);
    bool first = false;
    {
        QMutexLocker lock(&mutex_);
        if (qsizetype(pending_.size()) >= kMaxPending) {
            dropped_.fetch_add(1);
            return;
        }
        first = pending_.empty();
        pending_.push_back(record);
    }
    // The first of a batch asks for a drain; the rest ride along with it.
    if (first)
        QMetaObject::invokeMethod(this, &RequestRelay::drain, Qt::QueuedConnection);
}

void RequestRelay::drain()
{
    std::vector<RequestRecord> batch;
    {
        QMutexLocker lock(&mutex_);
        batch.swap(pending_);
    }
    for (const RequestRecord &record : batch)
        Q_EMIT requestServed(record);
}

} // namespace adserve
