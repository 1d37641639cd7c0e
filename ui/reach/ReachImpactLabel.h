#pragma once

#include "traffic/ReachImpact.h"

#include <QLabel>

#include <functional>
#include <optional>

class QTimer;

namespace adserve {

class RecordedTrafficSource;

// What an edit does to the requests of the last days, in two lines under the form that makes
// it: "Reach, last 7 days: 12,345 → 10,200 requests (−2,145, −17.4%)" and the (country × OS)
// cells lost and gained. Counted off the GUI thread over the session's recorded traffic, a
// moment after the last change (typing); the latest edit wins.
class ReachImpactLabel : public QLabel
{
    Q_OBJECT
public:
    struct Campaigns
    {
        QList<CampaignWithRules> before, after;
    };
    // Makes the campaigns before and after the edit; runs on a pool thread, so it may go
    // through a large catalog.
    using Edit = std::function<Campaigns()>;

    ReachImpactLabel(RecordedTrafficSource &traffic, ReachImpact::Counting counting, QWidget *parent = nullptr);

    void compare(Edit edit);
    // Nothing to compare: shows nothing.
    void clear();
    // The impact shown; nullopt while counting, or when there is none.
    const std::optional<ReachImpact> &impact() const { return impact_; }

private:
    void count();
    QString describe(const ReachImpact &impact) const;

    RecordedTrafficSource &traffic_;
    ReachImpact::Counting counting_;
    Edit edit_;
    QTimer *soon_;
    int asked_ = 0; // the latest count wins
    std::optional<ReachImpact> impact_;
};

} // namespace adserve
