#include "QaMode.h"

#include "Engine.h"

#include <QDir>

namespace adserve {

QaMode::QaMode(const QaSettings &settings, Engine &engine, HttpApi &api)
    : settings_(settings)
    , api_(api)
    , handler_(std::make_unique<QaRequestHandler>(api, engine, book_, journal_, settings.hangMaxMs))
    , routes_(std::make_unique<QaApi>(book_, journal_, replay_, settings.journalMaxEntries))
{
}

std::unique_ptr<QaMode> QaMode::open(const QaSettings &settings, Engine &engine, HttpApi &api, QString *error)
{
    if (!QDir().mkpath(settings.dir)) {
        *error = QStringLiteral("QA folder %1 cannot be made").arg(settings.dir);
        return nullptr;
    }
    std::unique_ptr<QaMode> qa(new QaMode(settings, engine, api));
    const QDir dir(settings.dir);
    if (!qa->book_.open(dir.filePath(QStringLiteral("scenarios.json")), error)
        || !qa->journal_.open(dir.filePath(QStringLiteral("journal.jsonl")),
                              {settings.journalMaxEntries, settings.journalMaxBytes}, error))
        return nullptr;
    api.setExtension(qa->routes_.get());
    return qa;
}

QaMode::~QaMode()
{
    api_.setExtension(nullptr);
}

void QaMode::setServer(const QHostAddress &address, quint16 port, const QString &url)
{
    routes_->setServerUrl(url);
    replay_.setTarget(address, port);
}

} // namespace adserve
