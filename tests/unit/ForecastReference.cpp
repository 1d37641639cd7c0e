#include "ForecastReference.h"

#include "store/CampaignGenerator.h"

#include <QTimeZone>

#include <random>

namespace adserve::test {

TrafficRow row(int day, int hour, const QString &country, const QString &os, const QString &app, qint64 requests)
{
    const QDateTime firstDay(QDate(2024, 3, 1), QTime(0, 0), QTimeZone::utc());
    return {firstDay.toSecsSinceEpoch() + day * 86400 + hour * 3600, country, os, app, requests};
}

QString folded(const QString &value) { return value == kOther ? value : value.trimmed().toCaseFolded(); }

Judgement judge(const QList<TargetRule> &rules, Dimension dimension, const QString &rowValue, bool otherIsUnknown)
{
    const QString value = folded(rowValue);
    bool hasRules = false, hasInclude = false, inUnion = false;
    Judgement judgement;
    for (const TargetRule &r : rules) {
        if (r.deleted || r.dimension != dimension)
            continue;
        hasRules = true;
        bool names = false;
        for (const QString &v : r.values)
            names = names || v.trimmed().toCaseFolded() == value;
        if (r.type == In) {
            hasInclude = true;
            inUnion = inUnion || names;
        } else if (names) {
            judgement.blockers << QStringLiteral("EXCLUDE #%1").arg(r.id);
        }
    }
    if (!hasRules)
        return {};
    if (otherIsUnknown && value == kOther)
        return {Judged::Unknown, {}};
    if (hasInclude && !inUnion)
        judgement.blockers.prepend(QStringLiteral("INCLUDE ") + dimensionName(dimension));
    judgement.judged = judgement.blockers.isEmpty() ? Judged::Passes : Judged::Blocked;
    return judgement;
}

bool targetingMatches(const QList<TargetRule> &rules, const TrafficRow &r)
{
    return judge(rules, Country, r.country, true).judged == Judged::Passes
           && judge(rules, Os, r.os, true).judged == Judged::Passes && judge(rules, App, r.app, true).judged == Judged::Passes;
}

bool servesAt(const Campaign &c, const QDateTime &now)
{
    return c.status == kStatusActive && !c.deleted && (!c.serving.flightStart.isValid() || c.serving.flightStart <= now)
           && (!c.serving.flightEnd.isValid() || now < c.serving.flightEnd);
}

Expected expectedFor(const QList<TargetRule> &rules, const QList<TrafficRow> &rows)
{
    Expected e;
    for (const TrafficRow &r : rows) {
        if (r.requests <= 0)
            continue;
        e.recorded += r.requests;
        const std::array<QString, kDimensionCount> values{r.country, r.os, r.app};
        QStringList blockers;
        bool unknown = false;
        for (Dimension d : kDimensions) {
            const Judgement j = judge(rules, d, values[size_t(d)], true);
            blockers << j.blockers;
            unknown = unknown || j.judged == Judged::Unknown;
        }
        if (!blockers.isEmpty()) {
            e.lost += r.requests;
            for (const QString &b : blockers)
                e.blocked[b] += r.requests;
            if (blockers.size() == 1 && !unknown)
                e.alone[blockers.front()] += r.requests;
        } else if (unknown) {
            e.unattributed += r.requests;
        } else {
            e.matching += r.requests;
            e.byDay[QDateTime::fromSecsSinceEpoch(r.hourStart, QTimeZone::utc()).date()] += r.requests;
            for (Dimension d : kDimensions)
                e.byValue[size_t(d)][folded(values[size_t(d)])] += r.requests;
            e.matchingRows << &r;
        }
    }
    return e;
}

QList<TrafficRow> generatedRows(const QList<CampaignWithRules> &campaigns, int count, unsigned seed)
{
    std::array<QStringList, kDimensionCount> named;
    for (const CampaignWithRules &c : campaigns) {
        for (const TargetRule &r : c.rules)
            named[size_t(r.dimension)] << r.values;
    }
    std::mt19937 random(seed);
    const auto pick = [&](Dimension d) -> QString {
        const unsigned roll = random() % 20;
        if (roll == 0)
            return kOther;
        if (roll == 1 || named[size_t(d)].isEmpty())
            return QStringLiteral("unnamed-%1").arg(random() % 5);
        const QString v = named[size_t(d)].at(qsizetype(random() % unsigned(named[size_t(d)].size())));
        return roll % 3 ? v : QLatin1Char(' ') + v.toUpper();
    };
    QList<TrafficRow> rows;
    for (int i = 0; i < count; ++i)
        rows << row(int(random() % 4), int(random() % 24), pick(Country), pick(Os), pick(App), 1 + random() % 50);
    return rows;
}

QList<CampaignWithRules> generatedCampaigns(int count, quint64 seed)
{
    CampaignGenerator generator(seed, QDate::currentDate());
    QList<CampaignWithRules> campaigns;
    qint64 ruleId = 0;
    for (int id = 1; id <= count; ++id) {
        CampaignWithRules c = generator.next();
        c.campaign.id = id * 3; // sparse ids too
        for (TargetRule &r : c.rules)
            r.id = ++ruleId;
        campaigns << c;
    }
    return campaigns;
}
} // namespace adserve::test
