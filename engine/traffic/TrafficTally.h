#pragma once

#include "TrafficRow.h"

#include <QHash>
#include <QList>

namespace adserve {

// Adds requests up per hour and triple, one row each: what an import read, or rows to store
// in one statement (a database refuses to upsert one key twice in a statement). Not
// thread-safe; bounded only by what it is given.
class TrafficTally
{
public:
    void add(const TrafficRow &row);
    void add(const QList<TrafficRow> &rows);
    // The rows, ordered by hour, country, os, app.
    QList<TrafficRow> rows() const;
    qint64 requests() const { return requests_; }
    qint64 rowCount() const { return rows_.size(); }

private:
    struct Key
    {
        qint64 hourStart;
        QString country;
        QString os;
        QString app;
        bool operator==(const Key &) const = default;
        friend size_t qHash(const Key &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.hourStart, key.country, key.os, key.app);
        }
    };
    QHash<Key, qint64> rows_;
    qint64 requests_ = 0;
};

} // namespace adserve
