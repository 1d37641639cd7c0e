#include "TestPostgres.h"

#include "LoopbackPort.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVersionNumber>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

namespace {

const QString kServerUser = QStringLiteral("postgres");

// The newest installed server's bin folder (Debian: /usr/lib/postgresql/<version>/bin);
// ADSERVE_PG_BINDIR overrides.
QString findBinDir()
{
    const QString configured = qEnvironmentVariable("ADSERVE_PG_BINDIR");
    if (!configured.isEmpty())
        return QFile::exists(configured + QStringLiteral("/initdb")) ? configured : QString();
    QString best;
    QVersionNumber bestVersion;
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &version : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString bin = root.filePath(version + QStringLiteral("/bin"));
        const QVersionNumber number = QVersionNumber::fromString(version);
        if (QFile::exists(bin + QStringLiteral("/initdb")) && number > bestVersion) {
            best = bin;
            bestVersion = number;
        }
    }
    return best;
}

bool runningAsRoot()
{
    return geteuid() == 0;
}

// The processes whose parent is `parent`, from /proc/<pid>/stat (the field after the
// parenthesised command name, which may itself contain spaces and parentheses).
QList<pid_t> childrenOf(qint64 parent)
{
    QList<pid_t> children;
    QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        it.next();
        bool isPid = false;
        const pid_t pid = it.fileName().toInt(&isPid);
        QFile stat(it.filePath() + QStringLiteral("/stat"));
        if (!isPid || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == parent)
            children.append(pid);
    }
    return children;
}

} // namespace

TestPostgres::~TestPostgres()
{
    stop();
}

bool TestPostgres::run(const QString &program, const QStringList &arguments, QString *error, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    const QString path = binDir_ + u'/' + program;
    if (runningAsRoot())
        process.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), kServerUser, QStringLiteral("--"), path} + arguments);
    else
        process.start(path, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(1000);
        *error = QStringLiteral("%1 did not finish: %2").arg(program, process.errorString());
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("%1 failed (exit %2): %3")
                     .arg(program)
                     .arg(process.exitCode())
                     .arg(QString::fromLocal8Bit(process.readAll()).trimmed());
        return false;
    }
    return true;
}

bool TestPostgres::start(QString *error)
{
    stop();
    binDir_ = findBinDir();
    if (binDir_.isEmpty()) {
        *error = QStringLiteral("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                                "(run installer/install-deps.sh, or set ADSERVE_PG_BINDIR)");
        return false;
    }
    dir_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/adserve-pg-XXXXXX"));
    if (!dir_->isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: %1").arg(dir_->errorString());
        return false;
    }
    if (runningAsRoot()) {
        const passwd *user = getpwnam(kServerUser.toLocal8Bit().constData());
        if (!user) {
            *error = QStringLiteral("OS user '%1' missing (the postgresql package creates it)").arg(kServerUser);
            return false;
        }
        if (chown(QFile::encodeName(dir_->path()).constData(), user->pw_uid, user->pw_gid) != 0) {
            *error = QStringLiteral("cannot give %1 to user %2").arg(dir_->path(), kServerUser);
            return false;
        }
    }
    const QString data = dir_->filePath(QStringLiteral("data"));
    if (!run(QStringLiteral("initdb"),
             {QStringLiteral("-D"), data, QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-U"),
              kServerUser, QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
              QStringLiteral("--no-sync")},
             error))
        return false;

    port_ = adserve::test::unusedLoopbackPort();
    QFile conf(data + QStringLiteral("/postgresql.conf"));
    if (port_ == 0 || !conf.open(QIODevice::Append | QIODevice::Text)) {
        *error = QStringLiteral("cannot pick a port or write postgresql.conf");
        return false;
    }
    conf.write(QStringLiteral("\nport = %1\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%2'\n"
                              "fsync = off\nfull_page_writes = off\n"
                              "max_connections = 100\nshared_buffers = 64MB\n")
                   .arg(port_)
                   .arg(dir_->path())
                   .toUtf8());
    conf.close();

    if (!startServer(error))
        return false;
    return createDatabase(QStringLiteral("adserve"), error) == databaseUrl();
}

bool TestPostgres::startServer(QString *error)
{
    const QString data = dir_->filePath(QStringLiteral("data"));
    if (!run(QStringLiteral("pg_ctl"),
             {QStringLiteral("-D"), data, QStringLiteral("-l"), dir_->filePath(QStringLiteral("server.log")),
              QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("30"), QStringLiteral("start")},
             error)) {
        QFile log(dir_->filePath(QStringLiteral("server.log")));
        if (log.open(QIODevice::ReadOnly))
            *error += QStringLiteral("\nserver log:\n") + QString::fromUtf8(log.readAll().right(2000));
        return false;
    }
    QFile pidFile(data + QStringLiteral("/postmaster.pid"));
    if (pidFile.open(QIODevice::ReadOnly))
        pid_ = pidFile.readLine().trimmed().toLongLong();
    if (pid_ <= 0) {
        *error = QStringLiteral("server started but postmaster.pid is unreadable");
        return false;
    }
    watchForCrash();
    return true;
}

void TestPostgres::watchForCrash()
{
    // Should the test process die without running stop() (crash, ctest timeout), a detached
    // watcher stops this server and removes its folder, so nothing is left running.
    const QString script =
        QStringLiteral("while kill -0 %1 2>/dev/null && [ -d '%2' ]; do sleep 1; done; "
                       "if [ -d '%2' ]; then "
                       "grep -qF '%2' /proc/%3/cmdline 2>/dev/null && { pkill -CONT -P %3; kill -KILL %3; }; "
                       "rm -rf '%2'; fi")
            .arg(QCoreApplication::applicationPid())
            .arg(dir_->path())
            .arg(pid_);
    QProcess::startDetached(QStringLiteral("sh"), {QStringLiteral("-c"), script});
}

void TestPostgres::signalServer(int signal)
{
    if (!isRunning())
        return;
    // The postmaster first when stopping (it starts no new backends), last when continuing.
    if (signal == SIGSTOP)
        ::kill(pid_t(pid_), signal);
    for (const pid_t child : childrenOf(pid_))
        ::kill(child, signal);
    if (signal != SIGSTOP)
        ::kill(pid_t(pid_), signal);
}

void TestPostgres::pause()
{
    if (paused_)
        return;
    signalServer(SIGSTOP);
    paused_ = true;
}

void TestPostgres::resume()
{
    if (!paused_)
        return;
    signalServer(SIGCONT);
    paused_ = false;
}

void TestPostgres::stopServer()
{
    if (!dir_ || pid_ <= 0)
        return;
    resume(); // a frozen server cannot shut down
    QSqlDatabase::removeDatabase(QStringLiteral("test-postgres-admin-%1").arg(port_));
    QString ignored;
    run(QStringLiteral("pg_ctl"),
        {QStringLiteral("-D"), dir_->filePath(QStringLiteral("data")), QStringLiteral("-m"), QStringLiteral("immediate"),
         QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("10"), QStringLiteral("stop")},
        &ignored, 15000);
    QElapsedTimer waited;
    waited.start();
    while (isRunning() && waited.elapsed() < 5000)
        QThread::msleep(20);
    if (isRunning())
        ::kill(pid_t(pid_), SIGKILL);
    pid_ = 0;
}

bool TestPostgres::restart(QString *error)
{
    if (!dir_) {
        *error = QStringLiteral("not started");
        return false;
    }
    stopServer();
    return startServer(error);
}

QString TestPostgres::urlFor(const QString &database) const
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(kServerUser).arg(port_).arg(database);
}

QString TestPostgres::createDatabase(const QString &name, QString *error)
{
    // Over a connection of its own rather than createdb: tests make one database each.
    const QString connection = QStringLiteral("test-postgres-admin-%1").arg(port_);
    QSqlDatabase admin = QSqlDatabase::database(connection, false);
    if (!admin.isValid()) {
        admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        admin.setHostName(QStringLiteral("127.0.0.1"));
        admin.setPort(port_);
        admin.setUserName(kServerUser);
        admin.setDatabaseName(QStringLiteral("postgres"));
    }
    if (!admin.isOpen() && !admin.open()) {
        *error = QStringLiteral("cannot connect to the test server: %1").arg(admin.lastError().text());
        return {};
    }
    QSqlQuery create(admin);
    if (!create.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name))) {
        *error = QStringLiteral("CREATE DATABASE %1 failed: %2").arg(name, create.lastError().text());
        return {};
    }
    return urlFor(name);
}

bool TestPostgres::isRunning() const
{
    return pid_ > 0 && ::kill(pid_t(pid_), 0) == 0;
}

void TestPostgres::stop()
{
    stopServer();
    port_ = 0;
    dir_.reset(); // removes the folder
}
