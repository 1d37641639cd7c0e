#include "KeyDeletionDialog.h"

#include "HostConfirmation.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace adserve {

KeyDeletionDialog::KeyDeletionDialog(const QString &what, const QList<QByteArray> &keys, const CacheTarget &target,
                                     QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("keyDeletionDialog"));
    setWindowTitle(tr("Delete cache keys"));
    constexpr qsizetype kShown = 5000;
    auto *list = new QListWidget(this);
    list->setObjectName(QStringLiteral("keysToDelete"));
    for (const QByteArray &key : keys.mid(0, kShown))
        list->addItem(QString::fromUtf8(key));
    if (keys.size() > kShown)
        list->addItem(tr("… and %1 more").arg(keys.size() - kShown));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *remove = buttons->addButton(tr("Delete %n key(s)", nullptr, int(keys.size())), QDialogButtonBox::AcceptRole);
    remove->setObjectName(QStringLiteral("confirmDelete"));
    remove->setEnabled(!keys.isEmpty());
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(keys.isEmpty() ? tr("%1: no key matches.").arg(what)
                                                : tr("%1: these %n key(s) will be deleted. Deliveries read them "
                                                     "from the store until they are written again.",
                                                     nullptr, int(keys.size())).arg(what),
                                 this));
    layout->addWidget(list, 1);
    if (!target.local && !keys.isEmpty()) {
        auto *host = new TypedHostField(target.host, this);
        remove->setEnabled(false);
        connect(host, &TypedHostField::confirmedChanged, remove, &QPushButton::setEnabled);
        layout->addWidget(host);
    }
    layout->addWidget(buttons);
    resize(520, 420);
}

} // namespace adserve
