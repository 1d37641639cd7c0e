#include "IndexLoader.h"

#include "Engine.h"

#include <QThread>

namespace adserve {

IndexLoader::IndexLoader(Engine &engine, QObject *parent)
    : QObject(parent)
    , engine_(engine)
{
}

IndexLoader::~IndexLoader()
{
    if (!thread_)
        return;
    if (thread_->isRunning())
        engine_.cancelLoading();
    thread_->wait();
}

bool IndexLoader::isRunning() const
{
    return thread_ && thread_->isRunning();
}

void IndexLoader::start()
{
    if (isRunning())
        return;
    if (thread_)
        thread_->wait(); // the last read's thread, past its finished() signal
    elapsed_.start();
    auto result = std::make_shared<StoreResult<bool>>();
    thread_.reset(QThread::create([this, result] { *result = engine_.rebuildIndex(); }));
    thread_->setObjectName(QStringLiteral("adserve-load"));
    connect(thread_.get(), &QThread::finished, this, [this, result] {
        if (result->ok())
            engine_.startFollowing();
        Q_EMIT finished(result->ok(), result->message);
    });
    thread_->start();
}

} // namespace adserve
