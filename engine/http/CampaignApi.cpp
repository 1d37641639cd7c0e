#include "CampaignApi.h"

#include "Engine.h"
#include "HttpReplies.h"
#include "model/CampaignJson.h"

#include <QJsonArray>

namespace adserve {

namespace {

using HttpReplies::error;
using HttpReplies::fieldErrors;
using HttpReplies::json;
using HttpReplies::methodNotAllowed;
using HttpReplies::notFound;
using HttpReplies::parseId;
using HttpReplies::storeFailure;
using HttpReplies::withJsonBody;
using HttpReplies::written;

QJsonObject rulesJson(const QList<TargetRule> &rules)
{
    QJsonArray list;
    for (const TargetRule &r : rules)
        list.append(CampaignJson::toJson(r));
    return {{QStringLiteral("rules"), list}};
}

} // namespace

CampaignApi::CampaignApi(Engine &engine, WriteContext writer)
    : engine_(engine)
    , writer_(std::move(writer))
{
}

HttpReply CampaignApi::handle(const HttpRequest &request, const QStringList &segments)
{
    CampaignStore &store = engine_.store();
    if (segments.isEmpty()) {
        if (request.method == "GET") {
            const auto all = store.targeting();
            if (!all.ok())
                return storeFailure(all);
            QJsonArray list;
            for (const CampaignWithRules &c : all.value)
                list.append(CampaignJson::toJson(c));
            return json(200, {{QStringLiteral("campaigns"), list}});
        }
        if (request.method == "POST") {
            return withJsonBody(request, [&](const QJsonObject &body) {
                QList<FieldError> errors;
                const auto parsed = CampaignJson::fromJson(body, {}, errors);
                if (!parsed)
                    return fieldErrors(400, QStringLiteral("invalid campaign"), errors);
                const auto created = store.create(*parsed, writer_);
                return created.ok() ? written(201, CampaignJson::toJson(created.value), created.changeId)
                                    : storeFailure(created);
            });
        }
        return methodNotAllowed("GET, POST");
    }

    const auto id = parseId(segments[0]);
    if (!id)
        return error(400, QStringLiteral("\"%1\" is not a campaign id").arg(segments[0]));
    if (segments.size() > 1) {
        if (segments[1] != QLatin1String("rules") || segments.size() > 3)
            return notFound(request.path);
        return rules(request, *id, segments.mid(2));
    }
    if (request.method == "GET") {
        const auto found = store.campaign(*id);
        return found.ok() ? json(200, CampaignJson::toJson(found.value)) : storeFailure(found);
    }
    if (request.method == "PUT" || request.method == "PATCH")
        return withJsonBody(request, [&](const QJsonObject &object) { return updateCampaign(*id, object); });
    if (request.method == "DELETE") {
        const auto removed = store.remove(*id, writer_);
        return removed.ok() ? HttpReplies::noContentWritten(removed.changeId) : storeFailure(removed);
    }
    return methodNotAllowed("GET, PUT, PATCH, DELETE");
}

HttpReply CampaignApi::updateCampaign(qint64 id, const QJsonObject &object)
{
    CampaignStore &store = engine_.store();
    const auto current = store.campaign(id);
    if (!current.ok())
        return storeFailure(current);
    QList<FieldError> errors;
    const auto parsed = CampaignJson::fromJson(object, current.value, errors);
    if (!parsed)
        return fieldErrors(400, QStringLiteral("invalid campaign"), errors);
    QDateTime expected;
    if (object.contains(QLatin1String("updatedAt"))) {
        expected = QDateTime::fromString(object.value(QLatin1String("updatedAt")).toString(), Qt::ISODateWithMs);
        if (!expected.isValid())
            return fieldErrors(400, QStringLiteral("invalid campaign"),
                               {{QStringLiteral("updatedAt"), QStringLiteral("must be an ISO 8601 time")}});
    }
    const auto updated = store.update(*parsed, expected, writer_);
    return updated.ok() ? written(200, CampaignJson::toJson(updated.value), updated.changeId) : storeFailure(updated);
}

HttpReply CampaignApi::rules(const HttpRequest &request, qint64 campaignId, const QStringList &segments)
{
    CampaignStore &store = engine_.store();
    if (segments.isEmpty()) {
        if (request.method == "GET") {
            const auto found = store.campaign(campaignId);
            return found.ok() ? json(200, rulesJson(found.value.rules)) : storeFailure(found);
        }
        if (request.method == "POST") {
            return withJsonBody(request, [&](const QJsonObject &body) {
                QList<FieldError> errors;
                const auto rule = CampaignJson::ruleFromJson(body, {}, errors);
                if (!rule)
                    return fieldErrors(400, QStringLiteral("invalid rule"), errors);
                const auto added = store.addRule(campaignId, *rule, writer_);
                return added.ok() ? written(201, CampaignJson::toJson(added.value), added.changeId) : storeFailure(added);
            });
        }
        if (request.method == "PUT") {
            return withJsonBody(request, [&](const QJsonObject &body) {
                const auto current = store.campaign(campaignId);
                if (!current.ok())
                    return storeFailure(current);
                QList<FieldError> errors;
                const QJsonObject onlyRules{{QStringLiteral("rules"), body.value(QLatin1String("rules"))}};
                const auto parsed = CampaignJson::fromJson(onlyRules, current.value, errors);
                if (!parsed)
                    return fieldErrors(400, QStringLiteral("invalid rules"), errors);
                const auto updated = store.update(*parsed, {}, writer_);
                return updated.ok() ? written(200, rulesJson(updated.value.rules), updated.changeId) : storeFailure(updated);
            });
        }
        return methodNotAllowed("GET, POST, PUT");
    }
    const auto ruleId = parseId(segments[0]);
    if (!ruleId)
        return error(400, QStringLiteral("\"%1\" is not a rule id").arg(segments[0]));
    if (request.method == "PUT") {
        return withJsonBody(request, [&](const QJsonObject &body) {
            QList<FieldError> errors;
            auto rule = CampaignJson::ruleFromJson(body, {}, errors);
            if (!rule)
                return fieldErrors(400, QStringLiteral("invalid rule"), errors);
            rule->id = *ruleId;
            const auto updated = store.updateRule(campaignId, *rule, writer_);
            return updated.ok() ? written(200, CampaignJson::toJson(updated.value), updated.changeId) : storeFailure(updated);
        });
    }
    if (request.method == "DELETE") {
        const auto removed = store.removeRule(campaignId, *ruleId, writer_);
        return removed.ok() ? HttpReplies::noContentWritten(removed.changeId) : storeFailure(removed);
    }
    return methodNotAllowed("PUT, DELETE");
}

} // namespace adserve
