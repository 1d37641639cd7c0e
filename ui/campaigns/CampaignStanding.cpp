#include "CampaignStanding.h"

#include "targeting/MatchIndex.h"

#include <QCoreApplication>

#include <algorithm>

namespace adserve {

CampaignStanding::CampaignStanding(qint8 order, qint64 nextChange)
    : nextChange_(std::min(nextChange, kNeverKept))
    , order_(order)
{
}

CampaignStanding CampaignStanding::of(qint64 campaignId, bool active, bool deleted, const MatchIndex *index, qint64 now)
{
    // An inactive campaign starts nothing on time.
    if (deleted)
        return {DeletedOrder};
    if (!active)
        return {InactiveOrder};
    const auto serving = index ? index->servingOf(campaignId, now) : std::nullopt;
    if (!serving)
        return {NotIndexedOrder};
    return {qint8(serving->state), serving->nextChange};
}

QString CampaignStanding::text() const
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("CampaignTableModel", text); };
    switch (order()) {
    case qint8(ServingWindow::State::Serving): return tr("Yes");
    case qint8(ServingWindow::State::NotStarted): return tr("Not started");
    case qint8(ServingWindow::State::Ended): return tr("Ended");
    case qint8(ServingWindow::State::OutsideHours): return tr("Outside hours");
    case InactiveOrder: return tr("Inactive");
    case DeletedOrder: return tr("Deleted");
    }
    return {};
}

} // namespace adserve
