#pragma once

#include "model/Campaign.h"

#include <QLabel>
#include <QTimer>

#include <optional>

namespace adserve {

// One line answering "when does this campaign start or stop serving?" for a campaign as
// edited (not as stored): "Serving now", "Starts serving Tue 24 Dec 09:00", "Outside its
// hours — next serves Mon 09:00", … in the user's local time. Refreshed once a minute, as
// "now" moves on.
class ServingStatusLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ServingStatusLabel(QWidget *parent = nullptr);

    // None: shows nothing.
    void setCampaign(std::optional<Campaign> campaign);
    // The line for `campaign` at `now`.
    static QString describe(const Campaign &campaign, const QDateTime &now);

private:
    void refresh();

    std::optional<Campaign> campaign_;
    QTimer minute_;
};

} // namespace adserve
