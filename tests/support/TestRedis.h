#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace adserve::test {

// A redis-server of the test's own: a free loopback port, a temporary folder, no
// persistence. Stopped by PID (and killed with the test process if that dies first).
class TestRedisServer
{
public:
    struct Options
    {
        QString password;    // requirepass, for the default user
        QString aclUser;     // an extra ACL user with every permission...
        QString aclPassword; // ...and this password
        bool clusterNode = false;
    };

    TestRedisServer();
    explicit TestRedisServer(Options options);
    ~TestRedisServer();
    TestRedisServer(const TestRedisServer &) = delete;
    TestRedisServer &operator=(const TestRedisServer &) = delete;

    // Whether redis-server and redis-cli are installed (installer/install-deps.sh).
    static bool toolsAvailable();

    bool start();   // false with error() set
    bool restart(); // the same port and folder, after stop() or kill()
    void stop();    // SIGTERM, then SIGKILL if it does not end
    void kill();    // SIGKILL: a crash
    void pause();   // SIGSTOP: the server hangs, connections stay open
    void resume();  // SIGCONT
    bool isRunning() const;
    // Whether a PING on a fresh connection gets any answer within `ms` (false while hung).
    bool answersWithin(int ms) const;
    QString error() const { return m_error; }

    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 port() const { return m_port; }
    qint64 pid() const;
    QString address() const { return host() + QLatin1Char(':') + QString::number(m_port); }
    // redis://[:password@]127.0.0.1:port — the default user's password when there is one.
    QString url() const;
    QString logFile() const;

    // Runs redis-cli against this server (authenticated); its output, trimmed.
    QByteArray cli(const QStringList &args, bool *ok = nullptr) const;
    // Lets the default user turn on client tracking (CLIENT TRACKING), or not: without it,
    // the cache plugin cannot watch keys, as with Redis before 6.0. True when Redis took it.
    bool allowClientTracking(bool allowed) const;

private:
    bool launch();
    bool waitUntilAnswering(int timeoutMs);

    Options m_options;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
    bool m_paused = false;
    QString m_error;
};

// A Redis Cluster of masters without replicas, made with redis-cli --cluster create.
class TestRedisCluster
{
public:
    explicit TestRedisCluster(int masters = 3);

    bool start(); // false with error() set
    QString error() const { return m_error; }
    // A seed URL: the first node's.
    QString url() const { return m_nodes.constFirst()->url(); }
    int size() const { return int(m_nodes.size()); }
    TestRedisServer &node(int i) { return *m_nodes.at(i); }
    bool waitUntilHealthy(int timeoutMs);
    void flushAll();         // FLUSHALL on every node
    qint64 keyCount() const; // DBSIZE of every node, added up
    QSet<QByteArray> keysOn(int i) const; // the keys node i holds (redis-cli --scan)

    // Inspection and resharding, through redis-cli: the test's independent view.
    QByteArray nodeId(int i) const;
    int ownerOfSlot(int slot) const; // node index, -1 if unknown
    int indexOfPort(quint16 port) const;
    // The three steps of moving a slot, so a test can stop midway.
    bool beginSlotMigration(int slot, int from, int to);
    bool migrateKeys(int from, int to, const QList<QByteArray> &keys);
    bool assignSlot(int slot, int to); // CLUSTER SETSLOT slot NODE on every node
    // All three, with every key of the slot.
    bool moveSlot(int slot, int to);

private:
    QList<std::shared_ptr<TestRedisServer>> m_nodes;
    QString m_error;
};

// A whole SCAN-style walk: from cursor "0" until the cursor comes back to "0". `scanPage`
// reads one page from a cursor and returns a reply with ok(), error and value.keys, plus
// value.cursor (the Redis client) or value.nextCursor (a CacheBackend).
struct ScanWalk
{
    QSet<QByteArray> keys;
    QList<QByteArray> cursors; // the cursor each page returned, in order
    QString error;             // a page that failed, or a walk of `maxPages` pages or more
    bool ok() const { return error.isEmpty(); }
};

template<typename ScanPage>
ScanWalk walkScan(ScanPage scanPage, int maxPages = 1000)
{
    ScanWalk walk;
    QByteArray cursor = "0";
    do {
        const auto page = scanPage(cursor);
        if (!page.ok()) {
            walk.error = page.error;
            break;
        }
        for (const QByteArray &key : page.value.keys)
            walk.keys.insert(key);
        if constexpr (requires { page.value.nextCursor; })
            cursor = page.value.nextCursor;
        else
            cursor = page.value.cursor;
        walk.cursors.append(cursor);
        if (walk.cursors.size() >= maxPages) {
            walk.error = QStringLiteral("the scan took %1 pages or more").arg(maxPages);
            break;
        }
    } while (cursor != "0");
    return walk;
}

} // namespace adserve::test
