#include "ReachCounter.h"

#include "TallyNumbers.h"
#include "targeting/MatchIndex.h"
#include "targeting/RequestTally.h"

#include <QFuture>
#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace adserve {

namespace {

// The triples the most campaigns match, ties to the heavier traffic.
struct Contested
{
    int triple = 0;
    qint32 campaigns = 0;
    qint64 requests = 0;
    bool operator<(const Contested &other) const // "more contested than"
    {
        return campaigns != other.campaigns ? campaigns > other.campaigns
               : requests != other.requests ? requests > other.requests
                                            : triple < other.triple;
    }
};

// Keeps the `size` most contested seen, in a heap whose top is the least of them.
class ContestedTop
{
public:
    explicit ContestedTop(size_t size) : size_(size) {}
    void offer(const Contested &candidate)
    {
        if (size_ == 0)
            return;
        if (heap_.size() < size_) {
            heap_.push_back(candidate);
            std::push_heap(heap_.begin(), heap_.end());
        } else if (candidate < heap_.front()) {
            std::pop_heap(heap_.begin(), heap_.end());
            heap_.back() = candidate;
            std::push_heap(heap_.begin(), heap_.end());
        }
    }
    const std::vector<Contested> &items() const { return heap_; }

private:
    size_t size_;
    std::vector<Contested> heap_;
};

// What one counting thread keeps.
struct Worker
{
    explicit Worker(std::shared_ptr<const MatchIndex> index, size_t contested) : tally(std::move(index)), top(contested) {}
    RequestTally tally;
    ContestedTop top;
};

} // namespace

ReachReport ReachCounter::count(const RecordedTraffic &traffic, const MatchIndex &index, const Options &options,
                                const Progress &progress, const std::atomic_bool *cancel)
{
    ReachReport report;
    report.days = traffic.days();
    report.recorded = traffic.totalRequests();
    report.triples = qsizetype(traffic.triples().size());
    const auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };

    const std::shared_ptr<const MatchIndex> targeting = index.targetingAlone();
    const auto &triples = traffic.triples();
    const std::vector<RecordedTraffic::Group> groups = traffic.groups();
    QThreadPool *pool = options.pool ? options.pool : QThreadPool::globalInstance();
    const size_t threads = std::clamp<size_t>(size_t(pool->maxThreadCount()), 1, std::max<size_t>(groups.size(), 1));
    std::vector<std::unique_ptr<Worker>> workers;
    for (size_t i = 0; i < threads; ++i)
        workers.push_back(std::make_unique<Worker>(targeting, size_t(std::max(options.contested, 0))));
    const TallyNumbers numbers(traffic, workers.front()->tally);
    numbers.lookUpAll(); // then the counting threads share it

    std::atomic<size_t> nextGroup{0};
    std::atomic<qint64> done{0};
    QMutex progressLock;
    qint64 reported = 0;
    const qint64 total = qint64(triples.size());
    const auto work = [&](Worker &worker) {
        std::vector<RequestTally::AppRequests> apps;
        std::vector<qint32> matchCounts;
        for (size_t g; !cancelled() && (g = nextGroup.fetch_add(1)) < groups.size();) {
            const RecordedTraffic::Group &group = groups[g];
            numbers.addGroup(worker.tally, group, apps, &matchCounts);
            for (size_t t = group.first; t < group.end; ++t)
                worker.top.offer({int(t), matchCounts[t - group.first], triples[t].requests});
            const qint64 now = done += qint64(group.end - group.first);
            if (progress) {
                QMutexLocker locker(&progressLock);
                if (now == total || (now - reported) * 100 >= total) {
                    reported = now;
                    progress(now, total);
                }
            }
        }
    };
    QList<QFuture<void>> running;
    for (size_t i = 1; i < workers.size(); ++i)
        running.append(QtConcurrent::run(pool, [&work, worker = workers[i].get()] { work(*worker); }));
    work(*workers.front()); // the calling thread counts too
    for (QFuture<void> &future : running)
        future.waitForFinished();
    if (cancelled()) {
        report.cancelled = true;
        return report;
    }

    ContestedTop top(size_t(std::max(options.contested, 0)));
    for (size_t i = 0; i < workers.size(); ++i) {
        if (i > 0)
            workers.front()->tally.merge(workers[i]->tally);
        for (const Contested &item : workers[i]->top.items())
            top.offer(item);
    }
    std::vector<Contested> contested = top.items();
    std::sort(contested.begin(), contested.end());
    for (const Contested &item : contested) {
        const RecordedTraffic::Triple &triple = triples[size_t(item.triple)];
        report.contested.append({traffic.values(Dimension::Country)[triple.value(Dimension::Country)],
                                 traffic.values(Dimension::Os)[triple.value(Dimension::Os)],
                                 traffic.values(Dimension::App)[triple.value(Dimension::App)], item.requests, item.campaigns});
    }
    const auto perCampaign = workers.front()->tally.perCampaign();
    report.campaigns.reserve(perCampaign.size());
    for (const auto &campaign : perCampaign)
        report.campaigns.push_back({campaign.id, targeting->codeOf(campaign.id), campaign.deliverable, campaign.requests});
    return report;
}

} // namespace adserve
