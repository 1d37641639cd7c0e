#pragma once

#include "Engine.h"
#include "http/HttpApi.h"
#include "http/HttpServerPool.h"
#include "http/Metrics.h"
#include "qa/QaMode.h"
#include "settings/SecretStore.h"

#include <QObject>

#include <memory>

namespace adserve {

class IndexLoader;
class RecordedTrafficSource;
class RequestRelay;
class ValueCatalog;

// The engine the studio works on, with the HTTP API and the embedded server over it.
// Panels reach everything through the session, never keeping pointers across a reopen:
// switching connections builds a new engine and swaps it in only once it opened.
class StudioSession : public QObject
{
    Q_OBJECT
public:
    explicit StudioSession(QObject *parent = nullptr);
    ~StudioSession() override;

    // Opens an engine on `config` and starts loading its index in the background: the store
    // and the cache are open when this returns, the campaigns arrive later (isLoaded(),
    // indexLoaded()). On failure the current engine (if any) stays in use.
    bool open(const Config &config, QString *error);
    bool isOpen() const { return engine_ != nullptr; }
    // Whether the engine's index holds the store's campaigns: until then the simulator and the
    // embedded server have nothing to deliver (the server answers 503 "loading").
    bool isLoaded() const { return engine_ && engine_->loaded(); }
    // Why the last load failed; empty while loading or once loaded.
    QString loadError() const { return loadError_; }
    // Reads the store's campaigns again after a failed load.
    void retryLoading();
    // Calls `show` for the engine in use now (if any) and again for every one opened later:
    // how a view follows the session across connection switches.
    template<typename Functor>
    void forEachEngine(QObject *receiver, Functor show)
    {
        connect(this, &StudioSession::opened, receiver, show);
        if (isOpen())
            show();
    }

    const Config &config() const { return engine_->config(); }
    Engine &engine() { return *engine_; }
    HttpApi &api() { return *api_; }
    HttpServerPool &server() { return *server_; }
    // QA mode's scenarios and journal when the studio was started with --qa; nullptr otherwise.
    QaMode *qa() { return qa_.get(); }
    // The completion lists of every panel, kept current across changes and reopens.
    ValueCatalog &valueCatalog() { return *valueCatalog_; }
    // The recorded traffic that reach is counted over, prepared once for every panel.
    RecordedTrafficSource &recordedTraffic() { return *recordedTraffic_; }
    // The passwords of the connections, kept out of the settings file.
    SecretStore &secrets() { return secrets_; }

    // Starts the embedded server on the given address; false with `error` when it cannot bind.
    bool startServer(const QHostAddress &address, quint16 port, QString *error);
    void stopServer();
    // Requests the embedded server answered since the studio started, whether shown or not.
    qint64 servedCount() const;

Q_SIGNALS:
    // Before the current engine goes away: stop background work that uses it.
    void aboutToClose();
    // A (new) engine is in use: reload everything shown. Its index may still be loading.
    void opened();
    // The engine's index holds the store's campaigns (after opened(), once per engine), or
    // could not be read (`error`; retryLoading() tries again).
    void indexLoaded();
    void indexLoadFailed(const QString &error);
    void serverStateChanged(bool running);
    // Emitted on the GUI thread for the requests the embedded server answered (all of them
    // unless the window falls far behind: see RequestRelay).
    void requestServed(const adserve::RequestRecord &record);

private:
    SecretStore secrets_;
    RequestRelay *relay_; // a child: outlives the servers that push into it
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<IndexLoader> loader_; // goes before the engine: cancels its read
    QString loadError_;
    std::unique_ptr<Metrics> metrics_;
    std::unique_ptr<HttpApi> api_;
    std::unique_ptr<QaMode> qa_; // after the server stops, before the API goes
    std::unique_ptr<HttpServerPool> server_;
    // Last: destroyed first, while the store their background reads use still exists.
    std::unique_ptr<ValueCatalog> valueCatalog_;
    std::unique_ptr<RecordedTrafficSource> recordedTraffic_;
};

} // namespace adserve
