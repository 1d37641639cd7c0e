#pragma once

#include "ChangeStatus.h"
#include "store/StoreResult.h"

#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QString>

#include <chrono>
#include <optional>

namespace adserve {

class StoreSessions;

// One running adserve (server or studio) over the store, as it registered itself.
struct InstanceRecord
{
    QString id;
    QString kind;    // "server" or "studio"
    QString host;
    qint64 pid = 0;
    QString address; // the URL it serves on, empty when it does not serve
    QString version;
    QDateTime startedAt;
    QDateTime heartbeatAt;
    std::optional<qint64> appliedChangeId; // empty: starting
    QDateTime appliedAt;
    qint64 behindChanges = 0;
    QDateTime behindSince;
    QString problem;
    bool gone = false; // no heartbeat for InstanceRegistry::kGoneAfter

    bool hasApplied(qint64 changeId) const { return appliedChangeId && *appliedChangeId >= changeId; }
};

// Whether a change is live: on how many of the running instances, and how long it took.
struct Liveness
{
    qint64 changeId = 0;
    QDateTime at;               // when the change was made
    int liveOn = 0;             // running instances that have applied it
    int instances = 0;          // running instances (gone ones not counted)
    qint64 slowestMs = 0;       // the longest any of them took to apply it
    QList<InstanceRecord> waiting; // running instances that have not applied it yet
    bool everywhere() const { return instances > 0 && liveOn == instances; }
};

// The adserve_instances table: each instance keeps a row of its own fresh (heartbeat, how
// far it has applied the change log), so anyone can see whether a change is live everywhere.
// Rows of instances that stopped heart-beating are shown as gone, and removed later.
// Thread-safe.
class InstanceRegistry
{
public:
    static constexpr std::chrono::seconds kHeartbeat{2};
    static constexpr std::chrono::seconds kGoneAfter{10};
    static constexpr std::chrono::hours kForgetAfter{1};

    // `self` names this instance (a new id, host, pid, version, start time, kind).
    InstanceRegistry(StoreSessions &sessions, InstanceRecord self);
    static InstanceRecord describeThisProcess(const QString &kind);

    const QString &id() const { return self_.id; }
    void setAddress(const QString &address);
    // Writes this instance's row: heartbeat now, and how far it has applied the log.
    StoreResult<bool> report(const ChangeStatus &status);
    // Removes this instance's row (an orderly stop).
    StoreResult<bool> remove();

    // Every registered instance, oldest first, gone ones flagged.
    StoreResult<QList<InstanceRecord>> list() const;
    // How far change `changeId` has spread; NotFound when the log does not have it.
    StoreResult<Liveness> liveness(qint64 changeId) const;
    // Removes rows that have not heart-beaten for kForgetAfter.
    StoreResult<qint64> forgetGone() const;

private:
    StoreSessions &sessions_;
    mutable QMutex mutex_;
    InstanceRecord self_;
};

} // namespace adserve
