#pragma once

#include <QLabel>

namespace adserve {

// A validation message at a field: red, wrapped, hidden while there is none. Named
// "<field>Error" so tests and tools find it by the field's name.
class FieldErrorLabel : public QLabel
{
public:
    explicit FieldErrorLabel(const QString &field, QWidget *parent = nullptr);

    void setMessage(const QString &message);
};

} // namespace adserve
