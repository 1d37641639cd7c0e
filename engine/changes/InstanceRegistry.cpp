#include "InstanceRegistry.h"

#include "store/StoreSessions.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QMutexLocker>
#include <QUuid>

namespace adserve {

InstanceRegistry::InstanceRegistry(StoreSessions &sessions, InstanceRecord self)
    : sessions_(sessions)
    , self_(std::move(self))
{
}

InstanceRecord InstanceRegistry::describeThisProcess(const QString &kind)
{
    InstanceRecord self;
    self.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    self.kind = kind;
    self.host = QHostInfo::localHostName();
    self.pid = QCoreApplication::applicationPid();
    self.version = QStringLiteral(ADSERVE_VERSION);
    self.startedAt = QDateTime::currentDateTimeUtc();
    return self;
}

void InstanceRegistry::setAddress(const QString &address)
{
    QMutexLocker lock(&mutex_);
    self_.address = address;
}

StoreResult<bool> InstanceRegistry::report(const ChangeStatus &status)
{
    InstanceRecord self;
    {
        QMutexLocker lock(&mutex_);
        self = self_;
    }
    return sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
        const SqlDialect &d = session.dialect();
        const QVariant none(QMetaType::fromType<QString>());
        const QVariant noId(QMetaType::fromType<qint64>());
        session.exec(
            QStringLiteral("INSERT INTO adserve_instances (id, kind, host, pid, address, version, started_at, heartbeat_at, "
                           "applied_change_id, applied_at, behind_changes, behind_since, problem) "
                           "VALUES (?, ?, ?, ?, ?, ?, %1, %2, ?, %1, ?, %1, ?) "
                           "ON CONFLICT (id) DO UPDATE SET address = excluded.address, heartbeat_at = excluded.heartbeat_at, "
                           "applied_change_id = excluded.applied_change_id, applied_at = excluded.applied_at, "
                           "behind_changes = excluded.behind_changes, behind_since = excluded.behind_since, "
                           "problem = excluded.problem")
                .arg(d.timestampParam(), d.now()),
            {self.id, self.kind, self.host, self.pid, self.address.isEmpty() ? none : QVariant(self.address),
             self.version, d.encodeTimestamp(self.startedAt),
             status.settled ? QVariant(status.appliedThrough) : noId, d.encodeTimestamp(status.appliedAt),
             status.behindChanges, d.encodeTimestamp(status.behindChanges > 0 ? status.behindSince : QDateTime()),
             status.problem.isEmpty() ? none : QVariant(status.problem)});
        return true;
    });
}

StoreResult<bool> InstanceRegistry::remove()
{
    return sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
        session.exec(QStringLiteral("DELETE FROM adserve_instances WHERE id = ?"), {self_.id});
        return true;
    });
}

StoreResult<QList<InstanceRecord>> InstanceRegistry::list() const
{
    return sessions_.run(Access::Read, [&](SqlSession &session) {
        const SqlDialect &d = session.dialect();
        QSqlQuery query = session.exec(
            QStringLiteral("SELECT id, kind, host, pid, COALESCE(address, ''), version, %1, %2, applied_change_id, %3, "
                           "behind_changes, %4, COALESCE(problem, ''), %5 FROM adserve_instances ORDER BY started_at, id")
                .arg(d.timestamp(QStringLiteral("started_at")), d.timestamp(QStringLiteral("heartbeat_at")),
                     d.timestamp(QStringLiteral("applied_at")), d.timestamp(QStringLiteral("behind_since")),
                     d.isPostgres() ? d.timestamp(d.now()) : d.now()));
        QList<InstanceRecord> instances;
        while (session.next(query)) {
            InstanceRecord r;
            r.id = query.value(0).toString();
            r.kind = query.value(1).toString();
            r.host = query.value(2).toString();
            r.pid = query.value(3).toLongLong();
            r.address = query.value(4).toString();
            r.version = query.value(5).toString();
            r.startedAt = SqlDialect::decodeTimestamp(query.value(6));
            r.heartbeatAt = SqlDialect::decodeTimestamp(query.value(7));
            if (!query.value(8).isNull())
                r.appliedChangeId = query.value(8).toLongLong();
            r.appliedAt = SqlDialect::decodeTimestamp(query.value(9));
            r.behindChanges = query.value(10).toLongLong();
            r.behindSince = SqlDialect::decodeTimestamp(query.value(11));
            r.problem = query.value(12).toString();
            const QDateTime databaseNow = SqlDialect::decodeTimestamp(query.value(13));
            r.gone = !r.heartbeatAt.isValid()
                || r.heartbeatAt.msecsTo(databaseNow) > std::chrono::milliseconds(kGoneAfter).count();
            instances.append(std::move(r));
        }
        return instances;
    });
}

StoreResult<Liveness> InstanceRegistry::liveness(qint64 changeId) const
{
    const auto made = sessions_.run(Access::Read, [&](SqlSession &session) {
        QSqlQuery query = session.exec(QStringLiteral("SELECT %1 FROM adserve_changes WHERE id = ?")
                                           .arg(session.dialect().timestamp(QStringLiteral("at"))),
                                       {changeId});
        if (!session.next(query))
            throw StoreFailure{StoreError::NotFound, QStringLiteral("change %1 is not in the change log").arg(changeId)};
        return SqlDialect::decodeTimestamp(query.value(0));
    });
    if (!made.ok())
        return StoreResult<Liveness>::failureFrom(made);
    const auto all = list();
    if (!all.ok())
        return StoreResult<Liveness>::failureFrom(all);
    Liveness live{changeId, made.value, 0, 0, 0, {}};
    for (const InstanceRecord &instance : all.value) {
        if (instance.gone)
            continue;
        ++live.instances;
        // One with a problem (a cache it could not clear, a log it cannot read) is not live yet.
        if (!instance.hasApplied(changeId) || !instance.problem.isEmpty()) {
            live.waiting.append(instance);
            continue;
        }
        ++live.liveOn;
        // When it applied its newest change: this one's time unless newer ones came since.
        if (instance.appliedAt.isValid())
            live.slowestMs = std::max(live.slowestMs, std::max<qint64>(0, made.value.msecsTo(instance.appliedAt)));
    }
    return StoreResult<Liveness>::success(live);
}

StoreResult<qint64> InstanceRegistry::forgetGone() const
{
    return sessions_.run(Access::Housekeeping, [&](SqlSession &session) {
        const SqlDialect &d = session.dialect();
        const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(
            -std::chrono::duration_cast<std::chrono::seconds>(kForgetAfter).count());
        QSqlQuery query = session.exec(
            QStringLiteral("DELETE FROM adserve_instances WHERE heartbeat_at < %1").arg(d.timestampParam()),
            {d.encodeTimestamp(cutoff)});
        return qint64(query.numRowsAffected());
    });
}

} // namespace adserve
