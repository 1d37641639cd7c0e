#include "ReachImpactLabel.h"

#include "DayCount.h"
#include "RecordedTrafficSource.h"
#include "common/BackgroundJob.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>
#include <QtConcurrent>

namespace adserve {

namespace {

constexpr int kCellsNamed = 3; // per line; the rest are counted

QString signedCount(qint64 n)
{
    const QString digits = QLocale().toString(qAbs(n));
    return n < 0 ? QStringLiteral("−") + digits : QStringLiteral("+") + digits;
}

QString cellList(const QList<ReachImpact::Cell> &cells)
{
    QStringList named;
    for (qsizetype i = 0; i < cells.size() && i < kCellsNamed; ++i)
        named.append(QStringLiteral("%1 × %2 %3").arg(cells[i].country.toUpper(), cells[i].os, signedCount(cells[i].change())));
    if (cells.size() > kCellsNamed)
        named.append(QObject::tr("%n more", nullptr, int(cells.size() - kCellsNamed)));
    return named.join(QStringLiteral(", "));
}

} // namespace

ReachImpactLabel::ReachImpactLabel(RecordedTrafficSource &traffic, ReachImpact::Counting counting, QWidget *parent)
    : QLabel(parent)
    , traffic_(traffic)
    , counting_(counting)
    , soon_(new QTimer(this))
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    soon_->setSingleShot(true);
    soon_->setInterval(250);
    connect(soon_, &QTimer::timeout, this, &ReachImpactLabel::count);
    connect(&traffic_, &RecordedTrafficSource::changed, this, [this] {
        if (edit_)
            count();
    });
}

void ReachImpactLabel::compare(Edit edit)
{
    edit_ = std::move(edit);
    ++asked_;
    impact_.reset();
    soon_->start();
}

void ReachImpactLabel::clear()
{
    edit_ = {};
    ++asked_;
    soon_->stop();
    impact_.reset();
    setText({});
}

void ReachImpactLabel::count()
{
    if (!edit_)
        return;
    const auto traffic = traffic_.current();
    const int days = traffic_.days();
    if (!traffic) {
        setText(traffic_.unavailableText());
        if (traffic_.error().isEmpty())
            traffic_.request(); // changed() brings us back
        return;
    }
    traffic_.request(); // a minute old: read again, and count again when it is in
    if (traffic->isEmpty())
        return setText(tr("No traffic recorded in the last %1, so no reach to compare: serve requests, or import "
                       "traffic in the Reach panel.").arg(dayCount(days)));
    const int asked = ++asked_;
    setText(tr("Counting reach…"));
    QtConcurrent::run(BackgroundJob::pool(), [traffic, edit = edit_, counting = counting_] {
        const Campaigns campaigns = edit();
        return ReachImpact::between(*traffic, campaigns.before, campaigns.after, counting,
                                    QDateTime::currentMSecsSinceEpoch());
    }).then(this, [this, asked](const ReachImpact &impact) {
        if (asked != asked_)
            return; // edited meanwhile
        impact_ = impact;
        setText(describe(impact));
    });
}

QString ReachImpactLabel::describe(const ReachImpact &impact) const
{
    const QLocale locale;
    const QString what = counting_ == ReachImpact::Counting::TargetingAlone
                             ? tr("Reach, last %1").arg(dayCount(traffic_.days()))
                             : tr("Requests they serve, last %1").arg(dayCount(traffic_.days()));
    const auto share = [&](qint64 n) {
        return impact.recorded ? locale.toString(100.0 * double(n) / double(impact.recorded), 'f', 1) + QLatin1Char('%')
                               : QString();
    };
    if (impact.change() == 0 && impact.gained.isEmpty() && impact.lost.isEmpty())
        return tr("%1: %2 requests (%3 of %4 recorded)")
            .arg(what, locale.toString(impact.after), share(impact.after), locale.toString(impact.recorded));
    QString text = tr("%1: %2 → %3 requests (%4) of %5 recorded")
                       .arg(what, locale.toString(impact.before), locale.toString(impact.after), signedCount(impact.change()),
                            locale.toString(impact.recorded));
    if (!impact.lost.isEmpty())
        text += QLatin1Char('\n') + tr("Lost: %1").arg(cellList(impact.lost));
    if (!impact.gained.isEmpty())
        text += QLatin1Char('\n') + tr("Gained: %1").arg(cellList(impact.gained));
    return text;
}

} // namespace adserve
