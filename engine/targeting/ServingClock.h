#pragma once

#include <QObject>
#include <QTimer>

namespace adserve {

class MatchEngine;

// Starts and stops campaigns on time without any write: at each flight or day-parting
// boundary it swaps in the index as of that instant. It looks at the index at least every
// 200 ms (so an index swapped in by a rebuild is seen) and wakes at the boundary itself
// when that is nearer.
class ServingClock : public QObject
{
    Q_OBJECT
public:
    explicit ServingClock(MatchEngine &matcher, QObject *parent = nullptr);

    static constexpr int kLookEveryMs = 200;

private:
    void tick();

    MatchEngine &matcher_;
    QTimer timer_;
};

} // namespace adserve
