#include "FlightBoundEdit.h"

#include <QCheckBox>

namespace adserve {

namespace {

// The edit shows its special value text ("no start") at its minimum: that is the open bound.
QDateTime openBound()
{
    return {QDate(2000, 1, 1), QTime(0, 0)};
}

} // namespace

FlightBoundEdit::FlightBoundEdit(const QString &label, const QString &openText, std::function<QDateTime()> suggest,
                                 QWidget *parent)
    : QDateTimeEdit(parent)
    , on_(new QCheckBox(label, this)) // the owner lays it out as the field's label
    , suggest_(std::move(suggest))
{
    setCalendarPopup(true);
    setDisplayFormat(QStringLiteral("ddd d MMM yyyy HH:mm"));
    setMinimumDateTime(openBound());
    setSpecialValueText(openText);
    display({});

    connect(on_, &QCheckBox::toggled, this, &FlightBoundEdit::toggled);
    connect(this, &QDateTimeEdit::dateTimeChanged, this, [this] {
        if (!applying_)
            Q_EMIT edited(true);
    });
}

QDateTime FlightBoundEdit::value() const
{
    return on_->isChecked() ? dateTime().toUTC() : QDateTime();
}

void FlightBoundEdit::setValue(const QDateTime &utc)
{
    // Another campaign, or another step of the history: what was unchecked before is gone.
    kept_ = utc.isValid() ? utc.toLocalTime() : QDateTime();
    display(kept_);
}

QSize FlightBoundEdit::sizeHint() const
{
    // QDateTimeEdit measures the texts of its minimum and maximum only: dates with wider day
    // and month names ("Wed 28 May") would be cut off.
    return QDateTimeEdit::sizeHint() + QSize(2 * fontMetrics().horizontalAdvance(QLatin1Char('W')), 0);
}

void FlightBoundEdit::display(const QDateTime &local)
{
    applying_ = true;
    on_->setChecked(local.isValid());
    setEnabled(local.isValid());
    setDateTime(local.isValid() ? local : openBound());
    applying_ = false;
}

void FlightBoundEdit::toggled(bool on)
{
    if (applying_)
        return;
    if (!on)
        kept_ = dateTime();
    display(on ? (kept_.isValid() ? kept_ : suggest_()) : QDateTime());
    Q_EMIT edited(false);
}

} // namespace adserve
