#pragma once

#include <QString>

namespace adserve {

// `text` as one word a POSIX shell reads back unchanged: in single quotes, a ' inside as '\''.
QString shellQuoted(const QString &text);

} // namespace adserve
