#pragma once

#include <QString>
#include <QTemporaryDir>

#include <memory>

// A throwaway PostgreSQL server for tests: initdb into a temporary folder, run on a free
// loopback port (as the `postgres` OS user when the test runs as root: the server refuses
// root), with fsync off; stopped by PID and its folder removed when done.
class TestPostgres
{
public:
    TestPostgres() = default;
    ~TestPostgres();
    TestPostgres(const TestPostgres &) = delete;
    TestPostgres &operator=(const TestPostgres &) = delete;

    // Starts the server and creates the database "adserve". On failure says why in `error`.
    bool start(QString *error);
    // postgresql://postgres@127.0.0.1:<port>/adserve
    QString databaseUrl() const { return urlFor(QStringLiteral("adserve")); }
    // Creates another empty database on this server and returns its URL, or empty on failure.
    QString createDatabase(const QString &name, QString *error);
    QString urlFor(const QString &database) const;
    int port() const { return port_; }
    qint64 pid() const { return pid_; }
    bool isRunning() const;
    // Immediate shutdown, then SIGKILL if the postmaster is still there; removes the folder.
    void stop();
    // Immediate shutdown and start again on the same port with the same data (a crash and recovery).
    bool restart(QString *error);
    // Freezes the server: SIGSTOP to the postmaster and every process it started. The kernel
    // still accepts connections and bytes; nothing answers. resume() (and stop()) thaw it.
    void pause();
    void resume();

private:
    bool startServer(QString *error);
    void stopServer();
    void watchForCrash();
    bool run(const QString &program, const QStringList &arguments, QString *error, int timeoutMs = 60000);
    void signalServer(int signal);

    std::unique_ptr<QTemporaryDir> dir_;
    QString binDir_;
    int port_ = 0;
    qint64 pid_ = 0;
    bool paused_ = false;
};
