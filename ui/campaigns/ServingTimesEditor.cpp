#include "ServingTimesEditor.h"

#include "DayPartingGrid.h"
#include "FieldErrorLabel.h"
#include "FlightBoundEdit.h"
#include "model/CampaignValidator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTimeZone>

namespace adserve {

ServingFields ServingFields::of(const Campaign &campaign)
{
    ServingFields fields;
    fields.priority = campaign.priority;
    fields.flightStart = campaign.serving.flightStart;
    fields.flightEnd = campaign.serving.flightEnd;
    if (const auto &parting = campaign.serving.dayParting) {
        fields.dayParting = true;
        fields.timeZone = QString::fromUtf8(parting->timeZone);
        fields.hours = parting->hours;
    }
    return fields;
}

void ServingFields::applyTo(Campaign &campaign) const
{
    campaign.priority = priority;
    campaign.serving.flightStart = flightStart;
    campaign.serving.flightEnd = flightEnd;
    campaign.serving.dayParting.reset();
    if (dayParting)
        campaign.serving.dayParting = DayParting{hours, timeZone.trimmed().toUtf8()};
}

namespace {

QDateTime nextFullHour()
{
    const QDateTime now = QDateTime::currentDateTime();
    return QDateTime(now.date(), QTime(now.time().hour(), 0)).addSecs(3600);
}

// What day-parting starts from when first switched on: more useful than an empty grid.
WeekHours officeHours()
{
    WeekHours hours;
    for (int day = Qt::Monday; day <= Qt::Friday; ++day) {
        for (int hour = 9; hour < 18; ++hour)
            hours.set(size_t(weekSlot(day, hour)));
    }
    return hours;
}

// The widgets side by side at their natural widths, left-aligned.
QWidget *row(std::initializer_list<QWidget *> widgets)
{
    auto *box = new QWidget;
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *widget : widgets)
        layout->addWidget(widget);
    layout->addStretch(1);
    return box;
}

QLabel *hint(const QString &text)
{
    auto *label = new QLabel(text);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

ServingTimesEditor::ServingTimesEditor(QWidget *parent)
    : QWidget(parent)
    , priority_(new QSpinBox(this))
    , start_(new FlightBoundEdit(tr("Starts"), tr("no start"), nextFullHour, this))
    , end_(new FlightBoundEdit(
          tr("Ends"), tr("no end"),
          [this] {
              // A month after the start, or from now when the flight has none.
              const QDateTime start = start_->value();
              return (start.isValid() ? start.toLocalTime() : nextFullHour()).addDays(30);
          },
          this))
    , dayParting_(new QCheckBox(tr("Only in these hours"), this))
    , timeZone_(new QComboBox(this))
    , grid_(new DayPartingGrid(this))
    , hoursText_(hint({}))
{
    priority_->setObjectName(QStringLiteral("priority"));
    start_->setObjectName(QStringLiteral("flightStart"));
    start_->checkBox()->setObjectName(QStringLiteral("hasFlightStart"));
    end_->setObjectName(QStringLiteral("flightEnd"));
    end_->checkBox()->setObjectName(QStringLiteral("hasFlightEnd"));
    dayParting_->setObjectName(QStringLiteral("dayParting"));
    timeZone_->setObjectName(QStringLiteral("timeZone"));
    grid_->setObjectName(QStringLiteral("dayPartingGrid"));
    hoursText_->setObjectName(QStringLiteral("dayPartingHours"));

    priority_->setRange(-CampaignValidator::kMaxPriority, CampaignValidator::kMaxPriority);
    const QString priorityTip = tr("Answers list campaigns by priority, highest first; campaigns of equal "
                                   "priority go by id, lowest first.");
    priority_->setToolTip(priorityTip);
    QLabel *priorityHint = hint(tr("higher comes first; ties go by id"));
    priorityHint->setToolTip(priorityTip);

    timeZone_->setEditable(true);
    timeZone_->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        timeZone_->addItem(QString::fromUtf8(id));
    // "berlin" finds Europe/Berlin.
    timeZone_->completer()->setCompletionMode(QCompleter::PopupCompletion);
    timeZone_->completer()->setFilterMode(Qt::MatchContains);
    timeZone_->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    timeZone_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    timeZone_->setMinimumContentsLength(16);
    timeZone_->setToolTip(tr("The day-parting hours are read in this time zone, daylight saving time included"));

    // A grid rather than a form: it gives wrapped messages the height they need. Each
    // message has a row of its own under its field, taking no room while hidden.
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setColumnStretch(1, 1);
    int rows = 0;
    const auto addRow = [&](QWidget *label, QWidget *field, const QString &errorField = {}) {
        layout->addWidget(label, rows, 0);
        layout->addWidget(field, rows++, 1);
        if (!errorField.isEmpty())
            layout->addWidget(addError(errorField), rows++, 1);
    };
    const QString localZone = QString::fromUtf8(QTimeZone::systemTimeZoneId());
    addRow(new QLabel(tr("Priority")), row({priority_, priorityHint}), QStringLiteral("priority"));
    addRow(start_->checkBox(), row({start_, hint(tr("times in %1").arg(localZone))}));
    addRow(end_->checkBox(), row({end_}), QStringLiteral("flightEnd"));
    addRow(new QLabel(tr("Day-parting")), row({dayParting_, timeZone_}), QStringLiteral("dayParting.timeZone"));
    layout->addWidget(grid_, rows++, 0, 1, 2);
    // The hours' message takes the place of their description, so nothing below moves.
    layout->addWidget(hoursText_, rows, 0, 1, 2);
    layout->addWidget(addError(QStringLiteral("dayParting.hours")), rows, 0, 1, 2);

    connect(priority_, &QSpinBox::valueChanged, this, [this] { userEdit(PriorityKey); });
    connect(start_, &FlightBoundEdit::edited, this, [this](bool typing) { userEdit(typing ? FlightStartKey : -1); });
    connect(end_, &FlightBoundEdit::edited, this, [this](bool typing) { userEdit(typing ? FlightEndKey : -1); });
    connect(dayParting_, &QCheckBox::toggled, this, &ServingTimesEditor::dayPartingToggled);
    connect(timeZone_, &QComboBox::currentTextChanged, this, [this] { userEdit(TimeZoneKey); });
    connect(grid_, &DayPartingGrid::hoursChanged, this, [this] {
        updateDayParting();
        userEdit(-1);
    });
    updateDayParting();
}

FieldErrorLabel *ServingTimesEditor::addError(const QString &field)
{
    auto *label = new FieldErrorLabel(field, this);
    errors_.insert(field, label);
    return label;
}

QWidget *ServingTimesEditor::firstFieldWithError() const
{
    const std::pair<const char *, QWidget *> fields[] = {
        {"priority", priority_}, {"flightEnd", end_}, {"dayParting.timeZone", timeZone_}, {"dayParting.hours", grid_}};
    for (const auto &[key, field] : fields) {
        if (!errors_.value(QLatin1String(key))->message().isEmpty())
            return field;
    }
    return nullptr;
}

ServingFields ServingTimesEditor::fields() const
{
    ServingFields fields;
    fields.priority = priority_->value();
    fields.flightStart = start_->value();
    fields.flightEnd = end_->value();
    fields.dayParting = dayParting_->isChecked();
    fields.timeZone = timeZone_->currentText();
    fields.hours = grid_->hours();
    return fields;
}

void ServingTimesEditor::setFields(const ServingFields &fields)
{
    applying_ = true;
    priority_->setValue(fields.priority);
    start_->setValue(fields.flightStart);
    end_->setValue(fields.flightEnd);
    dayParting_->setChecked(fields.dayParting);
    // Only when it differs, so the cursor stays put in the zone being typed.
    if (timeZone_->currentText() != fields.timeZone) {
        timeZone_->setCurrentIndex(timeZone_->findText(fields.timeZone));
        timeZone_->setEditText(fields.timeZone);
    }
    grid_->setHours(fields.hours);
    applying_ = false;
    updateDayParting();
}

bool ServingTimesEditor::takeErrors(QHash<QString, QStringList> &byField)
{
    bool any = false;
    for (auto it = errors_.cbegin(); it != errors_.cend(); ++it) {
        const QString text = byField.take(it.key()).join(QStringLiteral("; "));
        it.value()->setMessage(text);
        any = any || !text.isEmpty();
    }
    hoursText_->setVisible(errors_.value(QStringLiteral("dayParting.hours"))->message().isEmpty());
    return any;
}

void ServingTimesEditor::dayPartingToggled(bool on)
{
    if (applying_)
        return;
    if (on && grid_->hours().none())
        grid_->setHours(officeHours());
    updateDayParting();
    userEdit(-1);
}

void ServingTimesEditor::userEdit(int mergeKey)
{
    if (!applying_)
        Q_EMIT edited(mergeKey);
}

void ServingTimesEditor::updateDayParting()
{
    const bool on = dayParting_->isChecked();
    timeZone_->setEnabled(on);
    grid_->setEnabled(on);
    hoursText_->setText(on ? tr("Serves %1").arg(describeWeekHours(grid_->hours())) : tr("Serves at any hour"));
}

} // namespace adserve
