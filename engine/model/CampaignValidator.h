#pragma once

#include "Campaign.h"
#include "store/StoreResult.h"

namespace adserve {

// What makes a campaign valid, in one place for the store, the admin HTTP API and the
// studio's editor. Errors name fields as the JSON APIs do: "code", "image",
// "rules[2].values". An empty list means valid.
class CampaignValidator
{
public:
    static constexpr int kMaxCodeLength = 64;
    static constexpr int kMaxNameLength = 200;
    static constexpr int kMaxCtaLength = 64;
    static constexpr int kMaxValueLength = 256;
    static constexpr int kMaxRules = 10'000;          // per campaign
    static constexpr int kMaxValuesPerRule = 10'000;
    static constexpr int kMaxPriority = 1'000'000;

    // Why a text cannot be stored as it is (a NUL or another control character, a broken
    // UTF-16 surrogate), or empty when it can. Both stores refuse the same texts.
    static QString textProblem(const QString &text);

    static QList<FieldError> validate(const CampaignWithRules &campaign);
    static QList<FieldError> validateCampaign(const Campaign &campaign);
    // `field` prefixes the rule's field names ("rules[2]" gives "rules[2].values"); empty for none.
    static QList<FieldError> validateRule(const TargetRule &rule, const QString &field = {});
    // Priority in range, a flight that ends after it starts, day-parting in a known zone
    // with at least one hour.
    static QList<FieldError> validateServing(const Campaign &campaign);
    // ACTIVE or INACTIVE; else an error on "status".
    static QList<FieldError> validateStatus(const QString &status);
};

} // namespace adserve
