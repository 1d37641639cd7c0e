#pragma once

#include "changes/InstanceRegistry.h"

#include <QWidget>

class QLabel;
class QTableView;
class QTimer;

namespace adserve {

class BackgroundJob;
class StudioSession;
class TextTableModel;

// The ops engineer's view of propagation: every instance over this store (servers and
// studios), what it serves, how far it has applied the change log and how far behind it is,
// refreshed while the panel is shown. Gone instances stay listed, greyed, until forgotten.
class InstancesPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { Instance, Kind, Address, State, Applied, Behind, Heartbeat, Version, Problem, ColumnCount };

    explicit InstancesPanel(StudioSession &session, QWidget *parent = nullptr);

    void refresh();
    TextTableModel *model() const { return model_; }
    BackgroundJob *loader() const { return loader_; }
    QLabel *summary() const { return summary_; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void show(const QList<InstanceRecord> &instances, qint64 newestChangeId, const QString &selfId);

    StudioSession &session_;
    TextTableModel *model_;
    QTableView *table_;
    QLabel *summary_;
    QTimer *refreshTimer_;
    BackgroundJob *loader_;
};

} // namespace adserve
