#include "TestHaproxy.h"

#include "LoopbackPort.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QThread>

namespace adserve::test {

TestHaproxy::TestHaproxy() = default;

TestHaproxy::~TestHaproxy()
{
    stop();
}

QString TestHaproxy::configuration(quint16 port, const QList<quint16> &backends)
{
    QString config = QStringLiteral(
                         "global\n"
                         "    maxconn 4096\n"
                         "\n"
                         "defaults\n"
                         "    mode http\n"
                         "    timeout connect 2s\n"
                         "    timeout client 30s\n"
                         "    timeout server 30s\n"
                         "    option http-keep-alive\n"
                         "    # A request whose instance just went away goes to another one at once.\n"
                         "    retries 2\n"
                         "    option redispatch 1\n"
                         "\n"
                         "frontend adserve\n"
                         "    bind 127.0.0.1:%1\n"
                         "    default_backend instances\n"
                         "\n"
                         "backend instances\n"
                         "    balance roundrobin\n"
                         "    # Ready: up, or up without the cache; out of rotation when the store is down\n"
                         "    # or it is more than 30 s behind the change log.\n"
                         "    option httpchk GET /readyz?maxLagSeconds=30\n"
                         "    http-check expect status 200\n"
                         "    http-response set-header X-Served-By %[srv_name]\n"
                         "    default-server inter 500ms fall 2 rise 1\n")
                         .arg(port);
    for (qsizetype i = 0; i < backends.size(); ++i)
        config += QStringLiteral("    server adserve%1 127.0.0.1:%2 check\n").arg(i + 1).arg(backends.at(i));
    return config;
}

bool TestHaproxy::start(const QList<quint16> &backends, QString *error)
{
    const QString haproxy = QStandardPaths::findExecutable(QStringLiteral("haproxy"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
    if (haproxy.isEmpty()) {
        *error = QStringLiteral("haproxy is not installed (Debian: apt install haproxy)");
        return false;
    }
    port_ = unusedLoopbackPort();
    QFile file(dir_.filePath(QStringLiteral("haproxy.cfg")));
    if (!file.open(QIODevice::WriteOnly) || file.write(configuration(port_, backends).toUtf8()) < 0) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return false;
    }
    file.close();
    process_ = std::make_unique<QProcess>();
    process_->setProcessChannelMode(QProcess::MergedChannels);
    process_->start(haproxy, {QStringLiteral("-db"), QStringLiteral("-f"), file.fileName()});
    for (int i = 0; i < 100; ++i) {
        if (process_->state() == QProcess::NotRunning)
            break;
        QTcpSocket probe;
        probe.connectToHost(QStringLiteral("127.0.0.1"), port_);
        if (probe.waitForConnected(100))
            return true;
        QThread::msleep(50);
    }
    *error = QStringLiteral("haproxy did not start: %1").arg(QString::fromUtf8(process_->readAll()));
    stop();
    return false;
}

void TestHaproxy::stop()
{
    if (!process_)
        return;
    process_->terminate();
    if (!process_->waitForFinished(5000))
        process_->kill();
    process_->waitForFinished(2000);
    process_.reset();
}

} // namespace adserve::test
