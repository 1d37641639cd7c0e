#include "CampaignValidator.h"

#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

namespace adserve {

namespace {

QString subField(const QString &prefix, const QString &name)
{
    return prefix.isEmpty() ? name : prefix + u'.' + name;
}

void checkText(QList<FieldError> &errors, const QString &field, const QString &text)
{
    const QString problem = CampaignValidator::textProblem(text);
    if (!problem.isEmpty())
        errors.append({field, problem});
}

} // namespace

QString CampaignValidator::textProblem(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == 0)
            return QStringLiteral("contains a NUL character");
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f))
            return QStringLiteral("contains the control character U+%1")
                .arg(QString::number(u, 16).toUpper().rightJustified(4, QLatin1Char('0')));
    }
    if (!text.isValidUtf16())
        return QStringLiteral("is not valid Unicode (a lone surrogate)");
    return {};
}

QList<FieldError> CampaignValidator::validate(const CampaignWithRules &campaign)
{
    QList<FieldError> errors = validateCampaign(campaign.campaign);
    if (campaign.rules.size() > kMaxRules)
        errors.append({QStringLiteral("rules"), QStringLiteral("at most %1 rules per campaign").arg(kMaxRules)});
    for (qsizetype i = 0; i < campaign.rules.size(); ++i)
        errors += validateRule(campaign.rules.at(i), QStringLiteral("rules[%1]").arg(i));
    return errors;
}

QList<FieldError> CampaignValidator::validateCampaign(const Campaign &c)
{
    static const QRegularExpression codePattern(QStringLiteral("^[A-Za-z0-9_.-]{1,%1}$").arg(kMaxCodeLength));
    QList<FieldError> errors;
    if (c.code.isEmpty())
        errors.append({QStringLiteral("code"), QStringLiteral("is required")});
    else if (!codePattern.match(c.code).hasMatch())
        errors.append({QStringLiteral("code"),
                       QStringLiteral("must be 1 to %1 letters, digits, '_', '.' or '-'").arg(kMaxCodeLength)});
    if (c.name.size() > kMaxNameLength)
        errors.append({QStringLiteral("name"), QStringLiteral("must be at most %1 characters").arg(kMaxNameLength)});
    checkText(errors, QStringLiteral("name"), c.name);
    checkText(errors, QStringLiteral("image"), c.image);
    checkText(errors, QStringLiteral("cta"), c.cta);
    const QUrl image(c.image, QUrl::StrictMode);
    const QString scheme = image.scheme().toLower();
    if (c.image.isEmpty())
        errors.append({QStringLiteral("image"), QStringLiteral("is required")});
    else if (!image.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
             || image.host().isEmpty())
        errors.append({QStringLiteral("image"), QStringLiteral("must be an http(s) URL")});
    if (c.cta.trimmed().isEmpty())
        errors.append({QStringLiteral("cta"), QStringLiteral("is required")});
    else if (c.cta.size() > kMaxCtaLength)
        errors.append({QStringLiteral("cta"), QStringLiteral("must be at most %1 characters").arg(kMaxCtaLength)});
    errors += validateStatus(c.status);
    errors += validateServing(c);
    return errors;
}

QList<FieldError> CampaignValidator::validateServing(const Campaign &c)
{
    QList<FieldError> errors;
    if (c.priority < -kMaxPriority || c.priority > kMaxPriority)
        errors.append({QStringLiteral("priority"),
                       QStringLiteral("must be a whole number from %1 to %2").arg(-kMaxPriority).arg(kMaxPriority)});
    const ServingTimes &s = c.serving;
    if (s.flightStart.isValid() && s.flightEnd.isValid() && s.flightEnd <= s.flightStart)
        errors.append({QStringLiteral("flightEnd"), QStringLiteral("must be after the flight's start")});
    if (s.dayParting) {
        if (!QTimeZone::isTimeZoneIdAvailable(s.dayParting->timeZone))
            errors.append({QStringLiteral("dayParting.timeZone"),
                           QStringLiteral("\"%1\" is not a known IANA time zone (e.g. Europe/Berlin, UTC)")
                               .arg(QString::fromUtf8(s.dayParting->timeZone))});
        if (s.dayParting->hours.none())
            errors.append({QStringLiteral("dayParting.hours"),
                           QStringLiteral("chooses no hour, so the campaign would never serve; "
                                          "choose hours, or remove day-parting to serve at any hour")});
    }
    return errors;
}

QList<FieldError> CampaignValidator::validateRule(const TargetRule &rule, const QString &field)
{
    QList<FieldError> errors;
    if (dimensionName(rule.dimension).isEmpty())
        errors.append({subField(field, QStringLiteral("dimension")), QStringLiteral("must be one of country, os, app")});
    if (rule.type != RuleType::Include && rule.type != RuleType::Exclude)
        errors.append({subField(field, QStringLiteral("ruleType")), QStringLiteral("must be INCLUDE or EXCLUDE")});
    const QString valuesField = subField(field, QStringLiteral("values"));
    if (rule.values.isEmpty())
        errors.append({valuesField, QStringLiteral("needs at least one value")});
    if (rule.values.size() > kMaxValuesPerRule)
        errors.append({valuesField, QStringLiteral("at most %1 values per rule").arg(kMaxValuesPerRule)});
    for (qsizetype i = 0; i < rule.values.size(); ++i) {
        const QString value = rule.values.at(i).trimmed();
        if (value.isEmpty())
            errors.append({valuesField, QStringLiteral("value %1 is empty").arg(i + 1)});
        else if (value.size() > kMaxValueLength)
            errors.append({valuesField,
                           QStringLiteral("value %1 is longer than %2 characters").arg(i + 1).arg(kMaxValueLength)});
        else if (const QString problem = textProblem(value); !problem.isEmpty())
            errors.append({valuesField, QStringLiteral("value %1 %2").arg(i + 1).arg(problem)});
    }
    return errors;
}

QList<FieldError> CampaignValidator::validateStatus(const QString &status)
{
    if (status == kStatusActive || status == kStatusInactive)
        return {};
    return {{QStringLiteral("status"), QStringLiteral("must be ACTIVE or INACTIVE")}};
}

} // namespace adserve

