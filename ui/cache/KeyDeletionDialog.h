#pragma once

#include "CacheTarget.h"

#include <QDialog>

namespace adserve {

// The preview before any cache delete: what will be deleted (the keys, or the first
// thousands of them) and how many, with an explicit confirmation; on a cache that is not on
// this machine, only once its host name is typed.
class KeyDeletionDialog : public QDialog
{
    Q_OBJECT
public:
    KeyDeletionDialog(const QString &what, const QList<QByteArray> &keys, const CacheTarget &target,
                      QWidget *parent = nullptr);
};

} // namespace adserve
