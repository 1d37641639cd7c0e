#pragma once

#include <QJsonDocument>
#include <QMap>
#include <QProcess>
#include <QString>

#include <memory>

namespace adserve::test {

// The `adserve` executable, run as a service would run it: configured through its
// environment, started on a loopback port, stopped with SIGTERM.
class AdserveProcess
{
public:
    // `environment`: DATABASE_URL, REDIS_URL, ... on top of a clean environment.
    AdserveProcess(QString binary, QMap<QString, QString> environment);
    ~AdserveProcess();

    // Starts on a free loopback port and waits for its "listening on" line.
    bool start(QString *error);
    void stop();
    quint16 port() const { return port_; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port_); }
    qint64 pid() const;
    QByteArray output() const;

private:
    const QString binary_;
    const QMap<QString, QString> environment_;
    quint16 port_ = 0;
    std::unique_ptr<QProcess> process_;
    QByteArray output_;
};

// Blocking HTTP for tests and benchmarks that run no event loop of their own: one request,
// answered within `timeoutMs`.
struct HttpAnswer
{
    int status = 0; // 0: no answer
    QByteArray body;
    QMap<QByteArray, QByteArray> headers;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};
// A body goes as `contentType`.
HttpAnswer httpRequest(const QByteArray &method, const QString &url, const QByteArray &body = {},
                       const QByteArray &bearerToken = {}, int timeoutMs = 10000,
                       const QByteArray &contentType = QByteArrayLiteral("application/json"));

} // namespace adserve::test
