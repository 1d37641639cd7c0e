#pragma once

#include "DatabaseTarget.h"

#include <QList>
#include <QObject>
#include <QThread>

namespace adserve {

// Hears PostgreSQL's announcements of campaign changes (NOTIFY on kChannel, made by the
// schema's triggers whoever writes) and reports them coalesced: a burst of notifications
// becomes one changed() signal. If the connection breaks it reconnects, then reports "all"
// since notifications may have been missed.
//
// The listening connection lives on a thread of its own: checking it and reconnecting to a
// dead or frozen server can block for the connect timeout, and must never block the thread
// that owns the store (the studio's GUI, the server's event loop).
class ChangeListener : public QObject
{
    Q_OBJECT
public:
    static inline const QString kChannel = QStringLiteral("adserve_campaign_changes");

    explicit ChangeListener(DatabaseTarget target, QObject *parent = nullptr);
    // Stops the listening thread; the connection is closed there.
    ~ChangeListener() override;

    // Connects and subscribes; returns once the first LISTEN succeeded or failed.
    bool start(QString *error);

Q_SIGNALS:
    // Campaign ids that changed; empty means "unknown which: assume all". Emitted from the
    // listening thread, so receivers elsewhere get it queued.
    void changed(const QList<qint64> &ids);

private:
    class Connection;

    QThread thread_;
    Connection *connection_; // lives on thread_, deleted there when it finishes
};

} // namespace adserve
