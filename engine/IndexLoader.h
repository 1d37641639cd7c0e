#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace adserve {

class Engine;

// Builds an engine's index on a thread of its own, for Engine::open()'s second half: a large
// store takes seconds to read, and meanwhile the server answers /healthz and the studio's
// window is up. Once the index is in, the engine starts following the change log. Going away
// first cancels a read still under way (a shutdown, another connection) and waits for it.
class IndexLoader : public QObject
{
    Q_OBJECT
public:
    // Lives on the engine's thread, and goes away with the engine.
    explicit IndexLoader(Engine &engine, QObject *parent = nullptr);
    ~IndexLoader() override;

    // Starts reading (again, after a failure); nothing while a read is under way.
    void start();
    bool isRunning() const;
    // Since the last start().
    qint64 elapsedMs() const { return elapsed_.elapsed(); }

Q_SIGNALS:
    // On the engine's thread: the index is in and the engine follows the change log (ok), or
    // the store could not be read (`error` says why).
    void finished(bool ok, const QString &error);

private:
    Engine &engine_;
    std::unique_ptr<QThread> thread_;
    QElapsedTimer elapsed_;
};

} // namespace adserve
