#pragma once

#include "changes/BulkEdit.h"

#include <QObject>

#include <memory>

class QAction;

namespace adserve {

class BackgroundJob;
class StudioSession;

// Runs bulk edits of the campaigns panel in the background, each one transaction with
// progress and cancel, and keeps the last one for "Undo bulk edit" (the whole edit back in
// one transaction; campaigns changed since are left as they are, and said so).
class BulkEditRunner : public QObject
{
    Q_OBJECT
public:
    BulkEditRunner(StudioSession &session, BackgroundJob &job, QObject *parent = nullptr);

    // False when another job is running (nothing started).
    bool start(const BulkEdit &edit, const QList<qint64> &ids);
    bool undo();
    // Enabled while there is an edit to undo; its text names it.
    QAction *undoAction() const { return undoAction_; }
    // Forgets the last edit (another store is open).
    void forget();

Q_SIGNALS:
    void message(const QString &text);
    // An edit or an undo was written.
    void written();

private:
    void remember(std::shared_ptr<const BulkEditRecord> record);

    StudioSession &session_;
    BackgroundJob &job_;
    QAction *undoAction_;
    std::shared_ptr<const BulkEditRecord> last_;
};

} // namespace adserve
