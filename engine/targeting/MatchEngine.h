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
    // How many times an index has been swapped in: lets tests and the studio see rebuilds.
    quint64 generation() const;

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const MatchIndex> index_;
    quint64 generation_ = 0;
};

} // namespace adserve
