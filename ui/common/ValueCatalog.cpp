#include "ValueCatalog.h"

#include "BackgroundJob.h"
#include "session/StudioSession.h"
#include "store/ValueLists.h"

#include <QCompleter>
#include <QSet>
#include <QStringListModel>
#include <QTimer>

namespace adserve {

namespace {

QStringList builtIn(Dimension dimension)
{
    switch (dimension) {
    case Dimension::Country: {
        QStringList codes;
        for (const ValueLists::Country &country : ValueLists::countries())
            codes.append(country.code);
        return codes;
    }
    case Dimension::Os:
        return ValueLists::operatingSystems();
    case Dimension::App:
        return ValueLists::popularApps();
    }
    return {};
}

// builtIn() and the store's values, without case-insensitive duplicates, sorted.
QStringList known(const CampaignStore &store, Dimension dimension)
{
    QStringList values = builtIn(dimension);
    const auto fromStore = store.knownValues(dimension);
    if (fromStore.ok())
        values += fromStore.value;
    QSet<QString> seen;
    QStringList unique;
    for (const QString &v : std::as_const(values)) {
        const QString key = normalizeValue(v);
        if (!key.isEmpty() && !seen.contains(key)) {
            seen.insert(key);
            unique.append(v.trimmed());
        }
    }
    unique.sort(Qt::CaseInsensitive);
    return unique;
}

} // namespace

ValueCatalog::ValueCatalog(StudioSession &session, QObject *parent)
    : QObject(parent)
    , session_(session)
    , loader_(new BackgroundJob(this))
    , refreshSoon_(new QTimer(this))
{
    for (QStringListModel *&model : models_)
        model = new QStringListModel(this);
    refreshSoon_->setSingleShot(true);
    refreshSoon_->setInterval(250);
    connect(refreshSoon_, &QTimer::timeout, this, &ValueCatalog::refresh);
    connect(&session_, &StudioSession::aboutToClose, loader_, &BackgroundJob::cancelAndWait);
    session_.forEachEngine(this, [this] {
        // Writes made anywhere (this window, the admin API, another instance) end here.
        connect(&session_.engine(), &Engine::changesApplied, this, [this] { refreshSoon_->start(); },
                Qt::QueuedConnection);
        refresh();
    });
}

ValueCatalog::~ValueCatalog()
{
    // The read uses the session's store: done before the store can go away.
    loader_->cancelAndWait();
}

QCompleter *ValueCatalog::completer(Dimension dimension, QObject *parent) const
{
    auto *completer = new QCompleter(model(dimension), parent);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    return completer;
}

void ValueCatalog::refresh()
{
    if (loader_->isRunning()) {
        loader_->whenDone([this] { refresh(); }); // a read that sees what changed meanwhile
        return;
    }
    const CampaignStore &store = session_.engine().store();
    loader_->start(tr("Reading known values"), [this, &store](JobControl &) -> BackgroundJob::Finish {
        std::array<QStringList, kDimensionCount> lists;
        for (Dimension d : kDimensions)
            lists[size_t(d)] = known(store, d);
        return [this, lists = std::move(lists)] {
            // Most changes bring no new value: leave an open completion popup alone then.
            for (Dimension d : kDimensions) {
                if (models_[size_t(d)]->stringList() != lists[size_t(d)])
                    models_[size_t(d)]->setStringList(lists[size_t(d)]);
            }
        };
    });
}

} // namespace adserve
