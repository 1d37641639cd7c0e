// MatchIndex::Builder: compiles campaigns as a store's read hands them over, in one lane or
// in several filled side by side.
#include "MatchIndexData.h"

#include <QDateTime>

namespace adserve {

// One thread's share of a build: its compiled campaigns, and the value numbers it has
// already looked up in the shared tables (a store names a few thousand values millions of
// times, so the lock is taken a few thousand times, not millions).
class MatchIndex::Builder::Lane final : public MatchIndex::Numbering
{
public:
    Lane(Targeting &shared, std::mutex &mutex)
        : shared_(shared)
        , mutex_(mutex)
    {
    }

    int valueIdOfSpelling(Dimension dimension, const QString &raw) override
    {
        QHash<QString, int> &known = known_[size_t(dimension)];
        if (const auto it = known.constFind(raw); it != known.cend())
            return it.value();
        int id = 0;
        {
            std::lock_guard lock(mutex_);
            id = shared_.valueIdOfSpelling(dimension, raw);
        }
        known.insert(raw, id);
        return id;
    }

    std::unique_ptr<const ServingWindow> window(const ServingTimes &times) override
    {
        std::lock_guard lock(mutex_); // few campaigns have a flight or day-parting
        return shared_.window(times);
    }

    std::vector<Targeting::EntryPointer> campaigns;

private:
    Targeting &shared_;
    std::mutex &mutex_;
    std::array<QHash<QString, int>, kDimensionCount> known_;
};

MatchIndex::Builder::Builder(int lanes)
    : targeting_(std::make_shared<Targeting>())
{
    for (int i = 0; i < std::max(lanes, 1); ++i)
        lanes_.push_back(std::make_unique<Lane>(*targeting_, numbering_));
}

MatchIndex::Builder::~Builder() = default;

void MatchIndex::Builder::add(const CampaignWithRules &campaign, int lane)
{
    Lane &into = *lanes_[size_t(lane)];
    into.campaigns.push_back(Targeting::compile(campaign, into));
}

void MatchIndex::Builder::clear(int lane)
{
    // The values it numbered stay numbered: a value no campaign names just goes unused.
    std::vector<Targeting::EntryPointer>().swap(lanes_[size_t(lane)]->campaigns);
}

std::shared_ptr<const MatchIndex> MatchIndex::Builder::finish()
{
    std::vector<Targeting::EntryPointer> &all = targeting_->campaigns;
    size_t count = 0;
    for (const auto &lane : lanes_)
        count += lane->campaigns.size();
    all.reserve(count);
    for (const auto &lane : lanes_) {
        all.insert(all.end(), std::make_move_iterator(lane->campaigns.begin()),
                   std::make_move_iterator(lane->campaigns.end()));
        std::vector<Targeting::EntryPointer>().swap(lane->campaigns);
    }
    // A store's read hands them over in id order already.
    if (!std::is_sorted(all.begin(), all.end(), Targeting::byId))
        std::sort(all.begin(), all.end(), Targeting::byId);
    targeting_->compileBits();
    return std::shared_ptr<const MatchIndex>(new MatchIndex(std::exchange(targeting_, nullptr),
                                                            QDateTime::currentMSecsSinceEpoch()));
}

} // namespace adserve
