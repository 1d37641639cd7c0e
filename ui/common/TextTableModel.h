#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QStringList>

namespace adserve {

// One row of a TextTableModel: its cells' text and the row's background.
struct TextRow
{
    QStringList cells;
    QColor background;
};

// A read-only table of text rows, replaced as a whole: showing tens of thousands of rows
// costs nothing until they are drawn, unlike one QTableWidgetItem per cell.
class TextTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit TextTableModel(const QStringList &headers, QObject *parent = nullptr);

    void setRows(QList<TextRow> rows);
    // The text of one cell; empty outside the table.
    QString text(int row, int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList headers_;
    QList<TextRow> rows_;
};

} // namespace adserve
