#include "FieldErrorLabel.h"

#include "common/Tones.h"

namespace adserve {

FieldErrorLabel::FieldErrorLabel(const QString &field, QWidget *parent)
    : ElidedLabel(parent)
{
    setObjectName(field + QStringLiteral("Error"));
    Tones::setTextTone(this, Tones::Bad);
}

} // namespace adserve
