#pragma once

#include "model/Campaign.h"
#include "targeting/ServingWindow.h"

#include <QString>

namespace adserve {

class MatchIndex;

// Where a campaign stands at an instant, as the table shows and sorts "Serving now" and
// "Next change": a ServingWindow::State, or one of the orders past them (serving first).
// 8 bytes: the table keeps one for each campaign of a store, a million of them.
class CampaignStanding
{
public:
    enum Order : qint8 { NotWorkedOut = -1, InactiveOrder = 4, DeletedOrder, NotIndexedOrder };
    CampaignStanding() = default;
    CampaignStanding(qint8 order, qint64 nextChange = kNever);
    qint8 order() const { return qint8(order_); }
    qint64 nextChange() const { return nextChange_ == kNeverKept ? kNever : nextChange_; } // it holds until then

    // Status first, as delivery checks it; then the index's serving times at `now`
    // (NotIndexedOrder when the index does not know the campaign yet, or there is none).
    static CampaignStanding of(qint64 campaignId, bool active, bool deleted, const MatchIndex *index, qint64 now);
    QString text() const;

private:
    static constexpr qint64 kNeverKept = (qint64(1) << 55) - 1; // ms: a million years from 1970
    qint64 nextChange_ : 56 = kNeverKept;
    qint64 order_ : 8 = NotWorkedOut;
};
static_assert(sizeof(CampaignStanding) == 8);

} // namespace adserve
