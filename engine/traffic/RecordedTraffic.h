#pragma once

#include "TrafficRow.h"
#include "model/Campaign.h"

#include <QDate>
#include <QList>
#include <QStringList>

#include <array>
#include <vector>

namespace adserve {

// The recorded requests of a window, prepared once for any number of forecasts and reach
// reports: rows summed per distinct (country, OS, app) triple, with each triple's requests
// per UTC day, and every distinct value of each dimension numbered once, so a forecast
// judges a value once rather than each row's strings again.
class RecordedTraffic
{
public:
    // The longest window prepared at once (ten years), and the last hour a row may start.
    static constexpr qint64 kMaxDays = 3660;
    static constexpr qint64 kLatestHour = 253402297200; // 9999-12-31T23:00:00Z

    // Values compare normalised (normalizeValue), as delivery compares them; TrafficRow::kOther
    // stays itself. Rows with no requests (zero or negative) or an hour before 1970 or past
    // kLatestHour are left out and counted in skippedRows(). Rows spanning more than kMaxDays,
    // or more requests than a qint64 holds, give an empty set and error().
    static RecordedTraffic from(const QList<TrafficRow> &rows);
    // Why the rows could not be prepared; empty when they were.
    const QString &error() const { return error_; }

    struct DayRequests
    {
        int day = 0; // into days()
        qint64 requests = 0;
    };
    struct Triple
    {
        std::array<int, kDimensionCount> values{}; // into values(dimension)
        qint64 requests = 0;
        // Its requests per day: dayRequests()[firstDay, firstDay + dayCount), days ascending.
        quint32 firstDay = 0;
        quint32 dayCount = 0;
        int value(Dimension d) const { return values[size_t(d)]; }
        // Triples are counted against the index a (country, OS) group at a time.
        bool sameGroup(const Triple &other) const
        {
            return value(Dimension::Country) == other.value(Dimension::Country) && value(Dimension::Os) == other.value(Dimension::Os);
        }
    };

    // Sorted by country, then OS, then app: the triples of one (country, OS) are adjacent.
    const std::vector<Triple> &triples() const { return triples_; }
    // The triples of each (country, OS): [first, end) of triples(), in their order.
    struct Group
    {
        size_t first = 0, end = 0;
    };
    std::vector<Group> groups() const;
    const std::vector<DayRequests> &dayRequests() const { return dayRequests_; }
    const QStringList &values(Dimension d) const { return values_[size_t(d)]; }
    // The value number of TrafficRow::kOther in `d`, -1 when no row has it.
    int otherValue(Dimension d) const { return other_[size_t(d)]; }

    // Every UTC day from the first recorded hour to the last, days without requests included.
    const QList<QDate> &days() const { return days_; }
    const std::vector<qint64> &requestsByDay() const { return requestsByDay_; }
    qint64 totalRequests() const { return total_; }
    qsizetype skippedRows() const { return skipped_; }
    bool isEmpty() const { return triples_.empty(); }

private:
    std::vector<Triple> triples_;
    std::vector<DayRequests> dayRequests_;
    std::array<QStringList, kDimensionCount> values_;
    std::array<int, kDimensionCount> other_{-1, -1, -1};
    QList<QDate> days_;
    std::vector<qint64> requestsByDay_;
    qint64 total_ = 0;
    qsizetype skipped_ = 0;
    QString error_;
};

} // namespace adserve
