#pragma once

#include "model/Campaign.h"

#include <QObject>

#include <array>

class QCompleter;
class QStringListModel;
class QTimer;

namespace adserve {

class BackgroundJob;
class StudioSession;

// The values targeting inputs complete from, per dimension: the built-in lists (ISO
// country codes, common OS names, popular apps) plus every value the store's rules use.
// One per session, shared by every panel's completers. Reading the store's values takes
// seconds on a large store, so it is re-read off the GUI thread after campaigns change.
class ValueCatalog : public QObject
{
    Q_OBJECT
public:
    explicit ValueCatalog(StudioSession &session, QObject *parent = nullptr);
    ~ValueCatalog() override;

    // The dimension's values, sorted, for a QCompleter; updated in place after every read.
    QStringListModel *model(Dimension dimension) const { return models_[size_t(dimension)]; }
    // A completer over model(dimension): case-insensitive, matching anywhere in a value.
    QCompleter *completer(Dimension dimension, QObject *parent) const;
    // Reads the values on a pool thread.
    BackgroundJob *loader() const { return loader_; }

private:
    // Re-reads the values in the background; while a read runs, once more after it.
    void refresh();

    StudioSession &session_;
    std::array<QStringListModel *, kDimensionCount> models_;
    BackgroundJob *loader_;
    QTimer *refreshSoon_; // coalesces the change notifications of bulk writes
};

} // namespace adserve
