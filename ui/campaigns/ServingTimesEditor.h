#pragma once

#include "model/Campaign.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace adserve {

class DayPartingGrid;
class FieldErrorLabel;
class FlightBoundEdit;

// When a campaign serves and in which order, as the editor shows it. Day-parting keeps
// its zone and hours while switched off, so switching it on again brings them back.
struct ServingFields
{
    int priority = 0;
    QDateTime flightStart, flightEnd; // UTC; invalid: open
    bool dayParting = false;
    QString timeZone = QStringLiteral("UTC"); // as typed: the validator judges it
    WeekHours hours;

    static ServingFields of(const Campaign &campaign);
    void applyTo(Campaign &campaign) const;
    bool operator==(const ServingFields &) const = default;
};

// Edits a campaign's priority, flight and day-parting, with the validation messages of
// those fields ("priority", "flightEnd", "dayParting.timeZone", "dayParting.hours").
class ServingTimesEditor : public QWidget
{
    Q_OBJECT
public:
    // What edited() reports for changes that merge into one undo step while repeated.
    enum MergeKey { PriorityKey, FlightStartKey, FlightEndKey, TimeZoneKey, MergeKeyCount };

    explicit ServingTimesEditor(QWidget *parent = nullptr);

    ServingFields fields() const;
    // Does not emit edited(): that is for the user's changes.
    void setFields(const ServingFields &fields);
    // Shows the messages for this editor's fields, taking them out of `byField`; true when
    // there were any.
    bool takeErrors(QHash<QString, QStringList> &byField);
    // The label showing `field`'s messages; null when the field is not this editor's.
    const FieldErrorLabel *errorLabel(const QString &field) const { return errors_.value(field); }
    // The first field, top to bottom, with a message; null when none has.
    QWidget *firstFieldWithError() const;

Q_SIGNALS:
    // The user changed a field: `mergeKey` from MergeKey, or -1 for a step of its own (a
    // checkbox, a grid gesture).
    void edited(int mergeKey);

private:
    FieldErrorLabel *addError(const QString &field);
    void dayPartingToggled(bool on);
    void userEdit(int mergeKey);
    // Enables the zone and the grid with the checkbox, and describes the hours.
    void updateDayParting();

    QSpinBox *priority_;
    FlightBoundEdit *start_, *end_;
    QCheckBox *dayParting_;
    QComboBox *timeZone_;
    DayPartingGrid *grid_;
    QLabel *hoursText_;
    QHash<QString, FieldErrorLabel *> errors_;
    bool applying_ = false;
};

} // namespace adserve
