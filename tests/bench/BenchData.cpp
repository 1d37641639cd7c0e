#include "BenchData.h"

#include "store/CampaignGenerator.h"

#include <QStringList>

#include <array>
#include <random>

namespace adserve::bench {

QList<CampaignWithRules> generatedCampaigns(qsizetype count, quint64 seed)
{
    CampaignGenerator generator(seed, QDate::currentDate());
    QList<CampaignWithRules> campaigns;
    campaigns.reserve(count);
    qint64 ruleId = 0;
    for (qint64 id = 1; id <= count; ++id) {
        CampaignWithRules c = generator.next();
        if (c.campaign.deleted)
            continue;
        c.campaign.id = id;
        for (TargetRule &rule : c.rules) {
            rule.id = ++ruleId;
            rule.campaignId = id;
            rule.code = QStringLiteral("rule-%1").arg(rule.id);
        }
        campaigns.append(std::move(c));
    }
    return campaigns;
}

std::vector<TargetingQuery> requestsFor(const QList<CampaignWithRules> &campaigns, qsizetype count, quint64 seed)
{
    // Every value as often as rules name it; a sample of campaigns is plenty.
    std::array<QStringList, kDimensionCount> named;
    for (qsizetype i = 0; i < std::min<qsizetype>(campaigns.size(), 20'000); ++i) {
        for (const TargetRule &rule : campaigns[i].rules)
            named[size_t(rule.dimension)] << rule.values;
    }
    std::mt19937_64 random(seed);
    auto unit = [&random] { return double(random() >> 11) * 0x1.0p-53; };
    auto pick = [&](Dimension d) {
        const QStringList &pool = named[size_t(d)];
        return pool.isEmpty() ? QString() : pool[qsizetype(random() % quint64(pool.size()))];
    };
    auto spelled = [&](const QString &value) {
        const double roll = unit();
        return roll < 0.3 ? value.toLower() : roll < 0.4 ? value.toUpper() : value;
    };

    std::vector<TargetingQuery> queries;
    queries.reserve(size_t(count));
    for (qsizetype i = 0; i < count; ++i) {
        const QString app = unit() < 0.1 ? QStringLiteral("com.unlisted.app%1").arg(i) : pick(Dimension::App);
        queries.push_back(TargetingQuery::from(spelled(pick(Dimension::Country)), spelled(pick(Dimension::Os)), app));
    }
    return queries;
}

} // namespace adserve::bench
