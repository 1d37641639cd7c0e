#include "AdserveProcess.h"

#include "LoopbackPort.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QTimer>

#include <csignal>

namespace adserve::test {

AdserveProcess::AdserveProcess(QString binary, QMap<QString, QString> environment)
    : binary_(std::move(binary))
    , environment_(std::move(environment))
{
}

AdserveProcess::~AdserveProcess()
{
    stop();
}

bool AdserveProcess::start(QString *error)
{
    port_ = unusedLoopbackPort();
    process_ = std::make_unique<QProcess>();
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    env.insert(QStringLiteral("HOME"), qEnvironmentVariable("HOME"));
    for (auto it = environment_.cbegin(); it != environment_.cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QStringLiteral("ADSERVE_LISTEN"), QStringLiteral("127.0.0.1:%1").arg(port_));
    process_->setProcessEnvironment(env);
    process_->setProcessChannelMode(QProcess::MergedChannels);
    process_->start(binary_, {});
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000 && !output_.contains("listening on")) {
        if (!process_->waitForReadyRead(200) && process_->state() == QProcess::NotRunning)
            break;
        output_ += process_->readAll();
    }
    if (output_.contains("listening on"))
        return true;
    *error = QStringLiteral("adserve did not start: %1").arg(QString::fromUtf8(output_ + process_->readAll()));
    stop();
    return false;
}

void AdserveProcess::stop()
{
    if (!process_)
        return;
    if (process_->state() != QProcess::NotRunning) {
        ::kill(pid_t(process_->processId()), SIGTERM);
        if (!process_->waitForFinished(10000)) {
            process_->kill();
            process_->waitForFinished(2000);
        }
    }
    output_ += process_->readAll();
    process_.reset();
}

qint64 AdserveProcess::pid() const
{
    return process_ ? process_->processId() : 0;
}

QByteArray AdserveProcess::output() const
{
    return output_ + (process_ ? process_->readAll() : QByteArray());
}

HttpAnswer httpRequest(const QByteArray &method, const QString &url, const QByteArray &body,
                       const QByteArray &bearerToken, int timeoutMs, const QByteArray &contentType)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!bearerToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearerToken);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    HttpAnswer answer;
    if (reply->isFinished()) {
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            answer.headers.insert(name.toLower(), value);
    }
    reply->abort();
    delete reply;
    return answer;
}

} // namespace adserve::test
