#include "StaleKeysView.h"

#include "common/ReadOnlyTable.h"
#include "common/Tones.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTime>
#include <QVBoxLayout>

namespace adserve {

namespace {

enum Column { KeyColumn, CampaignColumn, WhatColumn };

QList<QByteArray> toKeys(const QStringList &keys)
{
    QList<QByteArray> bytes;
    for (const QString &key : keys)
        bytes.append(key.toUtf8());
    return bytes;
}

QString campaignOf(const CacheMaintenance::StaleKey &stale)
{
    if (stale.stored)
        return stale.stored->code;
    return stale.cached ? stale.cached->code : QString();
}

} // namespace

StaleKeysView::StaleKeysView(QWidget *parent)
    : QWidget(parent)
    , summary_(new QLabel(tr("Run the staleness check to compare the cache with the store."), this))
    , table_(makeReadOnlyTable({tr("Key"), tr("Campaign"), tr("What differs")}, QStringLiteral("stale"), this))
    , comparison_(makeReadOnlyTable({tr("Field"), tr("Cached (old)"), tr("Store (now)")}, QStringLiteral("staleComparison"), this))
    , refreshSelected_(new QPushButton(tr("Refresh selected from store"), this))
    , refreshAll_(new QPushButton(tr("Refresh all from store"), this))
    , deleteSelected_(new QPushButton(tr("Delete selected…"), this))
    , deleteAll_(new QPushButton(tr("Delete all…"), this))
{
    summary_->setObjectName(QStringLiteral("staleSummary"));
    summary_->setWordWrap(true);
    refreshSelected_->setObjectName(QStringLiteral("refreshStale"));
    refreshAll_->setObjectName(QStringLiteral("refreshAllStale"));
    deleteSelected_->setObjectName(QStringLiteral("deleteStale"));
    deleteAll_->setObjectName(QStringLiteral("deleteAllStale"));
    refreshSelected_->setToolTip(tr("Rewrite the selected keys with what the store holds now "
                                    "(a campaign deleted in the store loses its key)"));
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    comparison_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    comparison_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    comparison_->setWordWrap(true);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(comparison_);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    for (QPushButton *b : {refreshSelected_, refreshAll_, deleteSelected_, deleteAll_})
        actions->addWidget(b);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(summary_);
    layout->addWidget(split, 1);
    layout->addLayout(actions);

    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        showComparison();
        updateActions();
    });
    connect(refreshSelected_, &QPushButton::clicked, this, [this] { Q_EMIT refreshRequested(toKeys(selectedKeys())); });
    connect(refreshAll_, &QPushButton::clicked, this, [this] { Q_EMIT refreshRequested(toKeys(allKeys())); });
    connect(deleteSelected_, &QPushButton::clicked, this, [this] { Q_EMIT deleteRequested(toKeys(selectedKeys())); });
    connect(deleteAll_, &QPushButton::clicked, this, [this] { Q_EMIT deleteRequested(toKeys(allKeys())); });
    updateActions();
}

void StaleKeysView::showResults(const QList<CacheMaintenance::StaleKey> &stale)
{
    stale_ = stale;
    table_->setSortingEnabled(false);
    table_->setRowCount(int(stale.size()));
    for (int r = 0; r < stale.size(); ++r) {
        const CacheMaintenance::StaleKey &s = stale.at(r);
        auto *key = new QTableWidgetItem(QString::fromUtf8(s.key));
        key->setData(Qt::UserRole, r); // its entry in stale_, whatever the sort
        table_->setItem(r, KeyColumn, key);
        table_->setItem(r, CampaignColumn, new QTableWidgetItem(campaignOf(s)));
        auto *what = new QTableWidgetItem(s.reason);
        what->setToolTip(s.reason);
        table_->setItem(r, WhatColumn, what);
    }
    table_->setSortingEnabled(true);
    table_->resizeColumnToContents(KeyColumn);
    table_->resizeColumnToContents(CampaignColumn);
    const QString at = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    summary_->setText(stale.isEmpty()
                          ? tr("No stale keys: every campaign key agrees with the store (checked %1).").arg(at)
                          : tr("%n stale key(s) (checked %1): select one to compare the cached value with the store's.",
                               nullptr, int(stale.size()))
                                .arg(at));
    if (!stale.isEmpty())
        table_->selectRow(0);
    showComparison();
    updateActions();
}

void StaleKeysView::clear()
{
    stale_.clear();
    table_->setRowCount(0);
    comparison_->setRowCount(0);
    summary_->setText(tr("Run the staleness check to compare the cache with the store."));
    updateActions();
}

void StaleKeysView::setReadOnly(bool readOnly)
{
    readOnly_ = readOnly;
    updateActions();
}

QStringList StaleKeysView::selectedKeys() const
{
    QStringList keys;
    for (const QModelIndex &index : table_->selectionModel()->selectedRows())
        keys.append(table_->item(index.row(), KeyColumn)->text());
    return keys;
}

QStringList StaleKeysView::allKeys() const
{
    QStringList keys;
    for (const CacheMaintenance::StaleKey &s : stale_)
        keys.append(QString::fromUtf8(s.key));
    return keys;
}

void StaleKeysView::selectKey(const QString &key)
{
    const auto found = table_->findItems(key, Qt::MatchExactly);
    if (!found.isEmpty())
        table_->selectRow(found.first()->row());
}

void StaleKeysView::showComparison()
{
    comparison_->setRowCount(0);
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const CacheMaintenance::StaleKey &s = stale_.at(table_->item(rows.first().row(), KeyColumn)->data(Qt::UserRole).toInt());
    QList<CacheMaintenance::FieldValues> fields = CacheMaintenance::sideBySide(s.cached, s.stored);
    if (!s.cached) // not a campaign: the bytes as they are
        fields.prepend({tr("value"), QString::fromUtf8(s.raw.left(2000)), QString(), true});
    if (!s.stored)
        fields.append({tr("in the store"), QString(), tr("no such campaign"), true});
    comparison_->setRowCount(int(fields.size()));
    for (int r = 0; r < fields.size(); ++r) {
        const CacheMaintenance::FieldValues &f = fields.at(r);
        const QStringList texts{f.field, f.cached, f.stored};
        for (int c = 0; c < texts.size(); ++c) {
            auto *item = new QTableWidgetItem(texts.at(c));
            item->setToolTip(texts.at(c));
            if (f.differs) {
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
                item->setBackground(Tones::tint(c == 1 ? Tones::Bad : c == 2 ? Tones::Good : Tones::Warn));
            }
            comparison_->setItem(r, c, item);
        }
    }
    comparison_->resizeRowsToContents();
}

void StaleKeysView::updateActions()
{
    const bool any = !stale_.isEmpty();
    const bool selected = table_->selectionModel() && table_->selectionModel()->hasSelection();
    refreshSelected_->setEnabled(!readOnly_ && selected);
    deleteSelected_->setEnabled(!readOnly_ && selected);
    refreshAll_->setEnabled(!readOnly_ && any);
    deleteAll_->setEnabled(!readOnly_ && any);
    const QString why = readOnly_ ? tr("Read-only mode is on: the cache is not changed from here") : QString();
    for (QPushButton *b : {refreshSelected_, refreshAll_, deleteSelected_, deleteAll_})
        b->setStatusTip(why);
}

} // namespace adserve
