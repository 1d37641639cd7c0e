#include "HostConfirmation.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace adserve {

TypedHostField::TypedHostField(const QString &host, QWidget *parent)
    : QWidget(parent)
    , host_(host)
    , typed_(new QLineEdit(this))
{
    typed_->setObjectName(QStringLiteral("typedHost"));
    typed_->setPlaceholderText(host);
    auto *label = new QLabel(tr("This cache is on <b>%1</b>, not on this machine. Type the host name to confirm:")
                                 .arg(host.toHtmlEscaped()),
                             this);
    label->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label);
    layout->addWidget(typed_);
    connect(typed_, &QLineEdit::textChanged, this, [this] { Q_EMIT confirmedChanged(confirmed()); });
}

bool TypedHostField::confirmed() const
{
    return typed_->text().trimmed().compare(host_, Qt::CaseInsensitive) == 0;
}

bool confirmOnHost(QWidget *parent, const CacheTarget &target, const QString &action)
{
    if (target.local)
        return true;
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("hostConfirmation"));
    dialog.setWindowTitle(QObject::tr("Change a remote cache"));
    auto *field = new TypedHostField(target.host, &dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    QPushButton *go = buttons->addButton(action, QDialogButtonBox::AcceptRole);
    go->setObjectName(QStringLiteral("confirmOnHost"));
    go->setEnabled(false);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    QObject::connect(field, &TypedHostField::confirmedChanged, go, &QPushButton::setEnabled);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    auto *what = new QLabel(QObject::tr("%1 on %2.").arg(action, target.shown), &dialog);
    what->setTextFormat(Qt::PlainText);
    layout->addWidget(what);
    layout->addWidget(field);
    layout->addWidget(buttons);
    return dialog.exec() == QDialog::Accepted;
}

} // namespace adserve
