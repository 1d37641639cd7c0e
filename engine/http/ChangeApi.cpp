#include "ChangeApi.h"

#include "Engine.h"
#include "HttpReplies.h"
#include "changes/CampaignRestore.h"
#include "changes/ChangeHistory.h"
#include "model/CampaignJson.h"

#include <QJsonArray>

namespace adserve {

namespace {

using HttpReplies::error;
using HttpReplies::json;
using HttpReplies::methodNotAllowed;
using HttpReplies::storeFailure;

constexpr qint64 kDefaultPage = 100;
constexpr qint64 kLongestPage = 1000;

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

QJsonValue objectOrNull(const QJsonObject &object)
{
    return object.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(object);
}

QString stateOf(const InstanceRecord &instance)
{
    if (instance.gone)
        return QStringLiteral("gone");
    if (!instance.appliedChangeId)
        return QStringLiteral("starting");
    if (instance.behindChanges > 0 || !instance.problem.isEmpty())
        return QStringLiteral("stale");
    return QStringLiteral("live");
}

QJsonObject toJson(const InstanceRecord &r, const QString &self)
{
    QJsonObject json{{QStringLiteral("id"), r.id},
                     {QStringLiteral("self"), r.id == self},
                     {QStringLiteral("kind"), r.kind},
                     {QStringLiteral("host"), r.host},
                     {QStringLiteral("pid"), r.pid},
                     {QStringLiteral("address"), r.address.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.address)},
                     {QStringLiteral("version"), r.version},
                     {QStringLiteral("startedAt"), timeOrNull(r.startedAt)},
                     {QStringLiteral("heartbeatAt"), timeOrNull(r.heartbeatAt)},
                     {QStringLiteral("state"), stateOf(r)},
                     {QStringLiteral("appliedChangeId"),
                      r.appliedChangeId ? QJsonValue(*r.appliedChangeId) : QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("appliedAt"), timeOrNull(r.appliedAt)},
                     {QStringLiteral("behindChanges"), r.behindChanges},
                     {QStringLiteral("behindSince"), timeOrNull(r.behindSince)}};
    if (!r.problem.isEmpty())
        json.insert(QStringLiteral("problem"), r.problem);
    return json;
}

QJsonObject toJson(const ChangeEntry &e)
{
    QJsonObject json{{QStringLiteral("id"), e.id},
                     {QStringLiteral("at"), timeOrNull(e.at)},
                     {QStringLiteral("actor"), e.actor},
                     {QStringLiteral("campaignId"), e.campaignId ? QJsonValue(e.campaignId) : QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("entity"), e.entity},
                     {QStringLiteral("op"), e.op},
                     {QStringLiteral("rowId"), e.rowId ? QJsonValue(e.rowId) : QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("before"), objectOrNull(e.before)},
                     {QStringLiteral("after"), objectOrNull(e.after)}};
    if (!e.note.isEmpty())
        json.insert(QStringLiteral("note"), e.note);
    return json;
}

QJsonValue toJson(const std::optional<RuleTargeting> &rule)
{
    if (!rule)
        return QJsonValue(QJsonValue::Null);
    return QJsonObject{{QStringLiteral("dimension"), dimensionName(rule->dimension)},
                       {QStringLiteral("ruleType"), ruleTypeName(rule->type)},
                       {QStringLiteral("values"), QJsonArray::fromStringList(rule->values)}};
}

QJsonObject toJson(const CampaignChange &c)
{
    QJsonArray fields;
    for (const FieldChange &f : c.fields)
        fields.append(QJsonObject{{QStringLiteral("field"), f.field},
                                  {QStringLiteral("before"), f.before.isUndefined() ? QJsonValue(QJsonValue::Null) : f.before},
                                  {QStringLiteral("after"), f.after}});
    QJsonArray rules;
    for (const RuleChange &r : c.rules) {
        const char *kind = r.kind == RuleChange::Kind::Added ? "added" : r.kind == RuleChange::Kind::Removed ? "removed" : "changed";
        rules.append(QJsonObject{{QStringLiteral("change"), QLatin1String(kind)},
                                 {QStringLiteral("ruleId"), r.ruleId},
                                 {QStringLiteral("before"), toJson(r.before)},
                                 {QStringLiteral("after"), toJson(r.after)},
                                 {QStringLiteral("text"), r.describe()}});
    }
    QJsonObject json{{QStringLiteral("changeId"), c.changeId},
                     {QStringLiteral("at"), timeOrNull(c.at)},
                     {QStringLiteral("actor"), c.actor},
                     {QStringLiteral("kind"), c.kind},
                     {QStringLiteral("summary"), c.summary()},
                     {QStringLiteral("fields"), fields},
                     {QStringLiteral("rules"), rules}};
    if (!c.note.isEmpty())
        json.insert(QStringLiteral("note"), c.note);
    return json;
}

} // namespace

ChangeApi::ChangeApi(Engine &engine, WriteContext writer)
    : engine_(engine)
    , writer_(std::move(writer))
{
}

HttpReply ChangeApi::instances(const HttpRequest &request)
{
    if (request.method != "GET")
        return methodNotAllowed("GET");
    InstanceRegistry &registry = engine_.changes().registry();
    const auto all = registry.list();
    if (!all.ok())
        return storeFailure(all);
    const auto newest = engine_.changes().log().newestId();
    if (!newest.ok())
        return storeFailure(newest);
    QJsonArray list;
    for (const InstanceRecord &r : all.value)
        list.append(toJson(r, registry.id()));
    return json(200, {{QStringLiteral("newestChangeId"), newest.value}, {QStringLiteral("instances"), list}});
}

HttpReply ChangeApi::changes(const HttpRequest &request, const QStringList &segments)
{
    if (request.method != "GET")
        return methodNotAllowed("GET");
    if (segments.size() == 2 && segments[1] == QLatin1String("live")) {
        const auto id = HttpReplies::parseId(segments[0]);
        if (!id)
            return error(400, QStringLiteral("\"%1\" is not a change id").arg(segments[0]));
        return live(*id);
    }
    if (!segments.isEmpty())
        return HttpReplies::notFound(request.path);
    const QHash<QString, QString> params = HttpReplies::queryParams(request.query);
    HttpReply problem;
    const auto after = HttpReplies::boundedParam(params, QStringLiteral("after"), 0, 0, std::numeric_limits<qint64>::max(), &problem);
    const auto limit = after ? HttpReplies::boundedParam(params, QStringLiteral("limit"), kDefaultPage, 1, kLongestPage, &problem)
                             : std::nullopt;
    const auto campaign = limit ? HttpReplies::boundedParam(params, QStringLiteral("campaign"), 0, 0,
                                                            std::numeric_limits<qint64>::max(), &problem)
                                : std::nullopt;
    if (!campaign)
        return problem;
    // Only up to where this instance knows that no lower id can still commit: a client that
    // goes on from the last id it got never skips one.
    const qint64 safeThrough = engine_.changes().status().appliedThrough;
    const auto entries = engine_.changes().log().entries(*after, int(*limit), *campaign, safeThrough);
    if (!entries.ok())
        return storeFailure(entries);
    QJsonArray list;
    for (const ChangeEntry &e : entries.value)
        list.append(toJson(e));
    const bool more = entries.value.size() == *limit;
    return json(200, {{QStringLiteral("changes"), list},
                      {QStringLiteral("safeThrough"), safeThrough},
                      {QStringLiteral("next"), more ? QJsonValue(entries.value.last().id) : QJsonValue(QJsonValue::Null)}});
}

HttpReply ChangeApi::live(qint64 changeId)
{
    const auto live = engine_.changes().registry().liveness(changeId);
    if (!live.ok())
        return storeFailure(live);
    QJsonArray waiting;
    for (const InstanceRecord &r : live.value.waiting)
        waiting.append(toJson(r, engine_.changes().registry().id()));
    return json(200, {{QStringLiteral("changeId"), changeId},
                      {QStringLiteral("at"), timeOrNull(live.value.at)},
                      {QStringLiteral("liveOn"), live.value.liveOn},
                      {QStringLiteral("instances"), live.value.instances},
                      {QStringLiteral("everywhere"), live.value.everywhere()},
                      {QStringLiteral("slowestMs"), live.value.slowestMs},
                      {QStringLiteral("waiting"), waiting}});
}

HttpReply ChangeApi::history(const HttpRequest &request, qint64 campaignId, const QStringList &segments)
{
    if (segments.size() == 2 && segments[1] == QLatin1String("restore")) {
        const auto changeId = HttpReplies::parseId(segments[0]);
        if (!changeId)
            return error(400, QStringLiteral("\"%1\" is not a change id").arg(segments[0]));
        if (request.method != "POST")
            return methodNotAllowed("POST");
        return restore(request, campaignId, *changeId);
    }
    if (!segments.isEmpty())
        return HttpReplies::notFound(request.path);
    if (request.method != "GET")
        return methodNotAllowed("GET");
    const QHash<QString, QString> params = HttpReplies::queryParams(request.query);
    HttpReply problem;
    const auto before = HttpReplies::boundedParam(params, QStringLiteral("before"), 0, 0, std::numeric_limits<qint64>::max(), &problem);
    const auto limit = before ? HttpReplies::boundedParam(params, QStringLiteral("limit"), 20, 1, kLongestPage, &problem)
                              : std::nullopt;
    if (!limit)
        return problem;
    const auto entries = engine_.changes().log().campaignChanges(campaignId, *before, int(*limit));
    if (!entries.ok())
        return storeFailure(entries);
    if (entries.value.isEmpty() && *before == 0)
        return error(404, QStringLiteral("campaign %1 has no changes in the log").arg(campaignId));
    const QList<CampaignChange> changes = ChangeHistory::changes(entries.value);
    QJsonArray list;
    for (const CampaignChange &c : changes)
        list.append(toJson(c));
    const bool more = changes.size() == *limit;
    return json(200, {{QStringLiteral("campaignId"), campaignId},
                      {QStringLiteral("changes"), list},
                      {QStringLiteral("next"), more ? QJsonValue(changes.last().changeId) : QJsonValue(QJsonValue::Null)}});
}

HttpReply ChangeApi::restore(const HttpRequest &request, qint64 campaignId, qint64 changeId)
{
    CampaignRestore restorer(engine_.store());
    const QString dryRun = HttpReplies::queryParams(request.query).value(QStringLiteral("dryRun")).trimmed().toLower();
    if (dryRun == QLatin1String("true") || dryRun == QLatin1String("1")) {
        const auto plan = restorer.preview(campaignId, changeId);
        if (!plan.ok())
            return storeFailure(plan);
        return json(200, {{QStringLiteral("current"), CampaignJson::toJson(plan.value.current)},
                          {QStringLiteral("restored"), CampaignJson::toJson(plan.value.target)},
                          {QStringLiteral("effect"), toJson(plan.value.effect)}});
    }
    const auto restored = restorer.restore(campaignId, changeId, writer_);
    if (!restored.ok())
        return storeFailure(restored);
    return HttpReplies::written(200, CampaignJson::toJson(restored.value), restored.changeId);
}

} // namespace adserve
