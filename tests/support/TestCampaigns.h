#pragma once

#include "model/Campaign.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace adserve::test {

// A rule for tests; `code` empty lets the store name it.
TargetRule rule(Dimension dimension, RuleType type, QStringList values, QString code = {});

// A valid campaign for tests: its name and image follow from `code`, its CTA is "Install".
CampaignWithRules campaign(const QString &code, QList<TargetRule> rules = {});

} // namespace adserve::test
