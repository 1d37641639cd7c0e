#pragma once

#include <QLocale>
#include <QObject>
#include <QString>

namespace adserve {

// "1 day", "14 days": the studio ships no translations, so tr()'s "%n day(s)" would stay as is.
inline QString dayCount(qsizetype days)
{
    return days == 1 ? QObject::tr("1 day") : QObject::tr("%1 days").arg(QLocale().toString(qint64(days)));
}

} // namespace adserve
