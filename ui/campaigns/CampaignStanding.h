#pragma once

#include "model/Campaign.h"
#include "targeting/ServingWindow.h"

#include <QString>

namespace adserve {

class MatchIndex;

// Where a campaign stands at an instant, as the table shows and sorts "Serving now" and
// "Next change": a ServingWindow::State, or one of the orders past them (serving first).
struct CampaignStanding
{
    enum Order : qint8 { NotWorkedOut = -1, InactiveOrder = 4, DeletedOrder, NotIndexedOrder };
    qint8 order = NotWorkedOut;
    qint64 nextChange = kNever; // it holds until then

    // Status first, as delivery checks it; then the index's serving times at `now`
    // (NotIndexedOrder when the index does not know the campaign yet, or there is none).
    static CampaignStanding of(qint64 campaignId, bool active, bool deleted, const MatchIndex *index, qint64 now);
    QString text() const;
};

} // namespace adserve
