#pragma once

#include <QStringList>

class QAbstractItemModel;
class QTableView;
class QTableWidget;
class QWidget;

namespace adserve {

// A table the panels fill with results: row selection, no editing, no row numbers.
QTableWidget *makeReadOnlyTable(const QStringList &headers, const QString &objectName, QWidget *parent);
// The same over a model of the caller's, for results of many rows.
QTableView *makeReadOnlyView(QAbstractItemModel *model, const QString &objectName, QWidget *parent);

} // namespace adserve
