#include "CampaignJson.h"
#include "JsonValues.h"

#include <QJsonArray>

#include <algorithm>
#include <climits>

namespace adserve::CampaignJson {

namespace {

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

// Reads an optional string field into `target`; a non-string is an error naming the field.
void readString(const QJsonObject &json, const char *key, const QString &path, QString &target,
                QList<FieldError> &errors)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined())
        return;
    if (!value.isString()) {
        errors.append({path + QLatin1String(key), QStringLiteral("must be a string")});
        return;
    }
    target = JsonValues::string(value);
}

// "2026-12-24T09:00:00Z" or with an offset; null or absent: no bound. A time without a zone
// is refused rather than read in the server's zone.
void readInstant(const QJsonObject &json, const char *key, QDateTime &target, QList<FieldError> &errors)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined())
        return;
    if (value.isNull()) {
        target = QDateTime();
        return;
    }
    const std::optional<QDateTime> time = value.isString() ? instantFromIso(value.toString()) : std::nullopt;
    if (!time) {
        errors.append({QLatin1String(key),
                       QStringLiteral("must be an ISO 8601 time with a zone, e.g. 2026-12-24T09:00:00Z, or null")});
        return;
    }
    target = *time;
}

QJsonValue dayPartingJson(const std::optional<DayParting> &parting)
{
    if (!parting)
        return QJsonValue::Null;
    const QString text = weekHoursText(parting->hours);
    return QJsonObject{{QStringLiteral("timeZone"), QString::fromUtf8(parting->timeZone)},
                       {QStringLiteral("hours"), QJsonArray::fromStringList(text.split(QLatin1Char(' ')))},
                       {QStringLiteral("summary"), describeWeekHours(parting->hours)}};
}

// {"timeZone": "Europe/Berlin", "hours": ["<24 digits, Monday>", … 7 days]} or null.
void readDayParting(const QJsonObject &json, std::optional<DayParting> &target, QList<FieldError> &errors)
{
    const QJsonValue value = json.value(QLatin1String("dayParting"));
    if (value.isUndefined())
        return;
    if (value.isNull()) {
        target.reset();
        return;
    }
    if (!value.isObject()) {
        errors.append({QStringLiteral("dayParting"), QStringLiteral("must be an object with timeZone and hours, or null")});
        return;
    }
    const QJsonObject object = value.toObject();
    DayParting parting;
    const QJsonValue zone = object.value(QLatin1String("timeZone"));
    if (zone.isString() && !zone.toString().trimmed().isEmpty())
        parting.timeZone = zone.toString().trimmed().toUtf8();
    else if (!zone.isUndefined() && !zone.isNull())
        errors.append({QStringLiteral("dayParting.timeZone"), QStringLiteral("must be an IANA time zone id")});
    const QJsonValue hours = object.value(QLatin1String("hours"));
    QString text;
    bool daysOk = hours.isArray() && hours.toArray().size() == 7;
    for (const QJsonValue &day : hours.toArray()) {
        daysOk = daysOk && day.isString() && day.toString().trimmed().size() == 24;
        text += day.toString() + QLatin1Char(' ');
    }
    const auto week = daysOk ? weekHoursFromText(text) : std::nullopt;
    if (!week) {
        errors.append({QStringLiteral("dayParting.hours"),
                       QStringLiteral("must be 7 strings (Monday first) of 24 digits, 1 for an hour served")});
        return;
    }
    parting.hours = *week;
    target = parting;
}

QString prefixed(const QString &path) { return path.isEmpty() ? QString() : path + QLatin1Char('.'); }

} // namespace

QJsonObject toJson(const TargetRule &rule)
{
    return {{QStringLiteral("id"), rule.id},
            {QStringLiteral("code"), rule.code},
            {QStringLiteral("campaignId"), rule.campaignId},
            {QStringLiteral("dimension"), dimensionName(rule.dimension)},
            {QStringLiteral("ruleType"), ruleTypeName(rule.type)},
            {QStringLiteral("values"), QJsonArray::fromStringList(rule.values)},
            {QStringLiteral("createdAt"), timeOrNull(rule.createdAt)},
            {QStringLiteral("updatedAt"), timeOrNull(rule.updatedAt)}};
}

QJsonObject toJson(const Campaign &c)
{
    return {{QStringLiteral("id"), c.id},
            {QStringLiteral("code"), c.code},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("image"), c.image},
            {QStringLiteral("cta"), c.cta},
            {QStringLiteral("status"), c.status},
            {QStringLiteral("createdAt"), timeOrNull(c.createdAt)},
            {QStringLiteral("updatedAt"), timeOrNull(c.updatedAt)},
            {QStringLiteral("deleted"), c.deleted},
            {QStringLiteral("deletedAt"), timeOrNull(c.deletedAt)},
            {QStringLiteral("priority"), c.priority},
            {QStringLiteral("flightStart"), timeOrNull(c.serving.flightStart)},
            {QStringLiteral("flightEnd"), timeOrNull(c.serving.flightEnd)},
            {QStringLiteral("dayParting"), dayPartingJson(c.serving.dayParting)}};
}

QJsonObject toJson(const CampaignWithRules &campaign)
{
    QJsonObject json = toJson(campaign.campaign);
    QJsonArray rules;
    for (const TargetRule &rule : campaign.rules)
        rules.append(toJson(rule));
    json.insert(QStringLiteral("rules"), rules);
    return json;
}

std::optional<TargetRule> ruleFromJson(const QJsonValue &value, const QString &path, QList<FieldError> &errors)
{
    const qsizetype before = errors.size();
    if (!value.isObject()) {
        errors.append({path, QStringLiteral("must be an object")});
        return std::nullopt;
    }
    const QJsonObject json = value.toObject();
    const QString p = prefixed(path);
    TargetRule rule;
    if (json.contains(QLatin1String("id"))) {
        if (const auto id = JsonValues::nonNegativeInteger(json.value(QLatin1String("id"))))
            rule.id = *id;
        else
            errors.append({p + QStringLiteral("id"), QStringLiteral("must be a non-negative whole number")});
    }
    readString(json, "code", p, rule.code, errors);

    QString dimension;
    readString(json, "dimension", p, dimension, errors);
    if (const auto d = dimensionFromName(dimension))
        rule.dimension = *d;
    else
        errors.append({p + QStringLiteral("dimension"), QStringLiteral("must be one of country, os, app")});

    QString type;
    readString(json, "ruleType", p, type, errors);
    if (type.isEmpty())
        readString(json, "rule_type", p, type, errors);
    if (const auto t = ruleTypeFromName(type))
        rule.type = *t;
    else
        errors.append({p + QStringLiteral("ruleType"), QStringLiteral("must be INCLUDE or EXCLUDE")});

    const QJsonValue values = json.value(QLatin1String("values"));
    if (!values.isArray()) {
        errors.append({p + QStringLiteral("values"), QStringLiteral("must be an array of strings")});
    } else {
        for (const QJsonValue &v : values.toArray()) {
            if (!v.isString()) {
                errors.append({p + QStringLiteral("values"), QStringLiteral("must be an array of strings")});
                break;
            }
            rule.values.append(JsonValues::string(v));
        }
    }
    if (errors.size() != before)
        return std::nullopt;
    return rule;
}

std::optional<CampaignWithRules> fromJson(const QJsonObject &json, const CampaignWithRules &base,
                                          QList<FieldError> &errors)
{
    const qsizetype before = errors.size();
    CampaignWithRules result = base;
    Campaign &c = result.campaign;
    readString(json, "code", {}, c.code, errors);
    readString(json, "name", {}, c.name, errors);
    readString(json, "image", {}, c.image, errors);
    readString(json, "cta", {}, c.cta, errors);
    readString(json, "status", {}, c.status, errors);
    c.status = c.status.trimmed().toUpper();
    if (json.contains(QLatin1String("priority"))) {
        const QJsonValue priority = json.value(QLatin1String("priority"));
        if (priority.isNull())
            c.priority = 0;
        else if (const auto n = JsonValues::integer(priority))
            c.priority = int(std::clamp<qint64>(*n, INT_MIN, INT_MAX)); // the validator says the range
        else
            errors.append({QStringLiteral("priority"), QStringLiteral("must be a whole number")});
    }
    readInstant(json, "flightStart", c.serving.flightStart, errors);
    readInstant(json, "flightEnd", c.serving.flightEnd, errors);
    readDayParting(json, c.serving.dayParting, errors);
    if (json.contains(QLatin1String("rules"))) {
        const QJsonValue rules = json.value(QLatin1String("rules"));
        if (!rules.isArray()) {
            errors.append({QStringLiteral("rules"), QStringLiteral("must be an array of rules")});
        } else {
            result.rules.clear();
            const QJsonArray array = rules.toArray();
            for (qsizetype i = 0; i < array.size(); ++i) {
                if (auto rule = ruleFromJson(array[i], QStringLiteral("rules[%1]").arg(i), errors))
                    result.rules.append(*rule);
            }
        }
    }
    if (errors.size() != before)
        return std::nullopt;
    return result;
}

} // namespace adserve::CampaignJson
