#include "TestRedis.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>

#include <csignal>
#include <sys/prctl.h>

namespace adserve::test {

namespace {

bool portFree(quint16 port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, port);
}

// A port that is free, and whose cluster bus port (port + 10000) is free too.
quint16 freePort()
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(QRandomGenerator::global()->bounded(20000, 40000));
        if (portFree(port) && portFree(port + 10000))
            return port;
    }
    return 0;
}

struct CliRun
{
    QByteArray out;
    QByteArray errors; // what redis-cli wrote to stderr, and how it ended
    bool ok = false;
};

CliRun runCli(const QStringList &args, const QString &password)
{
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!password.isEmpty())
        env.insert(QStringLiteral("REDISCLI_AUTH"), password); // not on the command line
    cli.setProcessEnvironment(env);
    cli.start(QStringLiteral("redis-cli"), args);
    const bool finished = cli.waitForStarted(5000) && cli.waitForFinished(30000);
    CliRun run;
    run.out = cli.readAllStandardOutput().trimmed();
    run.errors = cli.readAllStandardError().trimmed();
    if (!finished)
        run.errors += " (" + cli.errorString().toUtf8() + ")";
    else
        run.errors += " (exit code " + QByteArray::number(cli.exitCode()) + ")";
    // redis-cli exits 0 after an error reply too: recognise Redis's error codes.
    static const QByteArrayList errorCodes{"ERR", "WRONGTYPE", "NOAUTH", "WRONGPASS", "NOPERM", "MOVED",
                                           "ASK", "TRYAGAIN", "CLUSTERDOWN", "IOERR", "BUSYKEY"};
    const QByteArray firstWord = run.out.left(run.out.indexOf(' '));
    run.ok = finished && cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0
             && !errorCodes.contains(firstWord);
    return run;
}

} // namespace

TestRedisServer::TestRedisServer() : TestRedisServer(Options{}) {}

TestRedisServer::TestRedisServer(Options options) : m_options(std::move(options)) {}

TestRedisServer::~TestRedisServer()
{
    stop();
}

bool TestRedisServer::toolsAvailable()
{
    return !QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty()
           && !QStandardPaths::findExecutable(QStringLiteral("redis-cli")).isEmpty();
}

QString TestRedisServer::logFile() const
{
    return m_dir.filePath(QStringLiteral("redis.log"));
}

qint64 TestRedisServer::pid() const
{
    return m_process ? m_process->processId() : 0;
}

bool TestRedisServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QString TestRedisServer::url() const
{
    QString auth;
    if (!m_options.password.isEmpty())
        auth = QLatin1Char(':') + QString::fromUtf8(QUrl::toPercentEncoding(m_options.password)) + QLatin1Char('@');
    return QStringLiteral("redis://") + auth + address();
}

bool TestRedisServer::start()
{
    if (!toolsAvailable()) {
        m_error = QStringLiteral("redis-server or redis-cli is not installed (run installer/install-deps.sh)");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder");
        return false;
    }
    m_port = freePort();
    if (!m_port) {
        m_error = QStringLiteral("no free loopback port");
        return false;
    }
    if (!launch())
        return false;
    if (!m_options.aclUser.isEmpty()) {
        bool ok = false;
        const QByteArray out = cli({QStringLiteral("ACL"), QStringLiteral("SETUSER"), m_options.aclUser,
                                    QStringLiteral("on"), QLatin1Char('>') + m_options.aclPassword,
                                    QStringLiteral("~*"), QStringLiteral("&*"), QStringLiteral("+@all")},
                                   &ok);
        if (!ok) {
            m_error = QStringLiteral("ACL SETUSER failed: ") + QString::fromUtf8(out);
            return false;
        }
    }
    return true;
}

bool TestRedisServer::restart()
{
    stop();
    return launch();
}

bool TestRedisServer::launch()
{
    QStringList args{QStringLiteral("--port"), QString::number(m_port),
                     QStringLiteral("--bind"), host(),
                     QStringLiteral("--dir"), m_dir.path(),
                     QStringLiteral("--logfile"), logFile(),
                     QStringLiteral("--save"), QString(),
                     QStringLiteral("--appendonly"), QStringLiteral("no"),
                     QStringLiteral("--daemonize"), QStringLiteral("no"),
                     // DEBUG SLEEP makes a server that stops answering, for timeout tests.
                     QStringLiteral("--enable-debug-command"), QStringLiteral("local")};
    if (!m_options.password.isEmpty())
        args << QStringLiteral("--requirepass") << m_options.password;
    if (m_options.clusterNode)
        args << QStringLiteral("--cluster-enabled") << QStringLiteral("yes")
             << QStringLiteral("--cluster-config-file") << m_dir.filePath(QStringLiteral("nodes.conf"))
             << QStringLiteral("--cluster-node-timeout") << QStringLiteral("5000");

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(QStringLiteral("redis-server"));
    m_process->setArguments(args);
    m_process->setStandardOutputFile(QProcess::nullDevice());
    m_process->setStandardErrorFile(m_dir.filePath(QStringLiteral("stderr.log")));
    // Should the test process die, its servers die with it.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start();
    if (!m_process->waitForStarted(5000)) {
        m_error = QStringLiteral("redis-server did not start: ") + m_process->errorString();
        return false;
    }
    m_paused = false;
    if (!waitUntilAnswering(5000)) {
        m_error = QStringLiteral("redis-server on port %1 did not answer; see %2").arg(m_port).arg(logFile());
        return false;
    }
    return true;
}

bool TestRedisServer::answersWithin(int ms) const
{
    QTcpSocket socket;
    socket.connectToHost(host(), m_port);
    if (!socket.waitForConnected(ms))
        return false;
    socket.write("PING\r\n");
    // +PONG, or -NOAUTH when a password is set: either way it answers.
    return socket.waitForReadyRead(ms) && !socket.readAll().isEmpty();
}

bool TestRedisServer::waitUntilAnswering(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && isRunning()) {
        if (answersWithin(300))
            return true;
        QThread::msleep(10);
    }
    return false;
}

void TestRedisServer::stop()
{
    if (!m_process)
        return;
    if (isRunning()) {
        const qint64 processId = pid();
        ::kill(pid_t(processId), SIGCONT);
        ::kill(pid_t(processId), SIGTERM);
        if (!m_process->waitForFinished(3000)) {
            ::kill(pid_t(processId), SIGKILL);
            m_process->waitForFinished(3000);
        }
    }
    m_process.reset();
    m_paused = false;
}

void TestRedisServer::kill()
{
    if (!isRunning())
        return;
    ::kill(pid_t(pid()), SIGKILL);
    m_process->waitForFinished(3000);
    m_process.reset();
}

void TestRedisServer::pause()
{
    if (isRunning() && !m_paused) {
        ::kill(pid_t(pid()), SIGSTOP);
        m_paused = true;
    }
}

void TestRedisServer::resume()
{
    if (isRunning() && m_paused) {
        ::kill(pid_t(pid()), SIGCONT);
        m_paused = false;
    }
}

QByteArray TestRedisServer::cli(const QStringList &args, bool *ok) const
{
    const CliRun run = runCli(
        QStringList{QStringLiteral("-h"), host(), QStringLiteral("-p"), QString::number(m_port)} + args,
        m_options.password);
    if (ok)
        *ok = run.ok;
    return run.out;
}

bool TestRedisServer::allowClientTracking(bool allowed) const
{
    return cli({QStringLiteral("ACL"), QStringLiteral("SETUSER"), QStringLiteral("default"),
                allowed ? QStringLiteral("+client|tracking") : QStringLiteral("-client|tracking")})
        .trimmed() == "OK";
}

TestRedisCluster::TestRedisCluster(int masters)
{
    for (int i = 0; i < masters; ++i)
        m_nodes.append(std::make_shared<TestRedisServer>(TestRedisServer::Options{{}, {}, {}, true}));
}

bool TestRedisCluster::start()
{
    QStringList create{QStringLiteral("--cluster"), QStringLiteral("create")};
    for (const auto &node : m_nodes) {
        if (!node->start()) {
            m_error = node->error();
            return false;
        }
        create << node->address();
    }
    create << QStringLiteral("--cluster-replicas") << QStringLiteral("0") << QStringLiteral("--cluster-yes");
    const CliRun run = runCli(create, {});
    if (!run.ok) {
        m_error = QStringLiteral("redis-cli --cluster create failed: ") + QString::fromUtf8(run.out + ' ' + run.errors);
        return false;
    }
    if (!waitUntilHealthy(20000)) {
        m_error = QStringLiteral("the cluster did not reach cluster_state:ok");
        return false;
    }
    return true;
}

bool TestRedisCluster::waitUntilHealthy(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        bool healthy = true;
        for (const auto &node : m_nodes) {
            if (!node->cli({QStringLiteral("CLUSTER"), QStringLiteral("INFO")}).contains("cluster_state:ok")) {
                healthy = false;
                break;
            }
        }
        // Every node must also agree on who serves each slot.
        for (int i = 0; healthy && i < size(); ++i) {
            const QByteArray view = m_nodes.at(i)->cli({QStringLiteral("CLUSTER"), QStringLiteral("SLOTS")});
            healthy = view == m_nodes.at(0)->cli({QStringLiteral("CLUSTER"), QStringLiteral("SLOTS")});
        }
        if (healthy)
            return true;
        QThread::msleep(50);
    }
    return false;
}

void TestRedisCluster::flushAll()
{
    for (const auto &node : m_nodes)
        node->cli({QStringLiteral("FLUSHALL")});
}

qint64 TestRedisCluster::keyCount() const
{
    qint64 total = 0;
    for (const auto &node : m_nodes)
        total += node->cli({QStringLiteral("DBSIZE")}).toLongLong();
    return total;
}

QSet<QByteArray> TestRedisCluster::keysOn(int i) const
{
    QSet<QByteArray> keys;
    for (const QByteArray &line : m_nodes.at(i)->cli({QStringLiteral("--scan")}).split('\n')) {
        if (!line.trimmed().isEmpty())
            keys.insert(line.trimmed());
    }
    return keys;
}

QByteArray TestRedisCluster::nodeId(int i) const
{
    return m_nodes.at(i)->cli({QStringLiteral("CLUSTER"), QStringLiteral("MYID")});
}

int TestRedisCluster::indexOfPort(quint16 port) const
{
    for (int i = 0; i < size(); ++i) {
        if (m_nodes.at(i)->port() == port)
            return i;
    }
    return -1;
}

int TestRedisCluster::ownerOfSlot(int slot) const
{
    // CLUSTER NODES lines: <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slots...>
    const QByteArray nodes = m_nodes.at(0)->cli({QStringLiteral("CLUSTER"), QStringLiteral("NODES")});
    for (const QByteArray &line : nodes.split('\n')) {
        const QList<QByteArray> fields = line.trimmed().split(' ');
        if (fields.size() < 9 || !fields.at(2).contains("master"))
            continue;
        for (qsizetype f = 8; f < fields.size(); ++f) {
            if (fields.at(f).startsWith('['))
                continue; // a migration in progress, not ownership
            const QList<QByteArray> range = fields.at(f).split('-');
            const int first = range.at(0).toInt();
            const int last = range.size() > 1 ? range.at(1).toInt() : first;
            if (slot >= first && slot <= last) {
                const QByteArray address = fields.at(1).split('@').constFirst();
                return indexOfPort(quint16(address.mid(address.lastIndexOf(':') + 1).toUInt()));
            }
        }
    }
    return -1;
}

bool TestRedisCluster::beginSlotMigration(int slot, int from, int to)
{
    bool importing = false, migrating = false;
    const QString slotText = QString::number(slot);
    m_nodes.at(to)->cli({QStringLiteral("CLUSTER"), QStringLiteral("SETSLOT"), slotText, QStringLiteral("IMPORTING"),
                         QString::fromLatin1(nodeId(from))},
                        &importing);
    m_nodes.at(from)->cli({QStringLiteral("CLUSTER"), QStringLiteral("SETSLOT"), slotText, QStringLiteral("MIGRATING"),
                           QString::fromLatin1(nodeId(to))},
                          &migrating);
    return importing && migrating;
}

bool TestRedisCluster::migrateKeys(int from, int to, const QList<QByteArray> &keys)
{
    if (keys.isEmpty())
        return true;
    QStringList args{QStringLiteral("MIGRATE"), m_nodes.at(to)->host(), QString::number(m_nodes.at(to)->port()),
                     QString(), QStringLiteral("0"), QStringLiteral("5000"), QStringLiteral("KEYS")};
    for (const QByteArray &key : keys)
        args << QString::fromUtf8(key);
    bool ok = false;
    const QByteArray out = m_nodes.at(from)->cli(args, &ok);
    return ok && out == "OK";
}

bool TestRedisCluster::assignSlot(int slot, int to)
{
    // The new owner first, then the others, as the Redis Cluster manual says.
    QList<int> order{to};
    for (int i = 0; i < size(); ++i) {
        if (i != to)
            order.append(i);
    }
    const QString id = QString::fromLatin1(nodeId(to));
    for (int i : order) {
        bool ok = false;
        m_nodes.at(i)->cli({QStringLiteral("CLUSTER"), QStringLiteral("SETSLOT"), QString::number(slot),
                            QStringLiteral("NODE"), id},
                           &ok);
        if (!ok)
            return false;
    }
    return true;
}

bool TestRedisCluster::moveSlot(int slot, int to)
{
    const int from = ownerOfSlot(slot);
    if (from < 0 || !beginSlotMigration(slot, from, to))
        return false;
    const QByteArray keys = m_nodes.at(from)->cli({QStringLiteral("CLUSTER"), QStringLiteral("GETKEYSINSLOT"),
                                                   QString::number(slot), QStringLiteral("100000")});
    QList<QByteArray> keyList;
    for (const QByteArray &key : keys.split('\n')) {
        if (!key.trimmed().isEmpty())
            keyList.append(key.trimmed());
    }
    return migrateKeys(from, to, keyList) && assignSlot(slot, to);
}

} // namespace adserve::test
