#pragma once

#include <QtGlobal>

#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace adserve {

// An allocator whose resize() leaves new elements uninitialised.
template <typename T>
struct UninitializedAllocator : std::allocator<T>
{
    template <typename U>
    struct rebind
    {
        using other = UninitializedAllocator<U>;
    };
    UninitializedAllocator() = default;
    template <typename U>
    UninitializedAllocator(const UninitializedAllocator<U> &) noexcept
    {
    }
    template <typename U>
    void construct(U *p) noexcept
    {
        ::new (static_cast<void *>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U *p, Args &&...args)
    {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }
};

// The ids a match found, ascending. MatchIndex::match() sizes it for every campaign,
// writes the matched ids and shrinks it to them: kept by the caller between requests it
// costs neither an allocation nor a pass that zeroes memory about to be overwritten.
using MatchedIds = std::vector<qint64, UninitializedAllocator<qint64>>;

} // namespace adserve
