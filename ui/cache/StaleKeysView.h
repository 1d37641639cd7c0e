#pragma once

#include "CacheMaintenance.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace adserve {

// The staleness check's results: each stale key with its campaign and what differs, the
// selected key's cached and stored values side by side (differences marked), and what to do
// about it — rewrite from the store, or delete — for the selected keys or all of them.
class StaleKeysView : public QWidget
{
    Q_OBJECT
public:
    explicit StaleKeysView(QWidget *parent = nullptr);

    void showResults(const QList<CacheMaintenance::StaleKey> &stale);
    void clear();
    // No write of any kind while read-only.
    void setReadOnly(bool readOnly);

    QTableWidget *table() const { return table_; }
    QTableWidget *comparison() const { return comparison_; }
    QStringList selectedKeys() const;
    QStringList allKeys() const;
    void selectKey(const QString &key);

Q_SIGNALS:
    void refreshRequested(const QList<QByteArray> &keys);
    void deleteRequested(const QList<QByteArray> &keys);

private:
    void showComparison();
    void updateActions();

    QList<CacheMaintenance::StaleKey> stale_;
    QLabel *summary_;
    QTableWidget *table_;
    QTableWidget *comparison_;
    QPushButton *refreshSelected_;
    QPushButton *refreshAll_;
    QPushButton *deleteSelected_;
    QPushButton *deleteAll_;
    bool readOnly_ = false;
};

} // namespace adserve
