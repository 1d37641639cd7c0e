#pragma once

#include <QByteArray>

namespace adserve {

// The reason phrase of a status adserve answers with ("Not Found"); "Unknown" otherwise.
QByteArray reasonPhrase(int status);

} // namespace adserve
