#pragma once

#include "Campaign.h"
#include "store/StoreResult.h"

#include <QJsonObject>

#include <optional>

namespace adserve {

// The JSON form of campaigns and rules used by the admin API and by import/export:
// {"id","code","name","image","cta","status","createdAt","updatedAt","deleted","deletedAt",
//  "rules":[{"id","code","dimension","ruleType","values":[...]}]}
namespace CampaignJson {

QJsonObject toJson(const TargetRule &rule);
QJsonObject toJson(const Campaign &campaign);
QJsonObject toJson(const CampaignWithRules &campaign);

// Reads a rule; `path` prefixes field names in errors ("rules[2]"). Appends to `errors`.
std::optional<TargetRule> ruleFromJson(const QJsonValue &json, const QString &path, QList<FieldError> &errors);
// Reads a campaign with its rules. Fields absent from `json` keep their value in `base`
// (so a PATCH is a read onto the current campaign); "rules", when present, replaces them.
std::optional<CampaignWithRules> fromJson(const QJsonObject &json, const CampaignWithRules &base,
                                          QList<FieldError> &errors);

} // namespace CampaignJson
} // namespace adserve
