#pragma once

#include <QList>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace adserve::test {

// A real HAProxy (Debian's package) on a loopback port in front of adserve instances:
// round robin, each backend health-checked on /readyz, and the backend that answered named
// in the X-Served-By header. Stopped by PID. Its configuration is the README's example.
class TestHaproxy
{
public:
    TestHaproxy();
    ~TestHaproxy();

    // `backends`: the instances' loopback ports.
    bool start(const QList<quint16> &backends, QString *error);
    void stop();
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port_); }
    // The configuration it runs with.
    static QString configuration(quint16 port, const QList<quint16> &backends);

private:
    QTemporaryDir dir_;
    quint16 port_ = 0;
    std::unique_ptr<QProcess> process_;
};

} // namespace adserve::test
