#pragma once

#include "cache/CacheBackend.h"
#include "store/DatabaseTarget.h"

#include <QString>

namespace adserve {

// Checks that a database or a cache answers, without changing anything there (no schema
// is created, no key written). Blocking: run it off the GUI thread.
namespace ConnectionTester {

struct Outcome
{
    bool ok = false;
    QString message; // "connected: PostgreSQL 15.3" / what failed; never a password
};

Outcome testDatabase(const DatabaseTarget &target);
Outcome testCache(const CacheSettings &settings);

} // namespace ConnectionTester
} // namespace adserve
