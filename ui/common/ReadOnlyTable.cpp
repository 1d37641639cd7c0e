#include "ReadOnlyTable.h"

#include <QHeaderView>
#include <QTableWidget>

namespace adserve {

namespace {

void makeReadOnly(QTableView *table, const QString &objectName)
{
    table->setObjectName(objectName);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->setVisible(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
}

} // namespace

QTableWidget *makeReadOnlyTable(const QStringList &headers, const QString &objectName, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    makeReadOnly(table, objectName);
    return table;
}

QTableView *makeReadOnlyView(QAbstractItemModel *model, const QString &objectName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    makeReadOnly(table, objectName);
    return table;
}

} // namespace adserve
