#pragma once

#include "Engine.h"
#include "http/HttpServerPool.h"
#include "qa/QaMode.h"

#include <QJsonDocument>
#include <QMap>
#include <QTemporaryDir>

#include <memory>

inline const QByteArray kQaToken = "qa-token";

// An adserve server in QA mode, as `adserve --qa` wires it, on a loopback port over the embedded
// SQLite store (the three sample campaigns) and the memory cache, its QA folder in a temporary
// directory that outlives restarts.
class QaTestServer
{
public:
    ~QaTestServer();
    // `settings`: configuration keys over ADSERVE_DB, ADSERVE_ADMIN_TOKEN, ADSERVE_QA=true, QA_DIR.
    bool start(const QMap<QString, QString> &settings, QString *error);
    void stop();
    QString url() const { return server_ ? server_->url() : QString(); }
    quint16 port() const { return server_ ? server_->port() : 0; }
    adserve::QaMode *qa() { return qa_.get(); }
    adserve::Engine &engine() { return *engine_; }

private:
    QTemporaryDir dir_;
    std::unique_ptr<adserve::Engine> engine_;
    std::unique_ptr<adserve::Metrics> metrics_;
    std::unique_ptr<adserve::HttpApi> api_;
    std::unique_ptr<adserve::QaMode> qa_;
    std::unique_ptr<adserve::HttpServerPool> server_;
};

// One request over a plain socket, as an app's HTTP stack sends it, and how the connection ended.
struct RawAnswer
{
    enum class End { Closed, Reset, TimedOut };
    QByteArray bytes;      // everything received
    End end = End::Closed;
    qint64 firstByteMs = -1; // -1: none came
    qint64 endMs = 0;
    int status() const { return bytes.startsWith("HTTP/1.") ? bytes.mid(9, 3).toInt() : 0; }
    QByteArray body() const { const qsizetype at = bytes.indexOf("\r\n\r\n"); return at < 0 ? QByteArray() : bytes.mid(at + 4); }
    QByteArray header(const QByteArray &name) const;
};
// Sends `request` as it is to 127.0.0.1:port; reads until the server closes or resets the
// connection, or `timeoutMs` pass (then the client gives up).
RawAnswer rawExchange(quint16 port, const QByteArray &request, int timeoutMs = 5000);
// Sends "GET target" with "Connection: close" and `headers` to 127.0.0.1:port; reads until the
// server closes or resets the connection, or `timeoutMs` pass (then the client gives up).
RawAnswer rawGet(quint16 port, const QString &target, const QList<QPair<QByteArray, QByteArray>> &headers = {},
                 int timeoutMs = 5000);

// A blocking request with QNetworkAccessManager; `scenario` goes in X-Adserve-Scenario.
struct QaResponse
{
    int status = 0;
    QByteArray body;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    int error = 0; // QNetworkReply::NetworkError
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};
QaResponse qaRequest(const QByteArray &method, const QString &url, const QByteArray &body = {},
                     const QByteArray &token = kQaToken, const QByteArray &scenario = {}, int timeoutMs = 10000);
