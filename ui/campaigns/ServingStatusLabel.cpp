#include "ServingStatusLabel.h"

#include "model/CampaignValidator.h"
#include "targeting/MatchIndex.h"

#include <QLocale>
#include <QTimeZone>

namespace adserve {

namespace {

using State = ServingWindow::State;

// An instant for the line, in local time: "18:00 today", "09:00 tomorrow", "Mon 09:00"
// within the week, else "Tue 24 Dec 09:00" (with the year when it is not this one's).
QString when(qint64 ms, const QDateTime &now)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const QLocale locale;
    const qint64 days = now.date().daysTo(at.date());
    if (days == 0)
        return ServingStatusLabel::tr("%1 today").arg(locale.toString(at.time(), QStringLiteral("HH:mm")));
    if (days == 1)
        return ServingStatusLabel::tr("%1 tomorrow").arg(locale.toString(at.time(), QStringLiteral("HH:mm")));
    if (days > 1 && days < 7)
        return locale.toString(at, QStringLiteral("ddd HH:mm"));
    return locale.toString(at, at.date().year() == now.date().year() ? QStringLiteral("ddd d MMM HH:mm")
                                                                     : QStringLiteral("ddd d MMM yyyy HH:mm"));
}

// The first instant from `ms` on at which the campaign serves; kNever if it never will.
qint64 firstServing(const MatchIndex &index, qint64 id, qint64 ms)
{
    // Each change is a flight boundary or the next turn of the hours: from not started,
    // the start, then the first hour it serves in, then at worst the end.
    for (int step = 0; step < 4 && ms != kNever; ++step) {
        const auto at = index.servingOf(id, ms);
        if (at->state == State::Serving)
            return ms;
        if (at->state == State::Ended)
            return kNever;
        ms = at->nextChange;
    }
    return kNever;
}

} // namespace

ServingStatusLabel::ServingStatusLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("servingStatus"));
    setWordWrap(true);
    // Two lines, whatever the text: a longer or shorter line never moves the form below.
    setFixedHeight(fontMetrics().lineSpacing() * 2);
    setToolTip(tr("When the campaign serves with the values as edited, in your time zone (%1)")
                   .arg(QString::fromUtf8(QTimeZone::systemTimeZoneId())));
    minute_.setInterval(60'000);
    connect(&minute_, &QTimer::timeout, this, &ServingStatusLabel::refresh);
}

void ServingStatusLabel::setCampaign(std::optional<Campaign> campaign)
{
    campaign_ = std::move(campaign);
    if (!campaign_)
        minute_.stop();
    else if (!minute_.isActive())
        minute_.start();
    refresh();
}

void ServingStatusLabel::refresh()
{
    setText(campaign_ ? describe(*campaign_, QDateTime::currentDateTime()) : QString());
}

QString ServingStatusLabel::describe(const Campaign &campaign, const QDateTime &now)
{
    if (campaign.status == kStatusInactive)
        return tr("Inactive: never serves until activated");
    // Times the store would refuse (an unknown zone, an end before the start) have no answer.
    if (!CampaignValidator::validateServing(campaign).isEmpty())
        return tr("Serving times to be fixed (see the Serving tab)");
    // The index compiles the times exactly as delivery will; the rules play no part here.
    const auto index = MatchIndex::build({CampaignWithRules{campaign, {}}});
    const qint64 ms = now.toMSecsSinceEpoch();
    const auto at = index->servingOf(campaign.id, ms);
    if (!at)
        return {};
    switch (at->state) {
    case State::Serving:
        if (at->nextChange == kNever)
            return tr("Serving now");
        return tr("Serving now — stops %1").arg(when(at->nextChange, now));
    case State::Ended: {
        const QDate end = campaign.serving.flightEnd.toLocalTime().date();
        return tr("Flight ended %1")
            .arg(QLocale().toString(end, end.year() == now.date().year() ? QStringLiteral("d MMM")
                                                                         : QStringLiteral("d MMM yyyy")));
    }
    case State::NotStarted:
    case State::OutsideHours:
        break;
    }
    const qint64 next = firstServing(*index, campaign.id, ms);
    if (at->state == State::NotStarted)
        return next == kNever ? tr("Never serves: none of its hours falls within its flight")
                              : tr("Starts serving %1").arg(when(next, now));
    return next == kNever ? tr("Outside its hours — and its flight ends before they come round")
                          : tr("Outside its hours — next serves %1").arg(when(next, now));
}

} // namespace adserve
