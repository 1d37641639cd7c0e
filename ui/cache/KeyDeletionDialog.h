#pragma once

#include <QDialog>

namespace adserve {

// The preview before any cache delete: what will be deleted (the keys, or the first
// thousands of them) and how many, with an explicit confirmation.
class KeyDeletionDialog : public QDialog
{
    Q_OBJECT
public:
    KeyDeletionDialog(const QString &what, const QList<QByteArray> &keys, QWidget *parent = nullptr);
};

} // namespace adserve
