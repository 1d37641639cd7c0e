#pragma once

#include "MatchIndex.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace adserve {

// A MatchIndex::Builder on a thread of its own: campaigns handed over by add() (as a store
// read streams them) are compiled while the read goes on, in batches, with at most a few
// batches waiting, so a large store loads in about the time of the slower of the two.
class IndexCompiler
{
public:
    IndexCompiler();
    // Stops the thread; what was handed over and not finished is dropped.
    ~IndexCompiler();
    IndexCompiler(const IndexCompiler &) = delete;
    IndexCompiler &operator=(const IndexCompiler &) = delete;

    void add(const CampaignWithRules &campaign);
    // The index of every campaign added, once the thread has compiled them all.
    std::shared_ptr<const MatchIndex> finish();

private:
    static constexpr qsizetype kBatch = 2048;
    static constexpr size_t kMaxWaiting = 4;
    using Batch = QList<CampaignWithRules>;

    void handOver();
    void stop();
    void compileWhatComes();

    MatchIndex::Builder builder_; // the thread's alone until it is stopped
    Batch filling_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> waiting_;
    bool closed_ = false;
    std::thread thread_; // last: starts once the rest exists
};

} // namespace adserve
