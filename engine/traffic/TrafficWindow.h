#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace adserve {

// The hours of recorded traffic an admin route looks at, from its `from` and `to` query
// parameters: ISO 8601 dates (`to` as a date means the whole day) or date-times (UTC unless
// they say otherwise); without them, the last `defaultDays` days up to now.
struct TrafficWindow
{
    qint64 fromHour = 0; // seconds since the epoch, the start of an hour
    qint64 to = 0;       // exclusive, seconds since the epoch

    // Nullopt with `error` naming the parameter when a bound is not a date or date-time, or
    // `to` is not after `from`.
    static std::optional<TrafficWindow> fromQuery(const QHash<QString, QString> &params, qint64 nowSecs,
                                                  int defaultDays, QString *error);
    // "from" and "to" as ISO 8601 date-times (UTC).
    QJsonObject toJson() const;
};

} // namespace adserve
