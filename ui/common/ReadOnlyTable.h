#pragma once

#include <QStringList>

class QTableWidget;
class QWidget;

namespace adserve {

// A table the panels fill with results: row selection, no editing, no row numbers.
QTableWidget *makeReadOnlyTable(const QStringList &headers, const QString &objectName, QWidget *parent);

} // namespace adserve
