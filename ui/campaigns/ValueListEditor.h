#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QStringListModel;

namespace adserve {

// One targeting list (say, the INCLUDE countries): values as chips in a list, an input
// that completes from known values (Enter adds, comma-separated input adds several), and
// a message line for validation errors.
class ValueListEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ValueListEditor(const QString &title, QWidget *parent = nullptr);

    QStringList values() const;
    void setValues(const QStringList &values);
    void setCompletions(const QStringList &values);
    void setError(const QString &message);

Q_SIGNALS:
    void changed();

private:
    void addFromInput();
    void removeSelected();

    QLineEdit *input_;
    QListWidget *list_;
    QLabel *error_;
    QStringListModel *completions_;
};

} // namespace adserve
