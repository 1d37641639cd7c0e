#pragma once

#include "JournalEntry.h"

#include <QFile>

#include <deque>
#include <mutex>

namespace adserve {

// The requests QA mode saw, newest last, bounded by count and by bytes (the oldest go first),
// and kept in a file of JSON lines (journal.jsonl in the QA folder) so they survive a restart.
// The file is appended to per request and rewritten from memory when it has grown to twice
// the bounds. Thread-safe.
class RequestJournal
{
public:
    struct Limits
    {
        qint64 maxEntries = 10'000;
        qint64 maxBytes = 16 << 20; // of the entries' JSON
    };

    ~RequestJournal();
    // Reads what `file` holds within the limits (a line cut short by a crash is skipped).
    bool open(const QString &file, const Limits &limits, QString *error);

    // Gives `entry` the next id and keeps it; returns the id.
    qint64 record(JournalEntry entry);

    struct Found
    {
        qint64 count = 0;             // every entry that matched
        QList<JournalEntry> entries;  // the newest `limit` of them, oldest first
    };
    Found find(const JournalFilter &filter, qint64 limit) const;
    void clear();
    qint64 entries() const;
    qint64 bytes() const;

private:
    struct Kept
    {
        JournalEntry entry;
        qint64 bytes = 0;
    };
    void keep(JournalEntry entry, qint64 bytes); // with the lock held
    void rewrite();                              // with the lock held

    mutable std::mutex mutex_;
    Limits limits_;
    std::deque<Kept> kept_;
    qint64 bytes_ = 0;
    qint64 nextId_ = 1;
    QFile file_;
    qint64 fileLines_ = 0;
    qint64 fileBytes_ = 0;
};

} // namespace adserve
