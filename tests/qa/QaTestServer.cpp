#include "QaTestServer.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace adserve;

QaTestServer::~QaTestServer()
{
    stop();
}

bool QaTestServer::start(const QMap<QString, QString> &settings, QString *error)
{
    QMap<QString, QString> values{{QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("adserve.sqlite"))},
                                  {QStringLiteral("ADSERVE_ADMIN_TOKEN"), QString::fromLatin1(kQaToken)},
                                  {QStringLiteral("ADSERVE_QA"), QStringLiteral("true")},
                                  {QStringLiteral("QA_DIR"), dir_.filePath(QStringLiteral("qa"))}};
    for (auto it = settings.cbegin(); it != settings.cend(); ++it)
        values.insert(it.key(), it.value());
    const auto config = ConfigBuilder::build(values, error);
    if (!config)
        return false;
    engine_ = Engine::create(*config, error);
    if (!engine_)
        return false;
    metrics_ = std::make_unique<Metrics>();
    api_ = std::make_unique<HttpApi>(*engine_, *metrics_);
    if (config->qa.enabled) {
        qa_ = QaMode::open(config->qa, *engine_, *api_, error);
        if (!qa_)
            return false;
        server_ = std::make_unique<HttpServerPool>(qa_->handler(), config->http);
    } else {
        server_ = std::make_unique<HttpServerPool>(*api_, config->http);
    }
    if (!server_->start(QHostAddress::LocalHost, 0, 2, error))
        return false;
    if (qa_)
        qa_->setServer(server_->address(), server_->port(), server_->url());
    return true;
}

void QaTestServer::stop()
{
    server_.reset();
    qa_.reset();
    api_.reset();
    metrics_.reset();
    engine_.reset();
}

QByteArray RawAnswer::header(const QByteArray &name) const
{
    const QByteArray head = bytes.left(bytes.indexOf("\r\n\r\n"));
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

RawAnswer rawGet(quint16 port, const QString &target, const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QByteArray request = "GET " + target.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    return rawExchange(port, request + "\r\n", timeoutMs);
}

RawAnswer rawExchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    RawAnswer answer;
    QElapsedTimer clock;
    clock.start();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        answer.end = RawAnswer::End::Reset;
        return answer;
    }
    ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL);
    char buffer[16384];
    while (true) {
        pollfd p{fd, POLLIN, 0};
        const int left = int(timeoutMs - clock.elapsed());
        if (left <= 0 || ::poll(&p, 1, left) == 0) {
            answer.end = RawAnswer::End::TimedOut;
            break;
        }
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            if (answer.firstByteMs < 0)
                answer.firstByteMs = clock.elapsed();
            answer.bytes.append(buffer, n);
            continue;
        }
        answer.end = n == 0 ? RawAnswer::End::Closed : RawAnswer::End::Reset; // -1: ECONNRESET
        break;
    }
    answer.endMs = clock.elapsed();
    ::close(fd);
    return answer;
}

QaResponse qaRequest(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &token,
                     const QByteArray &scenario, int timeoutMs)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    if (!scenario.isEmpty())
        request.setRawHeader("X-Adserve-Scenario", scenario);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    QaResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        response.body = reply->readAll();
    response.error = reply->error();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        response.headers.insert(name.toLower(), value);
    delete reply;
    return response;
}
