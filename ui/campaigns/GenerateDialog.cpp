#include "GenerateDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace adserve {

GenerateDialog::GenerateDialog(const DatabaseTarget &store, QWidget *parent)
    : QDialog(parent)
    , store_(store)
    , count_(new QSpinBox(this))
    , seed_(new QSpinBox(this))
{
    setObjectName(QStringLiteral("generateDialog"));
    setWindowTitle(tr("Generate campaigns"));

    count_->setObjectName(QStringLiteral("generateCount"));
    count_->setRange(1, 10'000'000);
    count_->setSingleStep(1000);
    count_->setValue(10'000);
    count_->setGroupSeparatorShown(true);
    seed_->setObjectName(QStringLiteral("generateSeed"));
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setValue(int(QRandomGenerator::global()->bounded(1, 1'000'000)));
    seed_->setToolTip(tr("The same seed and count give the same campaigns again"));

    auto *target = new QLabel(store.describe(), this);
    target->setObjectName(QStringLiteral("generateTarget"));
    target->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = target->font();
    bold.setBold(true);
    target->setFont(bold);

    const QString reach = store.isPostgres() ? tr("Every instance on this database serves them once they are written.")
                                             : tr("Other writes to this file wait until they are written.");
    auto *about = new QLabel(tr("Synthetic campaigns for load tests and demos, coded gen-<seed>-<n>; about 3% are "
                                "made deleted, which the table does not show. The same seed gives the same campaigns."
                                "\n\nAll are written in one transaction: Cancel leaves none behind, and \"Remove "
                                "generated…\" takes them back later. %1")
                                 .arg(reach),
                             this);
    about->setTextFormat(Qt::PlainText);
    about->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Into:"), target);
    form->addRow(tr("Campaigns:"), count_);
    form->addRow(tr("Seed:"), seed_);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *generate = buttons->addButton(tr("Generate"), QDialogButtonBox::AcceptRole);
    generate->setObjectName(QStringLiteral("generate"));
    generate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(about);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

qint64 GenerateDialog::count() const
{
    return count_->value();
}

quint64 GenerateDialog::seed() const
{
    return quint64(seed_->value());
}

void GenerateDialog::accept()
{
    if (store_.isPostgres() && !confirmPostgres())
        return;
    QDialog::accept();
}

bool GenerateDialog::confirmPostgres()
{
    QMessageBox box(QMessageBox::Warning, tr("Write into PostgreSQL?"),
                    tr("Write %1 synthetic campaigns into the PostgreSQL database \"%2\" on %3?")
                        .arg(QLocale().toString(count()), store_.database,
                             store_.host.isEmpty() ? tr("the local socket")
                                                   : QStringLiteral("%1:%2").arg(store_.host).arg(store_.port)),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("confirmPostgresDialog"));
    box.setInformativeText(tr("Every server and studio on this database delivers them as soon as they are written."));
    QPushButton *write = box.addButton(tr("Write into PostgreSQL"), QMessageBox::AcceptRole);
    write->setObjectName(QStringLiteral("confirmPostgres"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == write;
}

} // namespace adserve
