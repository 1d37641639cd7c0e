#include "DecisionWording.h"

#include "model/ValueHints.h"

namespace adserve {

namespace {

QString shownTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC");
}

// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ...
QString ordinal(qsizetype n)
{
    const qsizetype tens = n % 100;
    const char *suffix = (tens >= 11 && tens <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return QString::number(n) + QLatin1String(suffix);
}

QString quoted(Dimension dimension, const QString &value)
{
    return QLatin1Char('"') + DecisionWording::shownValue(dimension, value) + QLatin1Char('"');
}

// The request's value, quoted, or "no value".
QString shownRequestValue(const DimensionCheck &check)
{
    return check.value.isEmpty() ? QStringLiteral("no value") : quoted(check.dimension, check.value);
}

// The rules of one type that a check read, as people write them.
QString rulesText(const DimensionCheck &check, RuleType type)
{
    QStringList values;
    for (const QString &value : type == RuleType::Include ? check.included : check.excluded)
        values.append(DecisionWording::shownValue(check.dimension, value));
    return describeRule(type, check.dimension, values);
}

// "the campaign targets "Canada", a country name; requests carry ISO codes such as "CA""
QString formSentence(const QString &whose, const QString &value, ValueHints::Form form, const QString &usual)
{
    const QString kind = form == ValueHints::Form::CountryName
                             ? QStringLiteral("a country name; requests carry ISO codes such as \"%1\"").arg(usual)
                             : QStringLiteral("another name of %1; requests carry \"%1\"").arg(usual);
    return QStringLiteral("%1 \"%2\", %3").arg(whose, value, kind);
}

bool isOtherForm(ValueHints::Form form)
{
    return form == ValueHints::Form::CountryName || form == ValueHints::Form::OsAlias;
}

} // namespace

QString DecisionWording::shownValue(Dimension dimension, const QString &value)
{
    const ValueHints::Hint hint = ValueHints::shipped().hint(dimension, value);
    return hint.form == ValueHints::Form::CaseVariant ? hint.usual : value;
}

QString DecisionWording::outcomeWords(DimensionCheck::Outcome outcome)
{
    return outcomeName(outcome).replace(QLatin1Char('-'), QLatin1Char(' '));
}

QString DecisionWording::decidingRules(const DimensionCheck &check)
{
    switch (check.outcome) {
    case DimensionCheck::Outcome::NoRules: return {};
    case DimensionCheck::Outcome::Included:
    case DimensionCheck::Outcome::NotIncluded: return rulesText(check, RuleType::Include);
    case DimensionCheck::Outcome::Excluded:
    case DimensionCheck::Outcome::NotExcluded: return rulesText(check, RuleType::Exclude);
    }
    return {};
}

QString DecisionWording::check(const DimensionCheck &check)
{
    const QString words = outcomeWords(check.outcome);
    if (check.outcome == DimensionCheck::Outcome::NoRules)
        return QStringLiteral("%1: any %2").arg(words, dimensionName(check.dimension));
    const bool in = check.outcome == DimensionCheck::Outcome::Included || check.outcome == DimensionCheck::Outcome::Excluded;
    return QStringLiteral("%1: %2 is %3 %4")
        .arg(words, shownRequestValue(check), in ? QStringLiteral("in") : QStringLiteral("not in"), decidingRules(check));
}

std::optional<FormHint> DecisionWording::hint(const DimensionCheck &check)
{
    // Only a value that failed to match can hide a difference of form: an INCLUDE that did
    // not take the request, or an EXCLUDE that did not keep it out.
    const bool include = check.outcome == DimensionCheck::Outcome::NotIncluded;
    if ((!include && check.outcome != DimensionCheck::Outcome::NotExcluded) || check.value.isEmpty())
        return std::nullopt;
    const ValueHints &hints = ValueHints::shipped();
    const Dimension d = check.dimension;
    const QStringList &values = include ? check.included : check.excluded;
    const QString rules = include ? QStringLiteral("the campaign targets") : QStringLiteral("its EXCLUDE names");
    const QString outcome = include ? QString() : QStringLiteral(", so it does not keep this request out");
    const ValueHints::Hint request = hints.hint(d, check.value);
    const QString requestMeaning = hints.meaning(d, check.value);
    // The same thing in two forms: the rule's or the request's is the unusual one.
    for (const QString &value : values) {
        const ValueHints::Hint rule = hints.hint(d, value);
        if (hints.meaning(d, value) != requestMeaning)
            continue;
        if (isOtherForm(rule.form))
            return FormHint{ValueHints::formCode(rule.form), value, rule.usual,
                            formSentence(rules, value, rule.form, rule.usual) + outcome};
        if (isOtherForm(request.form))
            return FormHint{ValueHints::formCode(request.form), check.value, request.usual,
                            formSentence(QStringLiteral("the request carries"), check.value, request.form, request.usual)
                                + QStringLiteral(" (the rule names \"%1\")").arg(value)};
    }
    // Otherwise a rule value no request carries in that form is worth saying when the
    // rules let nothing through: the campaign targets "Canada" and the request is "US".
    if (!include)
        return std::nullopt;
    for (const QString &value : values) {
        const ValueHints::Hint rule = hints.hint(d, value);
        if (isOtherForm(rule.form))
            return FormHint{ValueHints::formCode(rule.form), value, rule.usual,
                            formSentence(rules, value, rule.form, rule.usual)};
    }
    return std::nullopt;
}

std::optional<FormHint> DecisionWording::hint(const Decision &decision)
{
    if (const DimensionCheck *deciding = decision.decidingCheck())
        return hint(*deciding);
    for (const DimensionCheck &check : decision.checks) {
        if (auto found = hint(check))
            return found;
    }
    return std::nullopt;
}

QString DecisionWording::reason(const Decision &d)
{
    using Verdict = Decision::Verdict;
    switch (d.verdict) {
    case Verdict::Inactive: return QStringLiteral("not delivered: the campaign is not ACTIVE");
    case Verdict::Deleted: return QStringLiteral("not delivered: the campaign is deleted");
    case Verdict::FlightNotStarted:
        return QStringLiteral("not delivered: flight not started (starts %1)").arg(shownTime(d.flightStart));
    case Verdict::FlightEnded: return QStringLiteral("not delivered: flight ended (%1)").arg(shownTime(d.flightEnd));
    case Verdict::OutsideHours: return QStringLiteral("not delivered: outside its hours (%1)").arg(d.hours);
    case Verdict::RankedOut:
        return QStringLiteral("not delivered: ranked below the limit (priority %1, %2; limit %3)")
            .arg(d.priority)
            .arg(ordinal(d.rank))
            .arg(d.limit);
    case Verdict::Matched:
    case Verdict::Rejected: break;
    }
    QString text = QStringLiteral("matched: qualifies in every dimension");
    if (const DimensionCheck *check = d.decidingCheck()) {
        const bool excluded = check->outcome == DimensionCheck::Outcome::Excluded;
        text = QStringLiteral("not delivered: %1 %2 is %3 %4")
                   .arg(dimensionName(check->dimension), shownRequestValue(*check),
                        excluded ? QStringLiteral("in") : QStringLiteral("not in"), decidingRules(*check));
    }
    if (const auto found = hint(d))
        text += QStringLiteral(" — ") + found->text;
    return text;
}

QString DecisionWording::code(const Decision &decision)
{
    if (decision.verdict == Decision::Verdict::Rejected) {
        if (const DimensionCheck *check = decision.decidingCheck())
            return outcomeName(check->outcome);
    }
    return verdictName(decision.verdict);
}

} // namespace adserve
