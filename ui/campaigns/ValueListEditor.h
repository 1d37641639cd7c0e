#pragma once

#include <QStringList>
#include <QWidget>

class QCompleter;
class QLabel;
class QLineEdit;
class QListWidget;

namespace adserve {

class FieldErrorLabel;

// One targeting list (say, the INCLUDE countries): values as chips in a list, an input
// that completes from known values (Enter adds, comma-separated input adds several), and
// a message line for validation errors.
class ValueListEditor : public QWidget
{
    Q_OBJECT
public:
    // `completer` offers the known values for the input.
    ValueListEditor(const QString &title, QCompleter *completer, QWidget *parent = nullptr);

    QStringList values() const;
    void setValues(const QStringList &values);
    void setError(const QString &message);
    QString error() const;
    // The input where values are typed: where the focus goes to fix this list.
    QWidget *input() const;

Q_SIGNALS:
    void changed();

private:
    void addFromInput();
    void removeSelected();

    QLineEdit *input_;
    QListWidget *list_;
    FieldErrorLabel *error_;
};

} // namespace adserve
