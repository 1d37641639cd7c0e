#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace adserve {

class MatchEngine;

// Starts and stops campaigns on time without any write: at each flight or day-parting
// boundary it swaps in the index as of that instant. It looks at the index at least every
// 200 ms (so an index swapped in by a rebuild is seen) and wakes at the boundary itself
// when that is nearer. On a thread of its own: the index as of a boundary is worked out
// over every campaign with times (352,391 at 1M: 50 ms in bench_match), which the thread
// that made the engine (the studio's window) must not wait for.
class ServingClock
{
public:
    explicit ServingClock(MatchEngine &matcher);
    ~ServingClock();

    static constexpr int kLookEveryMs = 200;

private:
    void run();

    MatchEngine &matcher_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_; // last: started once the rest is there
};

} // namespace adserve
