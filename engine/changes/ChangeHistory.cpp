#include "ChangeHistory.h"

#include "store/SqlDialect.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

namespace adserve {

namespace {

const QStringList kShownFields{QStringLiteral("code"),       QStringLiteral("name"),       QStringLiteral("image"),
                               QStringLiteral("cta"),        QStringLiteral("status"),     QStringLiteral("deleted"),
                               QStringLiteral("priority"),   QStringLiteral("flightStart"), QStringLiteral("flightEnd"),
                               QStringLiteral("dayParting")};

QJsonValue timeOrNone(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonValue fieldOf(const Campaign &c, const QString &field)
{
    if (field == QLatin1String("priority"))
        return c.priority;
    if (field == QLatin1String("flightStart"))
        return timeOrNone(c.serving.flightStart);
    if (field == QLatin1String("flightEnd"))
        return timeOrNone(c.serving.flightEnd);
    if (field == QLatin1String("dayParting"))
        return c.serving.dayParting ? QJsonValue(c.serving.dayParting->describe()) : QJsonValue();
    if (field == QLatin1String("code"))
        return c.code;
    if (field == QLatin1String("name"))
        return c.name;
    if (field == QLatin1String("image"))
        return c.image;
    if (field == QLatin1String("cta"))
        return c.cta;
    if (field == QLatin1String("status"))
        return c.status;
    return c.deleted;
}

bool isLive(const std::optional<TargetRule> &rule)
{
    return rule && !rule->deleted;
}

RuleTargeting targetingOf(const TargetRule &rule)
{
    return {rule.dimension, rule.type, rule.values};
}

// The rule's change from `before` to `after` (either may be absent or deleted), if it is one.
std::optional<RuleChange> ruleChange(qint64 ruleId, const std::optional<TargetRule> &before,
                                     const std::optional<TargetRule> &after)
{
    const bool wasLive = isLive(before), isLiveNow = isLive(after);
    if (!wasLive && !isLiveNow)
        return std::nullopt;
    if (!wasLive)
        return RuleChange{RuleChange::Kind::Added, ruleId, std::nullopt, targetingOf(*after)};
    if (!isLiveNow)
        return RuleChange{RuleChange::Kind::Removed, ruleId, targetingOf(*before), std::nullopt};
    if (targetingOf(*before) == targetingOf(*after))
        return std::nullopt;
    return RuleChange{RuleChange::Kind::Changed, ruleId, targetingOf(*before), targetingOf(*after)};
}

QList<FieldChange> fieldChanges(const std::optional<Campaign> &before, const Campaign &after)
{
    QList<FieldChange> fields;
    for (const QString &field : kShownFields) {
        const QJsonValue old = before ? fieldOf(*before, field) : QJsonValue();
        const QJsonValue now = fieldOf(after, field);
        if (old != now && !(field == QLatin1String("deleted") && !before && !after.deleted))
            fields.append({field, old, now});
    }
    return fields;
}

QString kindOf(const std::optional<Campaign> &before, const std::optional<Campaign> &after,
               const QList<FieldChange> &fields)
{
    if (!before && after)
        return QStringLiteral("created");
    if (before && after && before->deleted != after->deleted)
        return after->deleted ? QStringLiteral("deleted") : QStringLiteral("undeleted");
    if (fields.size() == 1 && fields.first().field == QLatin1String("status"))
        return after->status == kStatusActive ? QStringLiteral("activated") : QStringLiteral("deactivated");
    return QStringLiteral("edited");
}

QString shown(const QJsonValue &value)
{
    if (value.isString())
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    if (value.isBool())
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (value.isDouble())
        return QString::number(value.toInteger());
    return QStringLiteral("(none)");
}

} // namespace

QString RuleTargeting::describe() const
{
    return describeRule(type, dimension, values);
}

QString RuleChange::describe() const
{
    switch (kind) {
    case Kind::Added: return QStringLiteral("added %1").arg(after->describe());
    case Kind::Removed: return QStringLiteral("removed %1").arg(before->describe());
    case Kind::Changed: return QStringLiteral("changed %1 → %2").arg(before->describe(), after->describe());
    }
    return {};
}

QString CampaignChange::summary() const
{
    QStringList parts;
    for (const FieldChange &f : fields) {
        if (kind != QLatin1String("created"))
            parts.append(QStringLiteral("%1 %2 → %3").arg(f.field, shown(f.before), shown(f.after)));
        else if (f.field == QLatin1String("code")) // a new campaign: what it is called, not "(none) →"
            parts.append(shown(f.after));
    }
    for (const RuleChange &r : rules)
        parts.append(r.describe());
    if (parts.isEmpty())
        parts.append(QStringLiteral("no visible change"));
    return parts.join(QLatin1String("; "));
}

namespace ChangeHistory {

Campaign campaignFromRow(const QJsonObject &row)
{
    Campaign c;
    c.id = row.value(QLatin1String("id")).toVariant().toLongLong();
    c.code = row.value(QLatin1String("code")).toString();
    c.name = row.value(QLatin1String("name")).toString();
    c.image = row.value(QLatin1String("image")).toString();
    c.cta = row.value(QLatin1String("cta")).toString();
    c.status = row.value(QLatin1String("status")).toString();
    c.createdAt = SqlDialect::decodeTimestamp(row.value(QLatin1String("created_at")).toVariant());
    c.updatedAt = SqlDialect::decodeTimestamp(row.value(QLatin1String("updated_at")).toVariant());
    c.deleted = row.value(QLatin1String("deleted")).toVariant().toBool();
    c.deletedAt = SqlDialect::decodeTimestamp(row.value(QLatin1String("deleted_at")).toVariant());
    c.priority = row.value(QLatin1String("priority")).toInt();
    c.serving.flightStart = SqlDialect::decodeTimestamp(row.value(QLatin1String("flight_start")).toVariant());
    c.serving.flightEnd = SqlDialect::decodeTimestamp(row.value(QLatin1String("flight_end")).toVariant());
    c.serving.dayParting = dayPartingFromText(row.value(QLatin1String("serving_hours")).toString(),
                                              row.value(QLatin1String("time_zone")).toString());
    return c;
}

std::optional<TargetRule> ruleFromRow(const QJsonObject &row)
{
    const auto dimension = dimensionFromName(row.value(QLatin1String("dimension")).toString());
    const auto type = ruleTypeFromName(row.value(QLatin1String("rule_type")).toString());
    if (!dimension || !type)
        return std::nullopt;
    TargetRule r;
    r.id = row.value(QLatin1String("id")).toVariant().toLongLong();
    r.code = row.value(QLatin1String("code")).toString();
    r.campaignId = row.value(QLatin1String("campaign_id")).toVariant().toLongLong();
    r.dimension = *dimension;
    r.type = *type;
    const QJsonValue values = row.value(QLatin1String("values"));
    if (values.isArray()) {
        for (const QJsonValue &v : values.toArray())
            r.values.append(v.toString());
    } else {
        r.values = SqlDialect::decodeValues(values.toString());
    }
    r.createdAt = SqlDialect::decodeTimestamp(row.value(QLatin1String("created_at")).toVariant());
    r.updatedAt = SqlDialect::decodeTimestamp(row.value(QLatin1String("updated_at")).toVariant());
    r.deleted = row.value(QLatin1String("deleted")).toVariant().toBool();
    r.deletedAt = SqlDialect::decodeTimestamp(row.value(QLatin1String("deleted_at")).toVariant());
    return r;
}

QList<CampaignChange> changes(const QList<ChangeEntry> &entries)
{
    // Group by transaction, keeping the newest-first order of the groups.
    QList<qint64> order;
    QHash<qint64, QList<ChangeEntry>> groups;
    for (const ChangeEntry &e : entries) {
        if (!groups.contains(e.groupKey()))
            order.append(e.groupKey());
        groups[e.groupKey()].append(e);
    }
    QList<CampaignChange> result;
    for (qint64 key : order) {
        QList<ChangeEntry> group = groups.value(key);
        std::sort(group.begin(), group.end(), [](const ChangeEntry &a, const ChangeEntry &b) { return a.id < b.id; });
        CampaignChange change;
        change.changeId = group.last().id;
        change.at = group.last().at;
        change.actor = group.last().actor;
        change.note = group.last().note;
        // Each row's first state before the change and last state after it.
        std::optional<Campaign> campaignBefore, campaignAfter;
        bool campaignTouched = false;
        QMap<qint64, std::pair<std::optional<TargetRule>, std::optional<TargetRule>>> rules;
        for (const ChangeEntry &e : std::as_const(group)) {
            if (e.entity == QLatin1String("campaign")) {
                if (!campaignTouched && !e.before.isEmpty())
                    campaignBefore = campaignFromRow(e.before);
                campaignTouched = true;
                campaignAfter = e.after.isEmpty() ? std::nullopt : std::optional<Campaign>(campaignFromRow(e.after));
            } else if (e.entity == QLatin1String("rule")) {
                auto it = rules.find(e.rowId);
                if (it == rules.end())
                    it = rules.insert(e.rowId, {e.before.isEmpty() ? std::nullopt : ruleFromRow(e.before), {}});
                it->second = e.after.isEmpty() ? std::nullopt : ruleFromRow(e.after);
            }
        }
        if (campaignTouched && campaignAfter)
            change.fields = fieldChanges(campaignBefore, *campaignAfter);
        for (auto it = rules.cbegin(); it != rules.cend(); ++it) {
            if (auto rc = ruleChange(it.key(), it->first, it->second))
                change.rules.append(*rc);
        }
        change.kind = campaignTouched ? kindOf(campaignBefore, campaignAfter, change.fields) : QStringLiteral("edited");
        result.append(std::move(change));
    }
    return result;
}

std::optional<CampaignWithRules> stateAfter(const Campaign &campaign, const QList<TargetRule> &rules,
                                            const QList<ChangeEntry> &later, qint64 changeId, QString *why)
{
    std::optional<Campaign> state = campaign;
    QMap<qint64, std::optional<TargetRule>> ruleRows;
    for (const TargetRule &r : rules)
        ruleRows.insert(r.id, r);
    QList<ChangeEntry> undo = later;
    std::sort(undo.begin(), undo.end(), [](const ChangeEntry &a, const ChangeEntry &b) { return a.id > b.id; });
    for (const ChangeEntry &e : std::as_const(undo)) {
        if (e.id <= changeId)
            continue;
        if (e.op == QLatin1String("truncate")) {
            *why = QStringLiteral("the %1 table was emptied (TRUNCATE) after change %2: its rows before then are not in the log")
                       .arg(e.entity == QLatin1String("rule") ? QStringLiteral("target_rules") : QStringLiteral("campaigns"))
                       .arg(changeId);
            return std::nullopt;
        }
        if (e.entity == QLatin1String("campaign") && e.rowId == campaign.id)
            state = e.before.isEmpty() ? std::nullopt : std::optional<Campaign>(campaignFromRow(e.before));
        else if (e.entity == QLatin1String("rule"))
            ruleRows.insert(e.rowId, e.before.isEmpty() ? std::nullopt : ruleFromRow(e.before));
    }
    if (!state) {
        *why = QStringLiteral("campaign %1 did not exist right after change %2").arg(campaign.id).arg(changeId);
        return std::nullopt;
    }
    CampaignWithRules result{*state, {}};
    for (auto it = ruleRows.cbegin(); it != ruleRows.cend(); ++it) {
        if (isLive(*it) && (*it)->campaignId == campaign.id)
            result.rules.append(**it);
    }
    return result;
}

CampaignChange difference(const CampaignWithRules &from, const CampaignWithRules &to)
{
    CampaignChange change;
    change.fields = fieldChanges(from.campaign, to.campaign);
    change.kind = kindOf(from.campaign, to.campaign, change.fields);
    QMap<qint64, std::pair<std::optional<TargetRule>, std::optional<TargetRule>>> rules;
    for (const TargetRule &r : from.rules)
        rules[r.id].first = r;
    for (const TargetRule &r : to.rules)
        rules[r.id].second = r;
    for (auto it = rules.cbegin(); it != rules.cend(); ++it) {
        if (auto rc = ruleChange(it.key(), it->first, it->second))
            change.rules.append(*rc);
    }
    return change;
}

} // namespace ChangeHistory

} // namespace adserve
