#include "TrafficWindow.h"

#include "TrafficCounter.h"

#include <QDateTime>

namespace adserve {

namespace {

// `text` as seconds since the epoch: an ISO date (its midnight UTC, or the next day's with
// `dayEnd`) or date-time (UTC unless it says otherwise). Nullopt when it is neither.
std::optional<qint64> parseBound(const QString &text, bool dayEnd)
{
    // QDate would read the date of a date-time too: a date alone is ten characters.
    const QDate date = text.size() == 10 ? QDate::fromString(text, Qt::ISODate) : QDate();
    if (date.isValid())
        return date.addDays(dayEnd ? 1 : 0).startOfDay(Qt::UTC).toSecsSinceEpoch();
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC);
    return time.toSecsSinceEpoch();
}

} // namespace

QJsonObject TrafficWindow::toJson() const
{
    return {{QStringLiteral("from"), QDateTime::fromSecsSinceEpoch(fromHour, Qt::UTC).toString(Qt::ISODate)},
            {QStringLiteral("to"), QDateTime::fromSecsSinceEpoch(to, Qt::UTC).toString(Qt::ISODate)}};
}

std::optional<TrafficWindow> TrafficWindow::fromQuery(const QHash<QString, QString> &params, qint64 nowSecs,
                                                      int defaultDays, QString *error)
{
    qint64 bounds[2] = {nowSecs - qint64(defaultDays) * 86400, nowSecs};
    const char *names[2] = {"from", "to"};
    for (int i = 0; i < 2; ++i) {
        const QString text = params.value(QLatin1String(names[i])).trimmed();
        if (text.isEmpty())
            continue;
        const auto parsed = parseBound(text, i == 1);
        if (!parsed) {
            *error = QStringLiteral("%1: \"%2\" is not an ISO 8601 date or date-time").arg(QLatin1String(names[i]), text);
            return std::nullopt;
        }
        bounds[i] = *parsed;
    }
    if (bounds[1] <= bounds[0]) {
        *error = QStringLiteral("to must be later than from");
        return std::nullopt;
    }
    // The hours that overlap [from, to).
    return TrafficWindow{TrafficCounter::hourOf(bounds[0]), bounds[1]};
}

} // namespace adserve
