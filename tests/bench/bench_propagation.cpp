// Propagation latency: how long a change takes to be live on every instance. Three `adserve`
// processes over one PostgreSQL and a three-master Redis Cluster (the scale-out layout, as
// the scale-out test starts it); changes alternate between the admin API and plain SQL.
// For each change it measures, from the moment the write returned:
//   - live: until the registry shows every instance has applied it (polled every 1 ms
//     from a connection of the benchmark's own: what "live on 3 of 3" waits for);
//   - applied: the slowest instance's own time of applying it, less the change's time in
//     the log (what an instance reports; no polling in it).
// Usage: bench_propagation [changes=200] [instances=3]
#include "AdserveProcess.h"
#include "TestPostgres.h"
#include "TestRedis.h"
#include "store/ConnectionPool.h"
#include "store/SqlDialect.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace adserve;
using namespace adserve::test;

namespace {

const QByteArray kToken = "bench-token";

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5))];
}

int fail(const QString &message)
{
    QTextStream(stderr) << "bench_propagation: " << message << Qt::endl;
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int changes = argc > 1 ? QByteArray(argv[1]).toInt() : 200;
    const int instanceCount = argc > 2 ? QByteArray(argv[2]).toInt() : 3;
    QTextStream out(stdout);

    TestPostgres postgres;
    QString error;
    if (!postgres.start(&error))
        return fail(error);
    TestRedisCluster cluster;
    if (!cluster.start())
        return fail(cluster.error());
    std::vector<std::unique_ptr<AdserveProcess>> instances;
    for (int i = 0; i < instanceCount; ++i) {
        instances.push_back(std::make_unique<AdserveProcess>(
            QCoreApplication::applicationDirPath() + QStringLiteral("/adserve"),
            QMap<QString, QString>{{QStringLiteral("DATABASE_URL"), postgres.databaseUrl()},
                                   {QStringLiteral("REDIS_URL"), cluster.url()},
                                   {QStringLiteral("REDIS_CLUSTER"), QStringLiteral("true")},
                                   {QStringLiteral("ADSERVE_ADMIN_TOKEN"), QString::fromLatin1(kToken)},
                                   {QStringLiteral("ADSERVE_THREADS"), QStringLiteral("2")}}));
        if (!instances.back()->start(&error))
            return fail(error);
    }
    const DatabaseTarget target = *DatabaseTarget::fromDatabaseUrl(postgres.databaseUrl(), &error);
    QSqlDatabase db = ConnectionPool::open(target, QStringLiteral("bench"), &error);
    if (!db.isOpen())
        return fail(error);
    QSqlQuery query(db);
    auto scalar = [&](const QString &sql) {
        return query.exec(sql) && query.next() ? query.value(0).toLongLong() : -1;
    };
    const QString liveCount = QStringLiteral("SELECT count(*) FROM adserve_instances WHERE applied_change_id >= %1 "
                                             "AND heartbeat_at > now() - interval '10 seconds'");
    QElapsedTimer timer;
    timer.start();
    while (scalar(liveCount.arg(0)) < instanceCount) {
        if (timer.elapsed() > 20000)
            return fail(QStringLiteral("the instances did not all register"));
        QThread::msleep(50);
    }
    const HttpAnswer created = httpRequest("POST", instances.front()->url() + QStringLiteral("/api/v1/campaigns"),
                                           R"({"code":"bench","name":"Bench","image":"https://x/b.png","cta":"Go"})", kToken);
    if (created.status != 201)
        return fail(QStringLiteral("cannot create the campaign: %1").arg(QString::fromUtf8(created.body)));
    const qint64 campaignId = created.json().object().value(QStringLiteral("id")).toInteger();

    std::vector<double> live, applied;
    for (int i = 0; i < changes; ++i) {
        QElapsedTimer since;
        qint64 changeId = 0;
        if (i % 2 == 0) { // through the admin API of one instance after another
            const auto &instance = instances[size_t(i / 2) % instances.size()];
            since.start();
            const HttpAnswer answer = httpRequest("PATCH", instance->url() + QStringLiteral("/api/v1/campaigns/%1").arg(campaignId),
                                                  QStringLiteral(R"({"cta":"api %1"})").arg(i).toUtf8(), kToken);
            changeId = answer.headers.value("x-adserve-change-id").toLongLong();
        } else { // straight in SQL
            since.start();
            if (!query.exec(QStringLiteral("UPDATE campaigns SET cta = 'sql %1' WHERE id = %2").arg(i).arg(campaignId)))
                return fail(query.lastError().text());
            changeId = scalar(QStringLiteral("SELECT max(id) FROM adserve_changes"));
        }
        if (changeId <= 0)
            return fail(QStringLiteral("change %1 has no id").arg(i));
        while (scalar(liveCount.arg(changeId)) < instanceCount) {
            if (since.elapsed() > 10000)
                return fail(QStringLiteral("change %1 not live everywhere after 10 s").arg(changeId));
            QThread::usleep(1000);
        }
        live.push_back(since.nsecsElapsed() / 1e6);
        applied.push_back(double(scalar(QStringLiteral("SELECT (extract(epoch FROM max(i.applied_at) - c.at) * 1000)::bigint "
                                                       "FROM adserve_instances i, adserve_changes c WHERE c.id = %1 "
                                                       "GROUP BY c.at").arg(changeId))));
        QThread::msleep(20); // one change at a time: latency, not throughput
    }
    out << "propagation of " << changes << " changes to " << instanceCount
        << " instances (PostgreSQL + Redis Cluster, half admin API, half SQL)\n";
    out << QStringLiteral("  live everywhere (registry, polled): p50 %1 ms  p99 %2 ms  max %3 ms\n")
               .arg(percentile(live, 0.5), 0, 'f', 1)
               .arg(percentile(live, 0.99), 0, 'f', 1)
               .arg(*std::max_element(live.begin(), live.end()), 0, 'f', 1);
    out << QStringLiteral("  applied by the slowest instance:    p50 %1 ms  p99 %2 ms  max %3 ms\n")
               .arg(percentile(applied, 0.5), 0, 'f', 1)
               .arg(percentile(applied, 0.99), 0, 'f', 1)
               .arg(*std::max_element(applied.begin(), applied.end()), 0, 'f', 1);
    query = QSqlQuery();
    db = QSqlDatabase();
    ConnectionPool::close(QStringLiteral("bench"));
    instances.clear();
    return 0;
}
