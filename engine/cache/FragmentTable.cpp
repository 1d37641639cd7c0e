#include "FragmentTable.h"

#include <cstring>
#include <new>

namespace adserve {

FragmentTable::Entry::Entry(QByteArray rawValue, qint64 seenAt, qsizetype fragmentSize)
    : raw(std::move(rawValue))
    , seenAtMs(seenAt)
    , fragmentSize_(fragmentSize)
{
}

void FragmentTable::EntryDeleter::operator()(Entry *entry) const
{
    entry->~Entry();
    ::operator delete(entry);
}

FragmentTable::ReadSection::ReadSection(const FragmentTable &table)
    : table_(&table)
{
    // Counted in the generation entered in; if a writer began a new one in between, count
    // again in that one, so a writer that saw no reader of the old one frees nothing this
    // section can reach.
    for (;;) {
        const unsigned generation = table.generation_.load();
        parity_ = generation & 1;
        table.readers_[parity_].fetch_add(1);
        if (table.generation_.load() == generation)
            return;
        table.readers_[parity_].fetch_sub(1);
    }
}

FragmentTable::ReadSection::~ReadSection()
{
    if (table_)
        table_->readers_[parity_].fetch_sub(1);
}

FragmentTable::FragmentTable() = default;

FragmentTable::~FragmentTable()
{
    const EntryDeleter free;
    for (std::atomic<Mid *> &midSlot : top_) {
        Mid *mid = midSlot.load();
        if (!mid)
            continue;
        for (std::atomic<Leaf *> &leafSlot : mid->leaves) {
            Leaf *leaf = leafSlot.load();
            if (!leaf)
                continue;
            for (std::atomic<Entry *> &slot : leaf->entries) {
                if (Entry *entry = slot.load())
                    free(entry);
            }
            delete leaf;
        }
        delete mid;
    }
    for (const auto &[id, entry] : outside_)
        free(entry);
}

const FragmentTable::Entry *FragmentTable::findOutside(qint64 id) const
{
    std::lock_guard lock(mutex_);
    const auto it = outside_.find(id);
    return it == outside_.end() ? nullptr : it->second;
}

std::atomic<FragmentTable::Entry *> *FragmentTable::treeSlot(qint64 id)
{
    std::atomic<Mid *> &midSlot = top_[size_t(id >> (kLeafBits + kMidBits))];
    Mid *mid = midSlot.load();
    if (!mid) {
        mid = new Mid;
        bytes_ += qint64(sizeof(Mid));
        midSlot.store(mid);
    }
    std::atomic<Leaf *> &leafSlot = mid->leaves[size_t(id >> kLeafBits) & ((1 << kMidBits) - 1)];
    Leaf *leaf = leafSlot.load();
    if (!leaf) {
        leaf = new Leaf;
        bytes_ += qint64(sizeof(Leaf));
        leafSlot.store(leaf);
    }
    return &leaf->entries[size_t(id) & ((1 << kLeafBits) - 1)];
}

FragmentTable::Entry *FragmentTable::swapIn(qint64 id, Entry *entry)
{
    if (inTree(id))
        return treeSlot(id)->exchange(entry);
    Entry *old = nullptr;
    if (entry) {
        Entry *&slot = outside_[id];
        old = std::exchange(slot, entry);
    } else if (const auto it = outside_.find(id); it != outside_.end()) {
        old = it->second;
        outside_.erase(it);
    }
    return old;
}

qint64 FragmentTable::footprint(const Entry &entry)
{
    return qint64(sizeof(Entry)) + entry.fragmentSize_ + entry.raw.capacity();
}

const FragmentTable::Entry *FragmentTable::put(qint64 id, QByteArray raw, QByteArrayView fragment, qint64 seenAtMs)
{
    void *memory = ::operator new(sizeof(Entry) + size_t(fragment.size()));
    Entry *entry = new (memory) Entry(std::move(raw), seenAtMs, fragment.size());
    if (!fragment.isEmpty())
        std::memcpy(static_cast<char *>(memory) + sizeof(Entry), fragment.data(), size_t(fragment.size()));

    std::lock_guard lock(mutex_);
    bytes_ += footprint(*entry);
    ++entries_;
    if (Entry *old = swapIn(id, entry))
        retire(old);
    reclaim();
    return entry;
}

void FragmentTable::erase(qint64 id)
{
    std::lock_guard lock(mutex_);
    if (inTree(id) && !findInTree(id))
        return; // no path to create for nothing
    if (Entry *old = swapIn(id, nullptr))
        retire(old);
    reclaim();
}

qint64 FragmentTable::awaitingFree() const
{
    std::lock_guard lock(mutex_);
    return qint64(retiredNow_.size() + retiredPrev_.size());
}

void FragmentTable::retire(Entry *entry)
{
    bytes_ -= footprint(*entry);
    --entries_;
    retiredNow_.emplace_back(entry);
}

void FragmentTable::reclaim()
{
    const unsigned generation = generation_.load();
    // The readers of the generation before this one are gone: what was retired in it is
    // unreachable, and a new generation may begin.
    if (readers_[(generation - 1) & 1].load() != 0)
        return;
    retiredPrev_.clear();
    if (retiredNow_.empty())
        return;
    generation_.store(generation + 1);
    retiredPrev_ = std::move(retiredNow_);
    retiredNow_.clear();
    if (readers_[generation & 1].load() == 0)
        retiredPrev_.clear();
}

} // namespace adserve
