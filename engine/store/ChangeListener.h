#pragma once

#include "DatabaseTarget.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QSqlDriver>
#include <QTimer>

namespace adserve {

// Hears PostgreSQL's announcements of campaign changes (NOTIFY on kChannel, made by the
// schema's triggers whoever writes) over its own connection on the thread that created it,
// and reports them coalesced: a burst of notifications becomes one changed() signal. If the
// connection breaks it reconnects, then reports "all" since notifications may have been missed.
class ChangeListener : public QObject
{
    Q_OBJECT
public:
    static inline const QString kChannel = QStringLiteral("adserve_campaign_changes");

    ChangeListener(DatabaseTarget target, QObject *parent = nullptr);
    ~ChangeListener() override;

    bool start(QString *error);

Q_SIGNALS:
    // Campaign ids that changed; empty means "unknown which: assume all".
    void changed(const QList<qint64> &ids);

private:
    bool connectAndListen(QString *error);
    void onNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload);
    void flush();
    void checkConnection();

    const DatabaseTarget target_;
    const QString connectionName_;
    QTimer coalesce_;
    QTimer health_;
    QSet<qint64> pending_;
    bool pendingAll_ = false;
    bool connected_ = false;
    QString lastProblem_;
};

} // namespace adserve
