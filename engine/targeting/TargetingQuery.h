#pragma once

#include "model/Campaign.h"

#include <QString>

#include <array>

namespace adserve {

// A delivery request's targeting attributes, already normalised (normalizeValue), indexed
// by Dimension. Build it with TargetingQuery::from so no caller forgets to normalise.
struct TargetingQuery
{
    std::array<QString, kDimensionCount> values;

    static TargetingQuery from(const QString &country, const QString &os, const QString &app)
    {
        return TargetingQuery{{normalizeValue(country), normalizeValue(os), normalizeValue(app)}};
    }
    const QString &value(Dimension d) const { return values[size_t(d)]; }
};

} // namespace adserve
