#pragma once

#include <QString>
#include <QtGlobal>

namespace adserve {

// Delivery requests counted for one (country, OS, app) in one UTC hour. Values are normalised
// as delivery normalises them (normalizeValue: trimmed, case-folded), so they compare with
// targeting values as they are.
struct TrafficRow
{
    qint64 hourStart = 0; // seconds since the epoch, a multiple of 3600 (UTC)
    QString country;
    QString os;
    QString app;
    qint64 requests = 0;

    // Stands for the values folded away when the recorder's table of one hour is full (the
    // long tail). Case folding never yields upper case, so no real value can spell it.
    static inline const QString kOther = QStringLiteral("OTHER");
};

} // namespace adserve
