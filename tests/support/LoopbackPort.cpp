#include "LoopbackPort.h"

#include <QTcpServer>

namespace adserve::test {

quint16 unusedLoopbackPort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0; // closed again when probe goes
}

} // namespace adserve::test
