#pragma once

#include "Campaign.h"

namespace adserve {

// Most rule codes are the default one the store gives, "<campaign>-<dimension>-<type>-<n>":
// whatever holds many rules (the match index, the studio's catalog) keeps only n of those.

// n when `ruleCode` is that default code (n from 1 to 65535, no leading zero), else 0.
// Compared piece by piece: no string is built per rule.
quint16 defaultRuleCodeNumber(QStringView campaignCode, Dimension dimension, RuleType type, QStringView ruleCode);
// The default code numbered n.
QString defaultRuleCode(QStringView campaignCode, Dimension dimension, RuleType type, quint16 n);

} // namespace adserve
