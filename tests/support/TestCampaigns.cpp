#include "TestCampaigns.h"

namespace adserve::test {

TargetRule rule(Dimension dimension, RuleType type, QStringList values, QString code)
{
    TargetRule r;
    r.dimension = dimension;
    r.type = type;
    r.values = std::move(values);
    r.code = std::move(code);
    return r;
}

CampaignWithRules campaign(const QString &code, QList<TargetRule> rules)
{
    CampaignWithRules c;
    c.campaign.code = code;
    c.campaign.name = QStringLiteral("Campaign ") + code;
    c.campaign.image = QStringLiteral("https://cdn.example.com/%1.png").arg(code);
    c.campaign.cta = QStringLiteral("Install");
    c.rules = std::move(rules);
    return c;
}

} // namespace adserve::test
