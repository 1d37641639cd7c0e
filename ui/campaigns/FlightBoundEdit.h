#pragma once

#include <QDateTimeEdit>

#include <functional>

class QCheckBox;

namespace adserve {

// One end of a flight: a date and time, shown and edited in the user's local time and
// handed out in UTC, with a checkbox ("Starts", "Ends") for the form's label column.
// Unchecked, the flight is open at this end and the field says so ("no start"); checking
// it again brings back the time it showed.
class FlightBoundEdit : public QDateTimeEdit
{
    Q_OBJECT
public:
    // `suggest` gives the local time shown when the user first checks the box.
    FlightBoundEdit(const QString &label, const QString &openText, std::function<QDateTime()> suggest,
                    QWidget *parent = nullptr);

    QCheckBox *checkBox() const { return on_; }
    QDateTime value() const; // UTC; invalid: open
    // Does not emit edited(): that is for the user's changes.
    void setValue(const QDateTime &utc);
    QSize sizeHint() const override;

Q_SIGNALS:
    // The user changed the bound; `typing` for a change of the time (not of the checkbox),
    // which the editor merges with the next such change into one undo step.
    void edited(bool typing);

private:
    void display(const QDateTime &local); // invalid: open
    void toggled(bool on);

    QCheckBox *on_;
    std::function<QDateTime()> suggest_;
    QDateTime kept_; // local: the time to show again when the box is checked
    bool applying_ = false;
};

} // namespace adserve
