#pragma once

#include "RecordedTraffic.h"
#include "model/Campaign.h"

#include <QList>
#include <QString>

namespace adserve {

// What an edit of some campaigns does to the requests they reach over recorded traffic: the
// requests at least one of them matches before and after, and the (country, OS) cells where
// that changed. Counted with an index of just those campaigns, one (country, OS) group of
// triples at a time as reach reports are (RequestTally): an edit of 100,000 campaigns costs
// two index builds, not a pass over the traffic per campaign. A value folded to OTHER counts
// only for campaigns with no rule in its dimension, as in a forecast's "matching".
struct ReachImpact
{
    // Which campaigns count: every one by its targeting alone, as a forecast does (status and
    // flights aside: the editor's preview), or only those serving now (a bulk edit's preview,
    // where activating or deactivating is the change).
    enum class Counting { TargetingAlone, ServingNow };

    qint64 recorded = 0;
    qint64 before = 0;
    qint64 after = 0;
    qint64 change() const { return after - before; }

    struct Cell
    {
        QString country, os;
        qint64 before = 0, after = 0;
        qint64 change() const { return after - before; }
    };
    QList<Cell> gained; // the cells whose matching requests rose, the largest rise first
    QList<Cell> lost;   // fell, the largest fall first

    // `nowMs` (ms since the epoch): what "serving now" means.
    static ReachImpact between(const RecordedTraffic &traffic, const QList<CampaignWithRules> &before,
                               const QList<CampaignWithRules> &after, Counting counting, qint64 nowMs);
};

} // namespace adserve
