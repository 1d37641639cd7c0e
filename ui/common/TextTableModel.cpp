#include "TextTableModel.h"

#include <QBrush>

namespace adserve {

TextTableModel::TextTableModel(const QStringList &headers, QObject *parent)
    : QAbstractTableModel(parent)
    , headers_(headers)
{
}

void TextTableModel::setRows(QList<TextRow> rows)
{
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

QString TextTableModel::text(int row, int column) const
{
    if (row < 0 || row >= rows_.size())
        return {};
    return rows_.at(row).cells.value(column);
}

int TextTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int TextTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(headers_.size());
}

QVariant TextTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rows_.size())
        return {};
    const TextRow &row = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: // cells too long for their column read whole on hover
        return row.cells.value(index.column());
    case Qt::BackgroundRole:
        return row.background.isValid() ? QVariant(QBrush(row.background)) : QVariant();
    default:
        return {};
    }
}

QVariant TextTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return headers_.value(section);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace adserve
