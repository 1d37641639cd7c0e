#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace adserve {

// Each campaign's ready response fragment, by id, read without locks: the delivery path
// looks up thousands of campaigns per request, and a lock or a reference count per
// campaign would cost more than copying its bytes.
//
// A reader opens a ReadSection (two atomic operations), then find()s any number of ids
// with plain loads; every entry it finds stays valid until the section closes. Writers
// (serialised by a mutex) publish whole entries atomically and retire the ones they
// replace; a retired entry is freed once every section that could have seen it has
// closed. Writers never wait for readers: a long section only delays the freeing.
//
// Ids 0 to 2^32-1 live in a radix tree of 1,024-slot leaves (a dense store of a million
// campaigns: about a thousand leaves, 8 MB); any other id in a locked map beside it.
class FragmentTable
{
public:
    // One campaign's decoded value: immutable once published, except when it was last seen
    // and under which watch of the backend.
    class Entry
    {
    public:
        // The cached value the fragment was made from, to know the same value when it comes again.
        const QByteArray raw;
        // When the cache or the store last gave this value (steady clock, ms): the near cache's age.
        mutable std::atomic<qint64> seenAtMs;
        // The backend's watch the value was read under (CampaignCache): while that watch
        // lasts, a change of the value is reported. 0: read without one.
        mutable std::atomic<quint32> watchedIn{0};

        // {"cid","img","cta"} of the delivery answer; empty when the campaign must not be delivered.
        QByteArrayView fragment() const { return {reinterpret_cast<const char *>(this + 1), fragmentSize_}; }
        bool deliverable() const { return fragmentSize_ > 0; }

    private:
        friend class FragmentTable;
        Entry(QByteArray raw, qint64 seenAt, qsizetype fragmentSize);
        const qsizetype fragmentSize_; // the fragment's bytes follow the entry in one allocation
    };

    // While it lives, entries found stay valid. Cheap; open one per request, not per id.
    class ReadSection
    {
    public:
        explicit ReadSection(const FragmentTable &table);
        ~ReadSection();
        ReadSection(const ReadSection &) = delete;
        ReadSection &operator=(const ReadSection &) = delete;
        // A delivery that waits for the cache keeps its section open: it moves with it.
        ReadSection(ReadSection &&other) noexcept
            : table_(std::exchange(other.table_, nullptr))
            , parity_(other.parity_)
        {
        }
        ReadSection &operator=(ReadSection &&) = delete;

    private:
        const FragmentTable *table_;
        unsigned parity_;
    };

    FragmentTable();
    ~FragmentTable();
    FragmentTable(const FragmentTable &) = delete;
    FragmentTable &operator=(const FragmentTable &) = delete;

    // Only inside a ReadSection. nullptr when the id has no entry.
    const Entry *find(qint64 id) const { return inTree(id) ? findInTree(id) : findOutside(id); }
    // Asks the processor to fetch the entry's first bytes and its fragment's into its cache,
    // so that reading it a little later does not wait for memory.
    static void prefetch(const Entry *entry)
    {
        const char *bytes = reinterpret_cast<const char *>(entry);
        __builtin_prefetch(bytes);
        __builtin_prefetch(bytes + 64);
        __builtin_prefetch(bytes + 128);
    }
    // Publishes a new entry for the id (replacing any) and returns it; valid like a found one.
    const Entry *put(qint64 id, QByteArray raw, QByteArrayView fragment, qint64 seenAtMs);
    void erase(qint64 id);

    qint64 entries() const { return entries_.load(std::memory_order_relaxed); }
    // Replaced or erased entries not freed yet: sections that may still hold them are open.
    qint64 awaitingFree() const;
    // Heap bytes held: entries, their fragments, their raw values (counted whole, also when
    // an in-process cache holds the same buffer), and the tree.
    qint64 bytes() const { return bytes_.load(std::memory_order_relaxed); }

private:
    static constexpr int kLeafBits = 10;
    static constexpr int kMidBits = 10;
    static constexpr int kTopBits = 32 - kLeafBits - kMidBits;
    struct Leaf
    {
        std::array<std::atomic<Entry *>, 1 << kLeafBits> entries{};
    };
    struct Mid
    {
        std::array<std::atomic<Leaf *>, 1 << kMidBits> leaves{};
    };
    struct EntryDeleter
    {
        void operator()(Entry *entry) const;
    };
    using OwnedEntry = std::unique_ptr<Entry, EntryDeleter>;

    static bool inTree(qint64 id) { return quint64(id) >> 32 == 0; }
    const Entry *findInTree(qint64 id) const
    {
        const Mid *mid = top_[size_t(id >> (kLeafBits + kMidBits))].load(std::memory_order_acquire);
        if (!mid)
            return nullptr;
        const Leaf *leaf = mid->leaves[size_t(id >> kLeafBits) & ((1 << kMidBits) - 1)].load(std::memory_order_acquire);
        if (!leaf)
            return nullptr;
        return leaf->entries[size_t(id) & ((1 << kLeafBits) - 1)].load(std::memory_order_acquire);
    }
    const Entry *findOutside(qint64 id) const;
    std::atomic<Entry *> *treeSlot(qint64 id);       // under mutex_: creates the path
    Entry *swapIn(qint64 id, Entry *entry);          // under mutex_: the entry it replaced
    void retire(Entry *entry);                       // under mutex_; freed by a later reclaim()
    void reclaim();                                  // under mutex_
    static qint64 footprint(const Entry &entry);

    std::array<std::atomic<Mid *>, 1 << kTopBits> top_{};
    mutable std::mutex mutex_; // writers, and readers of ids outside the tree
    std::unordered_map<qint64, Entry *> outside_;

    // Readers count themselves in the counter of the generation they entered in. An entry
    // retired in generation g is freed when generation g+1 has begun and g's readers are gone.
    alignas(64) std::atomic<unsigned> generation_{0};
    alignas(64) mutable std::array<std::atomic<qint64>, 2> readers_{};
    std::vector<OwnedEntry> retiredNow_;  // retired in the current generation
    std::vector<OwnedEntry> retiredPrev_; // retired in the previous one, awaiting its readers

    alignas(64) std::atomic<qint64> entries_{0};
    std::atomic<qint64> bytes_{0};
};

} // namespace adserve
