#include "IndexCompiler.h"

namespace adserve {

IndexCompiler::IndexCompiler()
    : thread_([this] { compileWhatComes(); })
{
    filling_.reserve(kBatch);
}

IndexCompiler::~IndexCompiler()
{
    stop();
}

void IndexCompiler::add(const CampaignWithRules &campaign)
{
    filling_.append(campaign);
    if (filling_.size() == kBatch)
        handOver();
}

void IndexCompiler::handOver()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return waiting_.size() < kMaxWaiting; });
    waiting_.push_back(std::move(filling_));
    filling_ = Batch();
    filling_.reserve(kBatch);
    changed_.notify_all();
}

void IndexCompiler::stop()
{
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

std::shared_ptr<const MatchIndex> IndexCompiler::finish()
{
    if (!filling_.isEmpty())
        handOver();
    stop();
    return builder_.finish();
}

void IndexCompiler::compileWhatComes()
{
    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return !waiting_.empty() || closed_; });
            if (waiting_.empty())
                return; // closed, and everything handed over is compiled
            batch = std::move(waiting_.front());
            waiting_.pop_front();
        }
        changed_.notify_all();
        for (const CampaignWithRules &campaign : std::as_const(batch))
            builder_.add(campaign);
    }
}

} // namespace adserve
