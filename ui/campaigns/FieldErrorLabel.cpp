#include "FieldErrorLabel.h"

namespace adserve {

FieldErrorLabel::FieldErrorLabel(const QString &field, QWidget *parent)
    : QLabel(parent)
{
    setObjectName(field + QStringLiteral("Error"));
    setStyleSheet(QStringLiteral("color: #b00020"));
    // A long message wraps rather than widening the editor.
    setWordWrap(true);
    setVisible(false);
}

void FieldErrorLabel::setMessage(const QString &message)
{
    setText(message);
    setVisible(!message.isEmpty());
}

} // namespace adserve
