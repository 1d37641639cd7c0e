#include "ServingTimes.h"

#include <QStringList>

namespace adserve {

QString weekHoursText(const WeekHours &hours)
{
    QString text;
    text.reserve(kHoursPerWeek + 6);
    for (int slot = 0; slot < kHoursPerWeek; ++slot) {
        if (slot > 0 && slot % 24 == 0)
            text += QLatin1Char(' ');
        text += hours.test(size_t(slot)) ? QLatin1Char('1') : QLatin1Char('0');
    }
    return text;
}

std::optional<WeekHours> weekHoursFromText(const QString &text)
{
    WeekHours hours;
    int slot = 0;
    for (const QChar c : text) {
        if (c.isSpace())
            continue;
        if ((c != QLatin1Char('0') && c != QLatin1Char('1')) || slot >= kHoursPerWeek)
            return std::nullopt;
        hours.set(size_t(slot++), c == QLatin1Char('1'));
    }
    if (slot != kHoursPerWeek)
        return std::nullopt;
    return hours;
}

namespace {

const char *const kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// The hours of one day as ranges, "09–12, 14–18" (an end is the first hour not served).
QString dayRanges(const WeekHours &hours, int day)
{
    QStringList ranges;
    for (int hour = 0; hour < 24;) {
        if (!hours.test(size_t(day * 24 + hour))) {
            ++hour;
            continue;
        }
        const int start = hour;
        while (hour < 24 && hours.test(size_t(day * 24 + hour)))
            ++hour;
        ranges.append(QStringLiteral("%1–%2").arg(start, 2, 10, QLatin1Char('0')).arg(hour, 2, 10, QLatin1Char('0')));
    }
    return ranges.join(QLatin1String(", "));
}

} // namespace

QString describeWeekHours(const WeekHours &hours)
{
    if (hours.all())
        return QStringLiteral("every hour");
    if (hours.none())
        return QStringLiteral("no hour");
    // Consecutive days with the same hours are named as one span: "Mon–Fri 09–18".
    QStringList parts;
    for (int day = 0; day < 7;) {
        const QString ranges = dayRanges(hours, day);
        int last = day;
        while (last + 1 < 7 && dayRanges(hours, last + 1) == ranges)
            ++last;
        if (!ranges.isEmpty()) {
            const QString days = last == day ? QLatin1String(kDayNames[day])
                                             : QStringLiteral("%1–%2").arg(QLatin1String(kDayNames[day]),
                                                                           QLatin1String(kDayNames[last]));
            parts.append(days + QLatin1Char(' ') + ranges);
        }
        day = last + 1;
    }
    return parts.join(QLatin1String(", "));
}

std::optional<DayParting> dayPartingFromText(const QString &hours, const QString &timeZone)
{
    if (hours.isNull())
        return std::nullopt;
    const QByteArray zone = timeZone.trimmed().toUtf8();
    return DayParting{weekHoursFromText(hours).value_or(WeekHours()), zone.isEmpty() ? QByteArrayLiteral("UTC") : zone};
}

std::optional<QDateTime> instantFromIso(const QString &text)
{
    const QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime)
        return std::nullopt;
    return time.toUTC();
}

QString DayParting::describe() const
{
    return describeWeekHours(hours) + QLatin1Char(' ') + QString::fromLatin1(timeZone);
}

} // namespace adserve
