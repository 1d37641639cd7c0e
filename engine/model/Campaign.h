#pragma once

#include "ServingTimes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace adserve {

// The request attributes a campaign can target. The order is the order checks and
// explanations are reported in.
enum class Dimension { Country = 0, Os = 1, App = 2 };
inline constexpr int kDimensionCount = 3;
inline constexpr std::array<Dimension, kDimensionCount> kDimensions{Dimension::Country, Dimension::Os,
                                                                    Dimension::App};

enum class RuleType { Include, Exclude };

// Names as the schema and the JSON APIs spell them ("country", "os", "app"; "INCLUDE", "EXCLUDE").
QString dimensionName(Dimension dimension);
std::optional<Dimension> dimensionFromName(const QString &name);
QString ruleTypeName(RuleType type);
std::optional<RuleType> ruleTypeFromName(const QString &name);

// A rule as people read it: "INCLUDE country: US, Canada".
QString describeRule(RuleType type, Dimension dimension, const QStringList &values);

// Trims and Unicode-case-folds a targeting value: the one comparison form used everywhere.
QString normalizeValue(const QString &value);

inline const QString kStatusActive = QStringLiteral("ACTIVE");
inline const QString kStatusInactive = QStringLiteral("INACTIVE");

struct TargetRule
{
    qint64 id = 0;
    QString code;
    qint64 campaignId = 0;
    Dimension dimension = Dimension::Country;
    RuleType type = RuleType::Include;
    QStringList values;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;
    QDateTime deletedAt;

    bool operator==(const TargetRule &) const = default;
};

struct Campaign
{
    qint64 id = 0;
    QString code;
    QString name;
    QString image;
    QString cta;
    QString status = kStatusActive;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;
    QDateTime deletedAt;
    // Answers are ordered by priority, highest first, then by id.
    int priority = 0;
    ServingTimes serving; // flight and day-parting

    bool isDeliverable() const { return status == kStatusActive && !deleted; }
    bool operator==(const Campaign &) const = default;
};

// A campaign together with its live (not deleted) rules: what the editor, the admin API
// and the match index work with.
struct CampaignWithRules
{
    Campaign campaign;
    QList<TargetRule> rules;

    bool operator==(const CampaignWithRules &) const = default;
};

} // namespace adserve
