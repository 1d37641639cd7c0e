#pragma once

#include <QString>

class QSettings;

namespace adserve {

// Files only their owner may read or write (mode 0600): the studio's settings and the file
// the user may agree to keep passwords in. Qt writes a settings file by replacing it with a
// new one that takes over the permissions of the old, so a file made private stays private.
namespace PrivateFile {

// Creates `path` (and its folder) empty with mode 0600 when it is missing, else sets 0600.
bool ensure(const QString &path);
// Writes `settings` out to its file, made private first.
bool sync(QSettings &settings);

} // namespace PrivateFile

} // namespace adserve
