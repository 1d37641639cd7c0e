#pragma once

#include "MatchIndex.h"

#include <memory>
#include <mutex>

namespace adserve {

// Holds the current MatchIndex. Readers take a snapshot (a shared pointer) and match
// against it without locks; a rebuild swaps in a new index atomically, and the old one
// lives on until its last reader lets go.
class MatchEngine
{
public:
    MatchEngine();

    std::shared_ptr<const MatchIndex> snapshot() const;
    void swap(std::shared_ptr<const MatchIndex> index);
    // Swaps in the current index as of `ms` once a flight or day-parting boundary has
    // passed, unless a rebuild swapped in another index meanwhile. True when it did.
    bool advanceTo(qint64 ms);
    // How many times an index has been swapped in: lets tests and the studio see rebuilds.
    quint64 generation() const;

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const MatchIndex> index_;
    quint64 generation_ = 0;
};

} // namespace adserve
