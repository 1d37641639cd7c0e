#include "CampaignStore.h"

#include "CampaignRows.h"
#include "CampaignWrites.h"
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

// Campaigns per transaction in insertMany (per statement group in the one-transaction bulk
// writes): large enough to amortise the round trips, small enough to keep memory and lock
// time bounded.
constexpr qsizetype kInsertBatch = 5000;
// Above this many campaigns in one write, listeners are told "all" instead of a long list.
constexpr qsizetype kMaxIdsInSignal = 1000;

// Thrown inside a write its caller cancelled: the session, unwound, rolls the transaction back.
struct Cancelled
{
};

// Visits the campaigns `pattern` picks, deleted ones included, in id order.
void forEachPicked(CampaignRows &rows, const CodePattern &pattern, const std::function<void(qint64 id, bool deleted)> &visit)
{
    rows.forEachWithCodePrefix(pattern.prefix, [&](qint64 id, const QString &code, bool deleted) {
        if (pattern.whole.match(code).hasMatch())
            visit(id, deleted);
    });
}

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

struct CampaignStore::Private
{
    explicit Private(const DatabaseTarget &t) : sessions(t) {}

    StoreSessions sessions;

    // Runs `op` with the campaign tables of the calling thread's connection (see StoreSessions).
    template<typename Op>
    auto run(Access access, Op &&op)
    {
        return sessions.run(access, [&](SqlSession &session) {
            CampaignRows rows(session);
            CampaignWrites writes(rows);
            return op(writes);
        });
    }

    // A write transaction stamped with `context`: the result carries the change id it produced.
    template<typename Op>
    auto write(const WriteContext &context, Op &&op, WriteReceipt *receipt = nullptr, Access access = Access::Write)
    {
        WriteReceipt own;
        auto result = sessions.write(access, context, [&](SqlSession &session) {
            CampaignRows rows(session);
            CampaignWrites writes(rows);
            return op(writes);
        }, receipt ? receipt : &own);
        result.changeId = (receipt ? receipt : &own)->changeId;
        return result;
    }

    bool seedSamplesIfNew(QString *error)
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
};

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
        const QList<Campaign> campaigns = w.rows().campaigns(false);
        return CampaignWrites::withRules(campaigns, w.rows().targetingRules());
    });
}

StoreResult<qint64> CampaignStore::forEachTargeting(const std::function<void(qint64)> &begin,
                                                    const std::function<void(const CampaignWithRules &)> &visit) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        const QList<Campaign> campaigns = w.rows().targetingCampaigns();
        begin(campaigns.size());
        // Rules come ordered by campaign: each campaign is handed over once the rules
        // after its own belong to a later one.
        CampaignWithRules pending;
        qsizetype next = 0;
        const auto visitUpTo = [&](qint64 campaignId) { // every campaign with a smaller id
            while (next < campaigns.size() && campaigns[next].id < campaignId) {
                pending.campaign = campaigns[next++];
                visit(pending);
                pending.rules.clear();
            }
        };
        w.rows().forEachTargetingRule([&](TargetRule &&rule) {
            visitUpTo(rule.campaignId);
            if (next < campaigns.size() && campaigns[next].id == rule.campaignId)
                pending.rules.append(std::move(rule));
        });
        visitUpTo(std::numeric_limits<qint64>::max());
        return qint64(campaigns.size());
    });
}

StoreResult<QList<CampaignWithRules>> CampaignStore::targeting(const QList<qint64> &campaignIds) const
{
    if (campaignIds.isEmpty())
        return StoreResult<QList<CampaignWithRules>>::success({});
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        QList<Campaign> live = w.rows().campaignsByIds(campaignIds);
        live.removeIf([](const Campaign &c) { return c.deleted; });
        return CampaignWrites::withRules(live, w.rows().targetingRules(campaignIds));
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

StoreResult<CodeCount> CampaignStore::countByCode(const CodePattern &pattern) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        CodeCount count;
        forEachPicked(w.rows(), pattern, [&](qint64, bool deleted) { ++(deleted ? count.deleted : count.live); });
        return count;
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

StoreResult<QList<qint64>> CampaignStore::writeCampaigns(const WriteContext &context,
                                                          const std::function<QList<qint64>(CampaignWrites &)> &op)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) { return op(w); }, &receipt, Access::SnapshotWrite);
    if (result.ok() && !result.value.isEmpty())
        announce(result.value.size() > kMaxIdsInSignal ? QList<qint64>{} : result.value, receipt);
    return result;
}

namespace {

// Checks a batch for insertMany/insertBatches; `offset` numbers the fields as in the whole input.
QList<FieldError> validateBatch(const QList<CampaignWithRules> &campaigns, qsizetype offset)
{
    QList<FieldError> errors;
    QHash<QString, qsizetype> firstWithCode;
    for (qsizetype i = 0; i < campaigns.size(); ++i) {
        const QString prefix = QStringLiteral("campaigns[%1].").arg(offset + i);
        for (const FieldError &e : CampaignValidator::validate(campaigns.at(i)))
            errors.append({prefix + e.field, e.message});
        const QString &code = campaigns.at(i).campaign.code;
        const auto first = firstWithCode.constFind(code);
        if (first != firstWithCode.cend())
            errors.append({prefix + QStringLiteral("code"),
                           QStringLiteral("repeats the code of campaigns[%1]").arg(offset + *first)});
        else
            firstWithCode.insert(code, i);
    }
    return errors;
}

// Writes one batch of valid campaigns with their rules; returns their ids.
QList<qint64> insertBatch(CampaignRows &rows, const QList<CampaignWithRules> &campaigns)
{
    const QDateTime now = CampaignWrites::writeTime();
    QList<Campaign> newRows;
    newRows.reserve(campaigns.size());
    for (const CampaignWithRules &c : campaigns) {
        Campaign row = c.campaign;
        row.createdAt = row.updatedAt = now;
        row.deletedAt = row.deleted ? now : QDateTime();
        newRows.append(std::move(row));
    }
    const QHash<QString, qint64> ids = rows.insertCampaigns(newRows);
    QList<TargetRule> rules;
    for (const CampaignWithRules &c : campaigns) {
        QList<TargetRule> own = c.rules;
        CampaignWrites::assignRuleCodes(c.campaign.code, own, {});
        for (const TargetRule &rule : std::as_const(own)) {
            TargetRule stored = CampaignWrites::newRule(rule, ids.value(c.campaign.code), now);
            if (c.campaign.deleted) { // a deleted campaign's rules are deleted with it
                stored.deleted = true;
                stored.deletedAt = now;
            }
            rules.append(std::move(stored));
        }
    }
    rows.insertRules(rules);
    return ids.values();
}

} // namespace

StoreResult<qint64> CampaignStore::insertAtomically(const std::function<CampaignBatches()> &openBatches,
                                                    qint64 expectedTotal,
                                                    const std::function<bool(qint64, qint64)> &progress,
                                                    const WriteContext &context)
{
    WriteReceipt receipt;
    QList<qint64> named; // the ids, while few enough to name in the announcement
    StoreResult<qint64> result;
    try {
        result = d->write(context, [&](CampaignWrites &w) {
            const CampaignBatches nextBatch = openBatches();
            named.clear();
            qint64 written = 0;
            for (QList<CampaignWithRules> batch = nextBatch(kInsertBatch); !batch.isEmpty();
                 batch = nextBatch(kInsertBatch)) {
                CampaignWrites::throwIfInvalid(validateBatch(batch, written));
                const QList<qint64> ids = insertBatch(w.rows(), batch);
                written += batch.size();
                if (written <= kMaxIdsInSignal)
                    named += ids;
                if (progress && !progress(written, std::max(expectedTotal, written)))
                    throw Cancelled{};
            }
            return written;
        }, &receipt);
    } catch (const Cancelled &) {
        return StoreResult<qint64>::success(0);
    }
    if (result.ok() && result.value > 0) {
        std::sort(named.begin(), named.end());
        announce(result.value > kMaxIdsInSignal ? QList<qint64>{} : named, receipt);
    }
    return result;
}

StoreResult<qint64> CampaignStore::purgeByCode(const CodePattern &pattern,
                                               const std::function<bool(qint64, qint64)> &progress,
                                               const WriteContext &context)
{
    WriteReceipt receipt;
    QList<qint64> ids;
    StoreResult<qint64> result;
    try {
        result = d->write(context, [&](CampaignWrites &w) {
            ids.clear();
            forEachPicked(w.rows(), pattern, [&](qint64 id, bool) { ids.append(id); });
            for (qsizetype done = 0; done < ids.size();) {
                const QList<qint64> batch = ids.mid(done, kInsertBatch);
                w.rows().deleteCampaigns(batch);
                done += batch.size();
                if (progress && !progress(done, ids.size()))
                    throw Cancelled{};
            }
            return qint64(ids.size());
        }, &receipt);
    } catch (const Cancelled &) {
        return StoreResult<qint64>::success(0);
    }
    if (result.ok() && result.value > 0)
        announce(ids.size() > kMaxIdsInSignal ? QList<qint64>{} : ids, receipt);
    return result;
}

StoreResult<qint64> CampaignStore::insertMany(const QList<CampaignWithRules> &campaigns,
                                              const std::function<bool(qint64, qint64)> &progress,
                                              const WriteContext &context)
{
    // Check everything first: an invalid campaign anywhere means nothing is written.
    const QList<FieldError> errors = validateBatch(campaigns, 0);
    if (!errors.isEmpty()) {
        const StoreFailure failure = CampaignWrites::invalid(errors);
        return StoreResult<qint64>::failure(failure.error, failure.message, failure.fields);
    }
    qsizetype next = 0;
    return insertBatches(
        [&](qsizetype max) {
            const QList<CampaignWithRules> batch = campaigns.mid(next, max);
            next += batch.size();
            return batch;
        },
        campaigns.size(), progress, context);
}

StoreResult<qint64> CampaignStore::insertBatches(const CampaignBatches &nextBatch,
                                                 qint64 expectedTotal,
                                                 const std::function<bool(qint64, qint64)> &progress,
                                                 const WriteContext &context)
{
    qint64 written = 0;
    StoreChange change;
    StoreResult<qint64> outcome = StoreResult<qint64>::success(0);
    while (true) {
        const QList<CampaignWithRules> campaigns = nextBatch(kInsertBatch);
        if (campaigns.isEmpty())
            break;
        WriteReceipt receipt;
        const auto batch = d->write(context, [&](CampaignWrites &w) {
            CampaignWrites::throwIfInvalid(validateBatch(campaigns, written));
            return insertBatch(w.rows(), campaigns);
        }, &receipt);
        if (!batch.ok()) {
            const QString message = written == 0
                ? batch.message
                : QStringLiteral("%1 (after %2 campaigns were written)").arg(batch.message).arg(written);
            outcome = StoreResult<qint64>::failure(batch.error, message, batch.fieldErrors);
            break;
        }
        written += campaigns.size();
        if (written <= kMaxIdsInSignal)
            change.campaignIds += batch.value;
        change.changeId = receipt.changeId;
        change.txns.append(receipt.txn);
        if (progress && !progress(written, std::max(expectedTotal, written)))
            break;
    }
    if (outcome.ok())
        outcome.value = written;
    outcome.changeId = change.changeId;
    if (written > 0) {
        if (written > kMaxIdsInSignal)
            change.campaignIds.clear();
        std::sort(change.campaignIds.begin(), change.campaignIds.end());
        Q_EMIT campaignsChanged(change);
    }
    return outcome;
}

} // namespace adserve
