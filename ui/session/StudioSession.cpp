#include "StudioSession.h"

#include "IndexLoader.h"
#include "RequestRelay.h"
#include "changes/Actor.h"
#include "common/ValueCatalog.h"
#include "reach/RecordedTrafficSource.h"

#include <QCoreApplication>

#include <optional>
#include <utility>

namespace adserve {

StudioSession::StudioSession(QObject *parent)
    : QObject(parent)
    , secrets_(QCoreApplication::applicationName())
    , relay_(new RequestRelay(this))
    , valueCatalog_(std::make_unique<ValueCatalog>(*this))
    , recordedTraffic_(std::make_unique<RecordedTrafficSource>(*this))
{
    // The studio holds a large store's table beside the engine, and its window must not wait
    // for malloc: its embedded server's large answers page-fault a little more instead.
    Engine::tuneMemoryForInteractiveUse();
    qRegisterMetaType<adserve::RequestRecord>();
    connect(relay_, &RequestRelay::requestServed, this, &StudioSession::requestServed);
}

StudioSession::~StudioSession()
{
    if (server_)
        server_->stop();
}

bool StudioSession::open(const Config &config, QString *error)
{
    auto engine = Engine::open(config, error, QStringLiteral("studio"));
    if (!engine)
        return false;
    engine->store().setDefaultActor(currentLoginName());
    // A running server goes on running, on the new engine at the same address.
    std::optional<std::pair<QHostAddress, quint16>> serving;
    if (engine_) {
        if (server_->isRunning())
            serving = {server_->address(), server_->port()};
        Q_EMIT aboutToClose();
        server_->stop();
        server_.reset();
        qa_.reset();
        api_.reset();
        loader_.reset();
        engine_.reset();
    }
    engine_ = std::move(engine);
    loadError_.clear();
    loader_ = std::make_unique<IndexLoader>(*engine_);
    connect(loader_.get(), &IndexLoader::finished, this, [this](bool ok, const QString &why) {
        if (ok) {
            Q_EMIT indexLoaded();
            return;
        }
        loadError_ = why;
        Q_EMIT indexLoadFailed(why);
    });
    metrics_ = std::make_unique<Metrics>();
    api_ = std::make_unique<HttpApi>(*engine_, *metrics_);
    if (engine_->config().qa.enabled) {
        QString why;
        qa_ = QaMode::open(engine_->config().qa, *engine_, *api_, &why);
        if (!qa_)
            qWarning("QA mode is off: %s", qPrintable(why));
    }
    server_ = qa_ ? std::make_unique<HttpServerPool>(qa_->handler(), engine_->config().http)
                  : std::make_unique<HttpServerPool>(*api_, engine_->config().http);
    // Records are built on the server threads: queue them to the GUI thread.
    connect(server_.get(), &HttpServerPool::requestServed, relay_, &RequestRelay::push, Qt::DirectConnection);
    connect(server_.get(), &HttpServerPool::runningChanged, this, &StudioSession::serverStateChanged);
    // Other instances see in the registry where this one serves, while it does.
    connect(server_.get(), &HttpServerPool::runningChanged, this, [this](bool running) {
        engine_->changes().setAddress(running ? server_->url() : QString());
        if (running && qa_)
            qa_->setServer(server_->address(), server_->port(), server_->url());
    });
    Q_EMIT opened();
    loader_->start();
    if (serving) {
        QString why;
        if (!startServer(serving->first, serving->second, &why))
            qWarning("the embedded server could not start again: %s", qPrintable(why));
    }
    return true;
}

void StudioSession::retryLoading()
{
    if (!engine_ || engine_->loaded() || loader_->isRunning())
        return;
    loadError_.clear();
    loader_->start();
}

bool StudioSession::startServer(const QHostAddress &address, quint16 port, QString *error)
{
    if (server_->isRunning())
        return true;
    return server_->start(address, port, engine_->config().serverThreads, error);
}

qint64 StudioSession::servedCount() const
{
    return relay_->served();
}

void StudioSession::stopServer()
{
    server_->stop();
}

} // namespace adserve
