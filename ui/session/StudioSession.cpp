#include "StudioSession.h"

#include "common/ValueCatalog.h"

namespace adserve {

StudioSession::StudioSession(QObject *parent)
    : QObject(parent)
    , valueCatalog_(std::make_unique<ValueCatalog>(*this))
{
    qRegisterMetaType<adserve::RequestRecord>();
}

StudioSession::~StudioSession()
{
    if (server_)
        server_->stop();
}

bool StudioSession::open(const Config &config, QString *error)
{
    auto engine = Engine::create(config, error);
    if (!engine)
        return false;
    if (engine_) {
        Q_EMIT aboutToClose();
        server_->stop();
        server_.reset();
        api_.reset();
        engine_.reset();
    }
    engine_ = std::move(engine);
    metrics_ = std::make_unique<Metrics>();
    api_ = std::make_unique<HttpApi>(*engine_, *metrics_);
    server_ = std::make_unique<HttpServerPool>(*api_);
    // Records are built on the server threads: queue them to the GUI thread.
    connect(server_.get(), &HttpServerPool::requestServed, this, &StudioSession::requestServed, Qt::QueuedConnection);
    connect(server_.get(), &HttpServerPool::runningChanged, this, &StudioSession::serverStateChanged);
    Q_EMIT opened();
    return true;
}

bool StudioSession::startServer(const QHostAddress &address, quint16 port, QString *error)
{
    if (server_->isRunning())
        return true;
    return server_->start(address, port, engine_->config().serverThreads, error);
}

void StudioSession::stopServer()
{
    server_->stop();
}

} // namespace adserve
