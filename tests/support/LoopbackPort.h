#pragma once

#include <QtGlobal>

namespace adserve::test {

// A loopback port nobody listens on right now (0 if none could be found): for a server a
// test starts, or for an address that must refuse connections.
quint16 unusedLoopbackPort();

} // namespace adserve::test
