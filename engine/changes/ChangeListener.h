#pragma once

#include "store/DatabaseTarget.h"

#include <QObject>
#include <QThread>

namespace adserve {

// Hears PostgreSQL's NOTIFY on kChannel, which the change log's triggers send whenever a
// transaction changed campaigns or rules, whoever wrote it. A notification is only a wake-up
// call: what changed is read from the change log (ChangeFollower), which is also read on a
// period, so a notification missed costs at most that period.
//
// The listening connection lives on a thread of its own: checking it and reconnecting to a
// dead or frozen server can block for the connect timeout, and must never block anyone else.
class ChangeListener : public QObject
{
    Q_OBJECT
public:
    static inline const QString kChannel = QStringLiteral("adserve_changes");

    explicit ChangeListener(DatabaseTarget target, QObject *parent = nullptr);
    // Stops the listening thread; the connection is closed there.
    ~ChangeListener() override;

    // Connects and subscribes; returns once the first LISTEN succeeded or failed. Either
    // way it keeps checking the connection and reconnects when it is lost.
    bool start(QString *error);

Q_SIGNALS:
    // Something changed; or the connection was just made again, so a notification may have
    // been missed. Emitted from the listening thread.
    void wakeUp();

private:
    class Connection;

    QThread thread_;
    Connection *connection_; // lives on thread_, deleted there when it finishes
};

} // namespace adserve
