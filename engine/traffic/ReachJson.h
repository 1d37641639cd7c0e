#pragma once

#include <QDate>
#include <QJsonObject>
#include <QList>

namespace adserve::ReachJson {

// `part` of `whole` (0 when there is no whole), as forecasts and reach reports give shares.
inline double shareOf(qint64 part, qint64 whole)
{
    return whole ? double(part) / double(whole) : 0.0;
}

// The recorded days a forecast or report covers: first, last and how many.
inline QJsonObject daysJson(const QList<QDate> &days)
{
    return {{"from", days.isEmpty() ? QString() : days.first().toString(Qt::ISODate)},
            {"to", days.isEmpty() ? QString() : days.last().toString(Qt::ISODate)},
            {"days", days.size()}};
}

} // namespace adserve::ReachJson
