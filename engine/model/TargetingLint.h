#pragma once

#include "Campaign.h"

#include <optional>

namespace adserve {

// One thing worth a second look in a campaign's targeting. Warnings, never refusals:
// values are free text (DESIGN: targeting semantics).
struct LintFinding
{
    enum class Kind {
        CountryName,         // a country's name where requests carry its ISO code: "Canada" for "CA"
        OsAlias,             // another name of an OS: "iphone" for "iOS"
        CaseVariant,         // a known value in another case: "us" for "US"
        UnknownValue,        // not an ISO country code / known OS name, and no other form of one
        IncludedAndExcluded, // in the INCLUDE and the EXCLUDE rules of one dimension: EXCLUDE wins
        NeverServes,         // a dimension whose INCLUDE and EXCLUDE rules leave no value
        Duplicate,           // listed twice in the rules of one dimension and type
    };
    Kind kind = Kind::UnknownValue;
    Dimension dimension = Dimension::Country;
    RuleType type = RuleType::Include; // the rules the value is in
    QString value;                     // as written
    QString suggestion;                // the value to write instead; empty when the fix removes it
    bool fixable = false;              // TargetingLint::fix() has a fix
    QString message;                   // one sentence for people

    bool operator==(const LintFinding &) const = default;
};

// Checks a campaign's targeting rules and fixes what it finds in one step each. Fixes that
// tidy (a duplicate, an INCLUDE value its EXCLUDE cancels) never change what the campaign
// is delivered for; fixes of form ("Canada" -> "CA") make it deliver as it was meant to.
class TargetingLint
{
public:
    static QList<LintFinding> check(const QList<TargetRule> &rules);
    // The rules with `finding` fixed, or nothing when it has no fix or no longer applies.
    static std::optional<QList<TargetRule>> fix(const QList<TargetRule> &rules, const LintFinding &finding);
    // The rules with every fixable finding of `kind` fixed (only those of `value` in
    // `dimension`, when given), or nothing when there was none.
    static std::optional<QList<TargetRule>> fixAll(const QList<TargetRule> &rules, LintFinding::Kind kind,
                                                   std::optional<std::pair<Dimension, QString>> only = std::nullopt);

    // The values of one dimension's live rules of one type, in rule order, as written.
    static QStringList valuesOf(const QList<TargetRule> &rules, Dimension dimension, RuleType type);

    // "country-name", "os-alias", "case-variant", "unknown-value", "included-and-excluded",
    // "never-serves", "duplicate"; and back.
    static QString kindCode(LintFinding::Kind kind);
    static std::optional<LintFinding::Kind> kindFromCode(const QString &code);
    // What a kind is, for headings: "Country names instead of ISO codes".
    static QString kindTitle(LintFinding::Kind kind);
    static constexpr int kKindCount = 7;
};

// The linter over many campaigns (a whole store): the first findings, and per kind how
// many there are and which campaigns a fix of all of them would write.
struct LintReport
{
    struct Row
    {
        qint64 campaignId = 0;
        QString campaignCode;
        LintFinding finding;
    };
    static constexpr qsizetype kMaxRows = 20'000; // a list longer than that is read by kind

    QList<Row> rows;
    qint64 campaigns = 0; // checked
    std::array<qint64, TargetingLint::kKindCount> counts{};
    std::array<QList<qint64>, TargetingLint::kKindCount> fixableCampaigns; // in the order added

    void add(const CampaignWithRules &campaign);
    qint64 total() const;
};

} // namespace adserve
