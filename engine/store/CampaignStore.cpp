#include "CampaignStore.h"
#include "CampaignStorePrivate.h"

#include "ConnectionPool.h"
#include "Schema.h"
#include "SqlSession.h"
#include "model/CampaignJson.h"
#include "model/CampaignValidator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <limits>
#include <type_traits>

namespace adserve {

namespace {

const QString kSamplesResource = QStringLiteral(":/adserve/samples/campaigns.json");
const QString kSamplesSeededKey = QStringLiteral("samples_seeded");

QList<CampaignWithRules> loadSamples()
{
    QFile file(kSamplesResource);
    if (!file.open(QIODevice::ReadOnly))
        throw StoreFailure{StoreError::Unavailable, QStringLiteral("sample campaigns missing from the engine library")};
    QList<CampaignWithRules> samples;
    const QJsonArray list = QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("campaigns")).toArray();
    for (const QJsonValue &json : list) {
        QList<FieldError> errors;
        const std::optional<CampaignWithRules> sample = CampaignJson::fromJson(json.toObject(), {}, errors);
        if (!sample || !errors.isEmpty())
            throw StoreFailure{StoreError::Invalid, QStringLiteral("bad sample campaign in %1").arg(kSamplesResource),
                               errors};
        samples.append(*sample);
    }
    return samples;
}

} // namespace

bool CampaignStore::Private::seedSamplesIfNew(QString *error)
{
    const auto seeded = write({QStringLiteral("adserve"), QStringLiteral("sample campaigns")}, [](CampaignWrites &writes) {
        SqlSession &session = writes.rows().session();
        QSqlQuery marker = session.exec(QStringLiteral("SELECT value FROM adserve_meta WHERE key = ?"),
                                        {kSamplesSeededKey});
        if (session.next(marker))
            return false;
        const bool isNew = writes.rows().campaignCount() == 0;
        if (isNew) {
            for (const CampaignWithRules &sample : loadSamples())
                writes.insertNew(sample);
        }
        session.exec(QStringLiteral("INSERT INTO adserve_meta (key, value) VALUES (?, ?)"),
                     {kSamplesSeededKey, isNew ? QStringLiteral("1") : QStringLiteral("0")});
        return isNew;
    });
    if (!seeded.ok())
        *error = seeded.message;
    return seeded.ok();
}

CampaignStore::CampaignStore(const DatabaseTarget &target)
    : d(std::make_unique<Private>(target))
{
}

CampaignStore::~CampaignStore() = default;

std::unique_ptr<CampaignStore> CampaignStore::open(const DatabaseTarget &target, QString *error)
{
    std::unique_ptr<CampaignStore> store(new CampaignStore(target));
    QString why;
    const auto schema = store->d->sessions.run(Access::Housekeeping, [](SqlSession &session) {
        Schema::apply(session);
        return true;
    });
    if (!schema.ok())
        why = schema.message;
    else if (!target.isPostgres())
        store->d->seedSamplesIfNew(&why);
    if (!why.isEmpty()) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(target.describe(), why);
        return nullptr;
    }
    return store;
}

const DatabaseTarget &CampaignStore::target() const
{
    return d->sessions.target();
}

QString CampaignStore::describe() const
{
    return target().describe();
}

StoreSessions &CampaignStore::sessions()
{
    return d->sessions;
}

void CampaignStore::setDefaultActor(const QString &actor)
{
    d->sessions.setDefaultActor(actor);
}

StoreResult<bool> CampaignStore::ping() const
{
    return d->sessions.run(Access::Read, [](SqlSession &session) {
        session.exec(QStringLiteral("SELECT 1"));
        return true;
    });
}

StoreResult<QString> CampaignStore::serverVersion() const
{
    const bool postgres = target().isPostgres();
    return d->sessions.run(Access::Read, [postgres](SqlSession &session) {
        QSqlQuery query = session.exec(postgres ? QStringLiteral("SHOW server_version") : QStringLiteral("SELECT sqlite_version()"));
        return session.next(query) ? query.value(0).toString() : QString();
    });
}

StoreResult<QList<Campaign>> CampaignStore::campaigns(bool includeDeleted) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) { return w.rows().campaigns(includeDeleted); });
}

StoreResult<CampaignWithRules> CampaignStore::campaign(qint64 id) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) { return w.loadLive(id); });
}

StoreResult<QList<Campaign>> CampaignStore::campaignsByIds(const QList<qint64> &ids) const
{
    if (ids.isEmpty())
        return StoreResult<QList<Campaign>>::success({});
    return d->run(Access::Read, [&](CampaignWrites &w) { return w.rows().campaignsByIds(ids); });
}

StoreResult<QList<CampaignWithRules>> CampaignStore::targeting() const
{
    return d->run(Access::Snapshot, [](CampaignWrites &w) {
        QList<CampaignWithRules> all;
        all.reserve(w.rows().campaignCount(false));
        w.rows().forEachTargeting(
            [&](CampaignWithRules &&campaign) {
                all.append(std::move(campaign));
                return true;
            },
            true);
        return all;
    });
}

StoreResult<qint64> CampaignStore::forEachTargeting(const std::function<void(qint64)> &begin,
                                                    const std::function<bool(CampaignWithRules &&)> &visit,
                                                    Fields fields, const IdRange &range) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        begin(w.rows().campaignCount(false, range));
        qint64 visited = 0;
        w.rows().forEachTargeting(
            [&](CampaignWithRules &&campaign) {
                ++visited;
                return visit(std::move(campaign));
            },
            fields == Fields::All, range);
        return visited;
    });
}

StoreResult<std::optional<IdRange>> CampaignStore::liveIdRange() const
{
    return d->run(Access::Snapshot, [](CampaignWrites &w) { return w.rows().liveIdRange(); });
}

StoreResult<QList<CampaignWithRules>> CampaignStore::targeting(const QList<qint64> &campaignIds) const
{
    if (campaignIds.isEmpty())
        return StoreResult<QList<CampaignWithRules>>::success({});
    // A few (a campaign edited): statements, timed as every statement is. Many (a bulk
    // edit's 100,000s): the whole store's read of rows as bytes, for just those, and timed as
    // that long read is (it fails only when no row arrives for 10x the timeout).
    constexpr qsizetype kFewCampaigns = 1000;
    if (campaignIds.size() <= kFewCampaigns) {
        return d->run(Access::Snapshot, [&](CampaignWrites &w) {
            QList<Campaign> live = w.rows().campaignsByIds(campaignIds);
            live.removeIf([](const Campaign &c) { return c.deleted; });
            return CampaignWrites::withRules(live, w.rows().targetingRules(campaignIds));
        });
    }
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        QList<CampaignWithRules> live;
        w.rows().forEachTargeting([&](CampaignWithRules &&campaign) {
            live.append(std::move(campaign));
            return true;
        }, false, {}, &campaignIds);
        return live;
    });
}

StoreResult<QStringList> CampaignStore::knownValues(Dimension dimension) const
{
    return d->run(Access::Read, [&](CampaignWrites &w) {
        QStringList values;
        QSet<QString> seen;
        for (const QString &value : w.rows().knownValues(dimension)) {
            const QString trimmed = value.trimmed();
            if (!trimmed.isEmpty() && !seen.contains(trimmed)) {
                seen.insert(trimmed);
                values.append(trimmed);
            }
        }
        std::sort(values.begin(), values.end(),
                  [](const QString &a, const QString &b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
        return values;
    });
}

void CampaignStore::announce(const QList<qint64> &campaignIds, const WriteReceipt &receipt)
{
    Q_EMIT campaignsChanged(StoreChange{campaignIds, receipt.changeId, {receipt.txn}});
}

StoreResult<CampaignWithRules> CampaignStore::create(const CampaignWithRules &campaign, const WriteContext &context)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        CampaignWrites::throwIfInvalid(CampaignValidator::validate(campaign));
        return w.insertNew(campaign);
    }, &receipt);
    if (result.ok())
        announce({result.value.campaign.id}, receipt);
    return result;
}

StoreResult<CampaignWithRules> CampaignStore::update(const CampaignWithRules &campaign,
                                                     const QDateTime &expectedUpdatedAt, const WriteContext &context)
{
    const qint64 id = campaign.campaign.id;
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        CampaignWrites::throwIfInvalid(CampaignValidator::validate(campaign));
        const Campaign current = w.liveCampaign(id, true);
        if (expectedUpdatedAt.isValid() && expectedUpdatedAt.toUTC() != current.updatedAt)
            throw StoreFailure{StoreError::Conflict,
                               QStringLiteral("campaign %1 was changed at %2, after it was read (%3)")
                                   .arg(id)
                                   .arg(current.updatedAt.toString(Qt::ISODateWithMs),
                                        expectedUpdatedAt.toUTC().toString(Qt::ISODateWithMs))};
        if (campaign.campaign.code != current.code)
            w.ensureCodeFree(campaign.campaign.code, id);
        const QDateTime now = CampaignWrites::writeTime(current.updatedAt);
        Campaign changed = current;
        changed.code = campaign.campaign.code;
        changed.name = campaign.campaign.name;
        changed.image = campaign.campaign.image;
        changed.cta = campaign.campaign.cta;
        changed.status = campaign.campaign.status;
        changed.priority = campaign.campaign.priority;
        changed.serving = campaign.campaign.serving;
        changed.updatedAt = now;
        w.rows().updateCampaign(changed);
        w.replaceRules(changed, campaign.rules, now);
        return w.loadLive(id);
    }, &receipt);
    if (result.ok())
        announce({id}, receipt);
    return result;
}

StoreResult<Campaign> CampaignStore::setStatus(qint64 id, const QString &status, const WriteContext &context)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        CampaignWrites::throwIfInvalid(CampaignValidator::validateStatus(status));
        Campaign campaign = w.liveCampaign(id, true);
        campaign.status = status;
        campaign.updatedAt = CampaignWrites::writeTime(campaign.updatedAt);
        w.rows().updateCampaign(campaign);
        return campaign;
    }, &receipt);
    if (result.ok())
        announce({id}, receipt);
    return result;
}

StoreResult<bool> CampaignStore::remove(qint64 id, const WriteContext &context)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        Campaign campaign = w.liveCampaign(id, true);
        const QDateTime now = CampaignWrites::writeTime(campaign.updatedAt);
        campaign.deleted = true;
        campaign.deletedAt = campaign.updatedAt = now;
        w.rows().updateCampaign(campaign);
        w.rows().softDeleteRules(id, now);
        return true;
    }, &receipt);
    if (result.ok())
        announce({id}, receipt);
    return result;
}

StoreResult<TargetRule> CampaignStore::addRule(qint64 campaignId, const TargetRule &rule, const WriteContext &context)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        CampaignWrites::throwIfInvalid(CampaignValidator::validateRule(rule));
        const Campaign campaign = w.liveCampaign(campaignId, true);
        QSet<QString> usedCodes;
        for (const TargetRule &existing : w.rows().liveRules(campaignId))
            usedCodes.insert(existing.code);
        QList<TargetRule> added{rule};
        CampaignWrites::assignRuleCodes(campaign.code, added, usedCodes);
        const QDateTime now = CampaignWrites::writeTime(campaign.updatedAt);
        TargetRule stored = CampaignWrites::newRule(added.first(), campaignId, now);
        stored.id = w.rows().insertRule(stored);
        w.touch(campaign, now);
        return stored;
    }, &receipt);
    if (result.ok())
        announce({campaignId}, receipt);
    return result;
}

StoreResult<TargetRule> CampaignStore::updateRule(qint64 campaignId, const TargetRule &rule, const WriteContext &context)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        CampaignWrites::throwIfInvalid(CampaignValidator::validateRule(rule));
        const Campaign campaign = w.liveCampaign(campaignId, true);
        TargetRule stored = w.liveRule(campaignId, rule.id);
        const QDateTime now = CampaignWrites::writeTime(std::max(campaign.updatedAt, stored.updatedAt));
        stored.dimension = rule.dimension;
        stored.type = rule.type;
        stored.values = rule.values;
        if (!rule.code.isEmpty())
            stored.code = rule.code;
        stored.updatedAt = now;
        w.rows().updateRule(stored);
        w.touch(campaign, now);
        return stored;
    }, &receipt);
    if (result.ok())
        announce({campaignId}, receipt);
    return result;
}

StoreResult<bool> CampaignStore::removeRule(qint64 campaignId, qint64 ruleId, const WriteContext &context)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) {
        const Campaign campaign = w.liveCampaign(campaignId, true);
        TargetRule stored = w.liveRule(campaignId, ruleId);
        const QDateTime now = CampaignWrites::writeTime(std::max(campaign.updatedAt, stored.updatedAt));
        stored.deleted = true;
        stored.deletedAt = stored.updatedAt = now;
        w.rows().updateRule(stored);
        w.touch(campaign, now);
        return true;
    }, &receipt);
    if (result.ok())
        announce({campaignId}, receipt);
    return result;
}

StoreResult<CampaignWithRules> CampaignStore::writeCampaign(qint64 campaignId, const WriteContext &context,
                                                           const std::function<CampaignWithRules(CampaignWrites &)> &op)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) { return op(w); }, &receipt, Access::SnapshotWrite);
    if (result.ok())
        announce({campaignId}, receipt);
    return result;
}

} // namespace adserve
