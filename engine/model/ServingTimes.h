#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <bitset>
#include <optional>

namespace adserve {

// The hours of a week a campaign may serve in, as 7 × 24 slots: slot day * 24 + hour, with
// Monday as day 0, in the campaign's own time zone.
inline constexpr int kHoursPerWeek = 7 * 24;
using WeekHours = std::bitset<kHoursPerWeek>;

inline constexpr int weekSlot(int dayOfWeek /* Qt: Monday 1 … Sunday 7 */, int hour)
{
    return (dayOfWeek - 1) * 24 + hour;
}

// How the store and the JSON APIs write week hours: seven groups of 24 digits, Monday first,
// "1" for an hour it serves in ("000000000111111111000000 000…"). Readable in psql.
QString weekHoursText(const WeekHours &hours);
// Reads weekHoursText()'s form (groups separated by spaces, or one run of 168 digits).
std::optional<WeekHours> weekHoursFromText(const QString &text);
// For people: "Mon–Fri 09–18, Sat 10–14"; "every hour"; "no hour".
QString describeWeekHours(const WeekHours &hours);

// Optional day-parting of a campaign: it serves only in `hours` of the week, read in
// `timeZone` (an IANA id, UTC by default), daylight saving time included.
struct DayParting
{
    WeekHours hours;
    QByteArray timeZone = QByteArrayLiteral("UTC");

    // "Mon–Fri 09–18 Europe/Berlin"
    QString describe() const;
    bool operator==(const DayParting &) const = default;
};

// Day-parting as the store keeps it: `hours` in weekHoursText()'s form (null: none) and
// the zone (empty: UTC). Hours no one can read give "no hour": never serving beats serving
// at any hour.
std::optional<DayParting> dayPartingFromText(const QString &hours, const QString &timeZone);

// An instant written in ISO 8601 with a zone ("2026-12-24T09:00:00Z", "…+01:00"), in UTC; nullopt
// for anything else, a time without a zone included (it would be read in the server's zone).
std::optional<QDateTime> instantFromIso(const QString &text);

// When a campaign serves, beside its targeting: a flight (start ≤ now < end, each optional)
// and day-parting. Every field is optional; the default always serves.
struct ServingTimes
{
    QDateTime flightStart; // UTC; invalid: no start
    QDateTime flightEnd;   // UTC; invalid: no end
    std::optional<DayParting> dayParting;

    bool isAlways() const { return !flightStart.isValid() && !flightEnd.isValid() && !dayParting; }
    bool operator==(const ServingTimes &) const = default;
};

} // namespace adserve
