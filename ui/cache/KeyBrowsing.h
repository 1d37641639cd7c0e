#pragma once

#include "KeySearch.h"
#include "KeyTtl.h"
#include "cache/CacheBackend.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace adserve {

class CampaignStore;
class JobControl;

// The key browser's reads: pages of keys for a search (a SCAN, never KEYS, or the keys of the
// campaigns whose codes match), each key with its type, TTL, size and campaign. Each call
// blocks: run it off the GUI thread.
namespace KeyBrowsing {

// The campaign a "campaign:<id>" key belongs to, as the store has it now.
struct CampaignLabel
{
    qint64 id = 0;
    QString code;
    QString name;
    bool inStore = false;
    bool deleted = false;

    // "spotify — Spotify Premium", "spotify — Spotify Premium (deleted)", "not in the store".
    QString text() const;
};

struct KeyInfo
{
    QByteArray key;
    CacheKeyDetails details;
    KeyTtl ttl;        // counting down from when the page was read
    qint64 size = -1;  // bytes of a string value; -1 when it is gone or not a string
    std::optional<CampaignLabel> campaign; // for campaign keys
};

// A search under way, carried from page to page.
struct SearchState
{
    KeySearch search;
    bool resolved = false; // a code search has looked its codes up
    bool byCode = false;   // pages walk `ids`; otherwise they SCAN keyPattern()
    std::shared_ptr<const QList<qint64>> ids; // the matching campaigns, ascending
    QByteArray cursor = "0"; // SCAN cursor, or the next position in `ids`
};

struct KeyPage
{
    QList<KeyInfo> keys;
    bool complete = true;
    QString note;  // how the search was read, when it needs saying
    QString error;
};

// The next page of at least `pageSize` keys (fewer only when the search is exhausted or
// cancelled, which a sparse walk over a large keyspace may need: a switch of connection waits
// for it); `state` moves on. The campaigns of a page are read from the store in one query.
KeyPage nextPage(CacheBackend &backend, CampaignStore &store, SearchState &state, int pageSize, const JobControl &control);

// Every key the search finds (the preview of a delete), scanning in steps.
CacheReply<QList<QByteArray>> allKeys(CacheBackend &backend, CampaignStore &store, const KeySearch &search,
                                      JobControl &control);
// Every key matching a Redis pattern.
CacheReply<QList<QByteArray>> allKeys(CacheBackend &backend, const QByteArray &pattern, JobControl &control);

} // namespace KeyBrowsing
} // namespace adserve
