#pragma once

#include <QString>

namespace adserve {

// The login name of the user running this process: who the change log records for the
// studio's writes and the generator's.
QString currentLoginName();

} // namespace adserve
