#include "ServingWindow.h"

#include <QLoggingCategory>

#include <algorithm>

namespace adserve {

namespace {
Q_LOGGING_CATEGORY(lcServing, "adserve.targeting")
constexpr qint64 kHourMs = 3600 * 1000;
}

int ServingZones::intern(const QByteArray &ianaId)
{
    const auto known = std::find(ids_.begin(), ids_.end(), ianaId);
    if (known != ids_.end())
        return int(known - ids_.begin());
    QTimeZone zone(ianaId);
    if (!zone.isValid()) {
        qCWarning(lcServing) << "unknown time zone" << ianaId << "- its day-parting is read in UTC";
        zone = QTimeZone::utc();
    }
    ids_.push_back(ianaId);
    zones_.push_back(zone);
    return int(ids_.size() - 1);
}

std::vector<int> ServingZones::slotsAt(qint64 ms) const
{
    std::vector<int> weekSlots;
    weekSlots.reserve(zones_.size());
    for (int zone = 0; zone < int(zones_.size()); ++zone)
        weekSlots.push_back(slotAt(zone, ms));
    return weekSlots;
}

int ServingZones::slotAt(int zone, qint64 ms) const
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, zones_[size_t(zone)]);
    return weekSlot(local.date().dayOfWeek(), local.time().hour());
}

qint64 ServingZones::nextSlotChange(qint64 ms) const
{
    qint64 next = kNever;
    for (int zone = 0; zone < int(zones_.size()); ++zone)
        next = std::min(next, nextSlotChange(zone, ms));
    return next;
}

qint64 ServingZones::nextSlotChange(int zoneNumber, qint64 ms) const
{
    const QTimeZone &zone = zones_[size_t(zoneNumber)];
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    // The next full hour of local time at the current offset ...
    const qint64 offsetMs = qint64(zone.offsetFromUtc(at)) * 1000;
    const qint64 local = ms + offsetMs;
    const qint64 localHour = local - (((local % kHourMs) + kHourMs) % kHourMs);
    qint64 next = localHour + kHourMs - offsetMs;
    // ... unless the offset changes first.
    if (zone.hasTransitions()) {
        const QTimeZone::OffsetData transition = zone.nextTransition(at);
        if (transition.atUtc.isValid())
            next = std::min(next, transition.atUtc.toMSecsSinceEpoch());
    }
    return next;
}

ServingWindow ServingWindow::compile(const ServingTimes &times, ServingZones &zones)
{
    ServingWindow window;
    if (times.flightStart.isValid())
        window.startMs = times.flightStart.toMSecsSinceEpoch();
    if (times.flightEnd.isValid())
        window.endMs = times.flightEnd.toMSecsSinceEpoch();
    if (times.dayParting) {
        window.zone = zones.intern(times.dayParting->timeZone);
        window.hours = times.dayParting->hours;
    }
    return window;
}

ServingWindow::State ServingWindow::stateAt(qint64 ms, const std::vector<int> &weekSlots) const
{
    if (ms < startMs)
        return State::NotStarted;
    if (ms >= endMs)
        return State::Ended;
    if (zone >= 0 && !hours.test(size_t(weekSlots[size_t(zone)])))
        return State::OutsideHours;
    return State::Serving;
}

qint64 ServingWindow::nextFlightBoundary(qint64 ms) const
{
    if (ms < startMs)
        return startMs;
    return ms < endMs ? endMs : kNever;
}

qint64 ServingWindow::nextChange(qint64 ms, const ServingZones &zones) const
{
    const qint64 flight = nextFlightBoundary(ms);
    if (zone < 0 || ms < startMs || ms >= endMs)
        return flight;
    // Inside the flight: step from hour to hour (a week and a day at most, DST included)
    // until the hours say otherwise.
    const bool serving = hours.test(size_t(zones.slotAt(zone, ms)));
    qint64 t = ms;
    for (int step = 0; step < kHoursPerWeek + 26; ++step) {
        t = zones.nextSlotChange(zone, t);
        if (t >= flight)
            return flight;
        if (hours.test(size_t(zones.slotAt(zone, t))) != serving)
            return t;
    }
    return flight;
}

} // namespace adserve
