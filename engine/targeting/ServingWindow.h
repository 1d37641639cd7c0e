#pragma once

#include "model/ServingTimes.h"

#include <QTimeZone>

#include <limits>
#include <vector>

namespace adserve {

inline constexpr qint64 kNever = std::numeric_limits<qint64>::max();

// The time zones campaigns' day-parting is read in, each numbered once, so the hour of the
// week is worked out once per zone and instant rather than once per campaign.
class ServingZones
{
public:
    // The zone's number; an id no system knows is read as UTC (the validator refuses one).
    int intern(const QByteArray &ianaId);
    const QByteArray &id(int zone) const { return ids_[size_t(zone)]; }
    // The week slot (weekSlot(): day * 24 + hour) in each zone at `ms` (ms since the epoch).
    std::vector<int> slotsAt(qint64 ms) const;
    int slotAt(int zone, qint64 ms) const;
    // The first instant after `ms` at which the week slot of some zone changes (its next
    // hour, or a change of its UTC offset such as DST); kNever without zones.
    qint64 nextSlotChange(qint64 ms) const;
    qint64 nextSlotChange(int zone, qint64 ms) const;

private:
    std::vector<QByteArray> ids_;
    std::vector<QTimeZone> zones_;
};

// One campaign's flight and day-parting, compiled: whether it serves at an instant, and when
// that can change next.
struct ServingWindow
{
    enum class State { Serving, NotStarted, Ended, OutsideHours };

    qint64 startMs = std::numeric_limits<qint64>::min();
    qint64 endMs = kNever;
    int zone = -1; // into ServingZones; -1: no day-parting
    WeekHours hours;

    static ServingWindow compile(const ServingTimes &times, ServingZones &zones);
    bool isAlways() const { return zone < 0 && startMs == std::numeric_limits<qint64>::min() && endMs == kNever; }
    // `weekSlots` from ServingZones::slotsAt(ms).
    State stateAt(qint64 ms, const std::vector<int> &weekSlots) const;
    // The next flight boundary after `ms` (kNever: none). Day-parting changes come from
    // ServingZones::nextSlotChange().
    qint64 nextFlightBoundary(qint64 ms) const;
    // The first instant after `ms` at which this window's state changes (kNever: never).
    qint64 nextChange(qint64 ms, const ServingZones &zones) const;
};

} // namespace adserve
