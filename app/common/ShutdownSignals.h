#pragma once

#include <QObject>

// Turns SIGINT and SIGTERM into a Qt signal on the main thread (through a self-pipe, the
// only async-signal-safe way), so the server can shut down cleanly.
class ShutdownSignals : public QObject
{
    Q_OBJECT
public:
    explicit ShutdownSignals(QObject *parent = nullptr);

Q_SIGNALS:
    void shutdownRequested(int signalNumber);
};
