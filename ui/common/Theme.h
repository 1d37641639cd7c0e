#pragma once

#include <QString>

namespace adserve {

// The studio's look: the system's (the platform style and palette the studio started
// with), or a light or a dark one (Fusion with its own palette), switched live.
namespace Theme {

enum class Mode { System, Light, Dark };

void apply(Mode mode);
Mode current();
QString name(Mode mode); // "system", "light", "dark": how it is remembered
Mode fromName(const QString &name); // unknown names: System

} // namespace Theme

} // namespace adserve
