#include "RequestReplay.h"

#include "RequestDetails.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace adserve {

RequestReplay::RequestReplay(QObject *parent)
    : QObject(parent)
    , network_(new QNetworkAccessManager(this))
{
}

bool RequestReplay::send(const RequestRecord &record, const QString &baseUrl, QString *why)
{
    if (baseUrl.isEmpty()) {
        *why = tr("Start the server first: a replay goes to the running server.");
        return false;
    }
    if (record.requestBody.size() < record.requestBytes) {
        *why = tr("Cannot replay: the log kept only the first %1 bytes of this request's body.").arg(record.requestBody.size());
        return false;
    }
    const QUrl url(baseUrl + record.target);
    if (!url.isValid()) {
        *why = tr("Cannot replay: \"%1\" is not a valid URL.").arg(url.toString());
        return false;
    }
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    for (const auto &[name, value] : record.requestHeaders) {
        if (!RequestDetails::isTransportHeader(name))
            request.setRawHeader(name, value);
    }
    QNetworkReply *reply = network_->sendCustomRequest(request, record.method, record.requestBody);
    const QString what = QString::fromLatin1(record.method) + QLatin1Char(' ') + record.target;
    connect(reply, &QNetworkReply::finished, this, [this, reply, what] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0)
            Q_EMIT finished(0, tr("Replay of %1 failed: %2").arg(what, reply->errorString()));
        else
            Q_EMIT finished(status, tr("Replayed %1: HTTP %2").arg(what).arg(status));
    });
    return true;
}

} // namespace adserve
