#pragma once

#include <QString>

namespace adserve {

// QA mode's settings (ADSERVE_QA / --qa, QA_*).
struct QaSettings
{
    bool enabled = false;          // off unless asked for
    QString dir;                   // scenarios.json and journal.jsonl; beside the store by default
    qint64 journalMaxEntries = 10'000;
    qint64 journalMaxBytes = 16 << 20;
    int hangMaxMs = 60'000;        // the longest a "hang" holds a connection
};

} // namespace adserve
