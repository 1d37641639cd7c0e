#pragma once

#include "http/HttpServerPool.h"

#include <QObject>

class QNetworkAccessManager;

namespace adserve {

// Sends a recorded request again, as it came (method, target, headers, body; the connection's
// own headers and a load run's mark left out), to a server. The server's log gets the answer
// as a new request; `finished` says in words how it went.
class RequestReplay : public QObject
{
    Q_OBJECT
public:
    explicit RequestReplay(QObject *parent = nullptr);

    // False with `why` when it cannot be sent as it came (no server, a body that was cut).
    bool send(const RequestRecord &record, const QString &baseUrl, QString *why);

Q_SIGNALS:
    void finished(int status, const QString &message);

private:
    QNetworkAccessManager *network_;
};

} // namespace adserve
