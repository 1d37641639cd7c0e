#include "ValueListEditor.h"

#include "FieldErrorLabel.h"
#include "model/Campaign.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace adserve {

ValueListEditor::ValueListEditor(const QString &title, QCompleter *completer, QWidget *parent)
    : QWidget(parent)
    , input_(new QLineEdit(this))
    , list_(new QListWidget(this))
    , error_(new FieldErrorLabel(QStringLiteral("field"), this))
{
    input_->setObjectName(QStringLiteral("valueInput"));
    list_->setObjectName(QStringLiteral("values"));
    input_->setPlaceholderText(tr("add a value, Enter"));
    input_->setCompleter(completer);
    list_->setFlow(QListView::LeftToRight);
    list_->setWrapping(true);
    list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list_->setMaximumHeight(64);
    
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removeValue"));
    auto *header = new QHBoxLayout;
    header->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(title), this));
    header->addWidget(input_, 1);
    header->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(list_);
    layout->addWidget(error_);

    connect(input_, &QLineEdit::returnPressed, this, &ValueListEditor::addFromInput);
    connect(remove, &QPushButton::clicked, this, &ValueListEditor::removeSelected);
    auto *del = new QShortcut(QKeySequence::Delete, list_, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &ValueListEditor::removeSelected);
}

QStringList ValueListEditor::values() const
{
    QStringList out;
    for (int i = 0; i < list_->count(); ++i)
        out.append(list_->item(i)->text());
    return out;
}

void ValueListEditor::setValues(const QStringList &values)
{
    if (values == this->values())
        return;
    list_->clear();
    list_->addItems(values);
}

void ValueListEditor::setError(const QString &message)
{
    error_->setMessage(message);
}

QString ValueListEditor::error() const
{
    return error_->message();
}

QWidget *ValueListEditor::input() const
{
    return input_;
}

void ValueListEditor::addFromInput()
{
    QStringList current = values();
    bool added = false;
    for (const QString &raw : input_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString value = raw.trimmed();
        const bool present = std::any_of(current.cbegin(), current.cend(), [&](const QString &v) {
            return normalizeValue(v) == normalizeValue(value);
        });
        if (!value.isEmpty() && !present) {
            current.append(value);
            list_->addItem(value);
            added = true;
        }
    }
    input_->clear();
    if (added)
        Q_EMIT changed();
}

void ValueListEditor::removeSelected()
{
    const auto selected = list_->selectedItems();
    if (selected.isEmpty())
        return;
    qDeleteAll(selected);
    Q_EMIT changed();
}

} // namespace adserve
