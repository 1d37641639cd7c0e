#pragma once

#include "common/ElidedLabel.h"

namespace adserve {

// A validation message at a field, in a line reserved for it: a message that comes or goes
// never moves the fields around it. Named "<field>Error" so tests and tools find it by the
// field's name.
class FieldErrorLabel : public ElidedLabel
{
public:
    explicit FieldErrorLabel(const QString &field, QWidget *parent = nullptr);

    void setMessage(const QString &message) { setFullText(message); }
    QString message() const { return fullText(); }
};

} // namespace adserve
