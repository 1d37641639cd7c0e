#include "CampaignStore.h"

#include "CampaignRows.h"
#include "ChangeListener.h"
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

#include <type_traits>

namespace adserve {

namespace {

// Campaigns per transaction in insertMany: large enough to amortise the commit, small
// enough to keep memory and lock time bounded.
constexpr qsizetype kInsertBatch = 5000;
// Above this many campaigns in one write, listeners are told "all" instead of a long list.
constexpr qsizetype kMaxIdsInSignal = 1000;

const QString kSamplesResource = QStringLiteral(":/adserve/samples/campaigns.json");
const QString kSamplesSeededKey = QStringLiteral("samples_seeded");

// A reason a store call fails that is not the database's: becomes the call's StoreResult.
struct StoreFailure
{
    StoreFailure(StoreError e, QString why, QList<FieldError> f = {})
        : error(e), message(std::move(why)), fields(std::move(f))
    {
    }
    StoreError error;
    QString message;
    QList<FieldError> fields;
};

enum class Access { Read, Snapshot, Write };

// The time a write stamps on a row: milliseconds, and always after the row's previous
// stamp, so updated_at changes on every write (update() compares it to detect conflicts).
QDateTime writeTime(const QDateTime &previous = {})
{
    qint64 ms = QDateTime::currentMSecsSinceEpoch();
    if (previous.isValid())
        ms = std::max(ms, previous.toMSecsSinceEpoch() + 1);
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

StoreFailure invalid(const QList<FieldError> &errors)
{
    return {StoreError::Invalid, QStringLiteral("invalid %1: %2").arg(errors.first().field, errors.first().message),
            errors};
}

void throwIfInvalid(const QList<FieldError> &errors)
{
    if (!errors.isEmpty())
        throw invalid(errors);
}

// Gives rules without a code one that says what they are: "<campaign>-<dimension>-<include|exclude>-<n>".
void assignRuleCodes(const QString &campaignCode, QList<TargetRule> &rules, QSet<QString> used)
{
    for (const TargetRule &rule : rules)
        used.insert(rule.code);
    for (TargetRule &rule : rules) {
        if (!rule.code.isEmpty())
            continue;
        const QString base = QStringLiteral("%1-%2-%3-")
                                 .arg(campaignCode, dimensionName(rule.dimension), ruleTypeName(rule.type).toLower());
        int n = 1;
        while (used.contains(base + QString::number(n)))
            ++n;
        rule.code = base + QString::number(n);
        used.insert(rule.code);
    }
}

bool sameTargeting(const TargetRule &a, const TargetRule &b)
{
    return a.dimension == b.dimension && a.type == b.type && a.values == b.values;
}

// The campaign unless it is missing or deleted; with `lock`, its row stays locked until the
// transaction ends.
Campaign liveCampaign(CampaignRows &rows, qint64 id, bool lock = false)
{
    std::optional<Campaign> campaign = rows.campaign(id, lock);
    if (!campaign || campaign->deleted)
        throw StoreFailure{StoreError::NotFound, QStringLiteral("campaign %1 not found").arg(id)};
    return *campaign;
}

void ensureCodeFree(CampaignRows &rows, const QString &code, qint64 exceptId = 0)
{
    const std::optional<qint64> owner = rows.campaignIdForCode(code);
    if (owner && *owner != exceptId)
        throw StoreFailure{StoreError::Conflict,
                           QStringLiteral("code '%1' is already used by campaign %2").arg(code).arg(*owner),
                           {{QStringLiteral("code"), QStringLiteral("is already used by campaign %1").arg(*owner)}}};
}

CampaignWithRules loadLive(CampaignRows &rows, qint64 id)
{
    return {liveCampaign(rows, id), rows.liveRules(id)};
}

// Stamps a rule as new for `campaignId`; its code must already be set.
TargetRule newRule(TargetRule rule, qint64 campaignId, const QDateTime &now)
{
    rule.id = 0;
    rule.campaignId = campaignId;
    rule.createdAt = rule.updatedAt = now;
    rule.deleted = false;
    rule.deletedAt = {};
    return rule;
}

CampaignWithRules insertNew(CampaignRows &rows, CampaignWithRules c)
{
    ensureCodeFree(rows, c.campaign.code);
    const QDateTime now = writeTime();
    c.campaign.createdAt = c.campaign.updatedAt = now;
    c.campaign.deleted = false;
    c.campaign.deletedAt = {};
    const qint64 id = rows.insertCampaign(c.campaign);
    assignRuleCodes(c.campaign.code, c.rules, {});
    for (const TargetRule &rule : std::as_const(c.rules))
        rows.insertRule(newRule(rule, id, now));
    return loadLive(rows, id);
}

// Makes the campaign's live rules equal `wanted`: rules matched by id, or else by what they
// target, keep their id (and are rewritten only if changed); the rest are soft-deleted or added.
void replaceRules(CampaignRows &rows, const Campaign &campaign, QList<TargetRule> wanted, const QDateTime &now)
{
    QList<TargetRule> current = rows.liveRules(campaign.id);
    QList<int> matchOf(wanted.size(), -1); // index into current
    QList<bool> currentTaken(current.size(), false);
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        for (qsizetype c = 0; c < current.size() && wanted[w].id != 0; ++c) {
            if (!currentTaken[c] && current[c].id == wanted[w].id) {
                matchOf[w] = int(c);
                currentTaken[c] = true;
                break;
            }
        }
    }
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        for (qsizetype c = 0; c < current.size() && matchOf[w] < 0 && wanted[w].id == 0; ++c) {
            if (!currentTaken[c] && sameTargeting(current[c], wanted[w])
                && (wanted[w].code.isEmpty() || wanted[w].code == current[c].code)) {
                matchOf[w] = int(c);
                currentTaken[c] = true;
            }
        }
    }
    for (qsizetype c = 0; c < current.size(); ++c) {
        if (currentTaken[c])
            continue;
        TargetRule gone = current[c];
        gone.deleted = true;
        gone.deletedAt = gone.updatedAt = now;
        rows.updateRule(gone);
    }
    QSet<QString> usedCodes;
    for (const TargetRule &rule : std::as_const(current))
        usedCodes.insert(rule.code);
    QList<TargetRule> added;
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        if (matchOf[w] < 0) {
            added.append(wanted[w]);
            continue;
        }
        const TargetRule &existing = current[matchOf[w]];
        TargetRule changed = existing;
        changed.dimension = wanted[w].dimension;
        changed.type = wanted[w].type;
        changed.values = wanted[w].values;
        if (!wanted[w].code.isEmpty())
            changed.code = wanted[w].code;
        if (changed == existing)
            continue;
        changed.updatedAt = now;
        rows.updateRule(changed);
    }
    for (TargetRule &rule : added)
        rule.id = 0;
    assignRuleCodes(campaign.code, added, usedCodes);
    for (const TargetRule &rule : std::as_const(added))
        rows.insertRule(newRule(rule, campaign.id, now));
}

// Marks the campaign as changed when only its rules were written.
void touch(CampaignRows &rows, Campaign campaign, const QDateTime &now)
{
    campaign.updatedAt = now;
    rows.updateCampaign(campaign);
}

TargetRule liveRule(CampaignRows &rows, qint64 campaignId, qint64 ruleId)
{
    for (const TargetRule &rule : rows.liveRules(campaignId)) {
        if (rule.id == ruleId)
            return rule;
    }
    throw StoreFailure{StoreError::NotFound, QStringLiteral("rule %1 of campaign %2 not found").arg(ruleId).arg(campaignId)};
}

// Pairs campaigns with their rules; both lists are ordered by campaign id, so one walk does.
QList<CampaignWithRules> withRules(const QList<Campaign> &campaigns, QList<TargetRule> rules)
{
    QList<CampaignWithRules> result;
    result.reserve(campaigns.size());
    for (const Campaign &c : campaigns)
        result.append({c, {}});
    qsizetype at = 0;
    for (TargetRule &rule : rules) {
        while (at < result.size() && result.at(at).campaign.id < rule.campaignId)
            ++at;
        if (at < result.size() && result.at(at).campaign.id == rule.campaignId)
            result[at].rules.append(std::move(rule));
    }
    return result;
}

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
    explicit Private(const DatabaseTarget &t) : target(t), dialect(t.isPostgres()), pool(t) {}

    const DatabaseTarget target;
    const SqlDialect dialect;
    ConnectionPool pool;

    // Runs `op` on the calling thread's connection, inside a transaction unless it only
    // reads once; turns thrown failures into the result's error. A PostgreSQL connection
    // found broken (server restarted) is replaced and `op` runs once more.
    template<typename Op>
    auto run(Access access, Op &&op) -> StoreResult<std::invoke_result_t<Op, CampaignRows &>>
    {
        for (int attemptNo = 1;; ++attemptNo) {
            bool broken = false;
            auto result = attempt(access, op, broken);
            if (broken)
                pool.discard();
            if (!broken || attemptNo > 1)
                return result;
        }
    }

    template<typename Op>
    auto attempt(Access access, Op &op, bool &broken) -> StoreResult<std::invoke_result_t<Op, CampaignRows &>>
    {
        using Result = StoreResult<std::invoke_result_t<Op, CampaignRows &>>;
        QString why;
        QSqlDatabase db = pool.connection(&why);
        if (!db.isOpen())
            return Result::failure(StoreError::Unavailable,
                                   QStringLiteral("cannot connect to %1: %2").arg(target.describe(), why));
        SqlSession session(db, dialect);
        CampaignRows rows(session);
        try {
            if (access == Access::Write)
                session.begin(dialect.beginWrite());
            else if (access == Access::Snapshot)
                session.begin(dialect.beginSnapshot());
            auto value = op(rows);
            if (access != Access::Read)
                session.commit();
            return Result::success(std::move(value));
        } catch (const StoreFailure &f) {
            return Result::failure(f.error, f.message, f.fields);
        } catch (const SqlFailure &f) {
            session.rollback();
            if (dialect.isUniqueViolation(f.error))
                return Result::failure(StoreError::Conflict,
                                       QStringLiteral("already exists: %1").arg(f.error.databaseText().trimmed()));
            broken = target.isPostgres() && !session.alive();
            return Result::failure(StoreError::Unavailable,
                                   QStringLiteral("database error: %1").arg(f.error.text().trimmed()));
        }
    }

    bool seedSamplesIfNew(QString *error)
    {
        const auto seeded = run(Access::Write, [](CampaignRows &rows) {
            SqlSession &session = rows.session();
            QSqlQuery marker = session.exec(QStringLiteral("SELECT value FROM adserve_meta WHERE key = ?"),
                                            {kSamplesSeededKey});
            if (session.next(marker))
                return false;
            const bool isNew = rows.campaignCount() == 0;
            if (isNew) {
                for (const CampaignWithRules &sample : loadSamples())
                    insertNew(rows, sample);
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
    const auto schema = store->d->run(Access::Write, [](CampaignRows &rows) {
        Schema::apply(rows.session());
        return true;
    });
    if (!schema.ok())
        why = schema.message;
    else if (!target.isPostgres())
        store->d->seedSamplesIfNew(&why);
    if (why.isEmpty() && target.isPostgres()) {
        auto *listener = new ChangeListener(target, store.get());
        connect(listener, &ChangeListener::changed, store.get(), &CampaignStore::campaignsChanged);
        if (!listener->start(&why))
            why = QStringLiteral("cannot listen for changes: %1").arg(why);
    }
    if (!why.isEmpty()) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(target.describe(), why);
        return nullptr;
    }
    return store;
}

const DatabaseTarget &CampaignStore::target() const
{
    return d->target;
}

QString CampaignStore::describe() const
{
    return d->target.describe();
}

StoreResult<bool> CampaignStore::ping() const
{
    return d->run(Access::Read, [](CampaignRows &rows) {
        rows.session().exec(QStringLiteral("SELECT 1"));
        return true;
    });
}

StoreResult<QList<Campaign>> CampaignStore::campaigns(bool includeDeleted) const
{
    return d->run(Access::Snapshot, [&](CampaignRows &rows) { return rows.campaigns(includeDeleted); });
}

StoreResult<CampaignWithRules> CampaignStore::campaign(qint64 id) const
{
    return d->run(Access::Snapshot, [&](CampaignRows &rows) { return loadLive(rows, id); });
}

StoreResult<QList<Campaign>> CampaignStore::campaignsByIds(const QList<qint64> &ids) const
{
    if (ids.isEmpty())
        return StoreResult<QList<Campaign>>::success({});
    return d->run(Access::Read, [&](CampaignRows &rows) { return rows.campaignsByIds(ids); });
}

StoreResult<QList<CampaignWithRules>> CampaignStore::targeting() const
{
    return d->run(Access::Snapshot, [](CampaignRows &rows) {
        const QList<Campaign> campaigns = rows.campaigns(false);
        return withRules(campaigns, rows.targetingRules());
    });
}

StoreResult<QList<CampaignWithRules>> CampaignStore::targeting(const QList<qint64> &campaignIds) const
{
    if (campaignIds.isEmpty())
        return StoreResult<QList<CampaignWithRules>>::success({});
    return d->run(Access::Snapshot, [&](CampaignRows &rows) {
        QList<Campaign> live = rows.campaignsByIds(campaignIds);
        live.removeIf([](const Campaign &c) { return c.deleted; });
        return withRules(live, rows.targetingRules(campaignIds));
    });
}

StoreResult<QStringList> CampaignStore::knownValues(Dimension dimension) const
{
    return d->run(Access::Read, [&](CampaignRows &rows) {
        QStringList values;
        QSet<QString> seen;
        for (const QString &value : rows.knownValues(dimension)) {
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

StoreResult<CampaignWithRules> CampaignStore::create(const CampaignWithRules &campaign)
{
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        throwIfInvalid(CampaignValidator::validate(campaign));
        return insertNew(rows, campaign);
    });
    if (result.ok())
        Q_EMIT campaignsChanged({result.value.campaign.id});
    return result;
}

StoreResult<CampaignWithRules> CampaignStore::update(const CampaignWithRules &campaign,
                                                     const QDateTime &expectedUpdatedAt)
{
    const qint64 id = campaign.campaign.id;
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        throwIfInvalid(CampaignValidator::validate(campaign));
        const Campaign current = liveCampaign(rows, id, true);
        if (expectedUpdatedAt.isValid() && expectedUpdatedAt.toUTC() != current.updatedAt)
            throw StoreFailure{StoreError::Conflict,
                               QStringLiteral("campaign %1 was changed at %2, after it was read (%3)")
                                   .arg(id)
                                   .arg(current.updatedAt.toString(Qt::ISODateWithMs),
                                        expectedUpdatedAt.toUTC().toString(Qt::ISODateWithMs))};
        if (campaign.campaign.code != current.code)
            ensureCodeFree(rows, campaign.campaign.code, id);
        const QDateTime now = writeTime(current.updatedAt);
        Campaign changed = current;
        changed.code = campaign.campaign.code;
        changed.name = campaign.campaign.name;
        changed.image = campaign.campaign.image;
        changed.cta = campaign.campaign.cta;
        changed.status = campaign.campaign.status;
        changed.updatedAt = now;
        rows.updateCampaign(changed);
        replaceRules(rows, changed, campaign.rules, now);
        return loadLive(rows, id);
    });
    if (result.ok())
        Q_EMIT campaignsChanged({id});
    return result;
}

StoreResult<Campaign> CampaignStore::setStatus(qint64 id, const QString &status)
{
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        throwIfInvalid(CampaignValidator::validateStatus(status));
        Campaign campaign = liveCampaign(rows, id, true);
        campaign.status = status;
        campaign.updatedAt = writeTime(campaign.updatedAt);
        rows.updateCampaign(campaign);
        return campaign;
    });
    if (result.ok())
        Q_EMIT campaignsChanged({id});
    return result;
}

StoreResult<bool> CampaignStore::remove(qint64 id)
{
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        Campaign campaign = liveCampaign(rows, id, true);
        const QDateTime now = writeTime(campaign.updatedAt);
        campaign.deleted = true;
        campaign.deletedAt = campaign.updatedAt = now;
        rows.updateCampaign(campaign);
        rows.softDeleteRules(id, now);
        return true;
    });
    if (result.ok())
        Q_EMIT campaignsChanged({id});
    return result;
}

StoreResult<TargetRule> CampaignStore::addRule(qint64 campaignId, const TargetRule &rule)
{
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        throwIfInvalid(CampaignValidator::validateRule(rule));
        const Campaign campaign = liveCampaign(rows, campaignId, true);
        QSet<QString> usedCodes;
        for (const TargetRule &existing : rows.liveRules(campaignId))
            usedCodes.insert(existing.code);
        QList<TargetRule> added{rule};
        assignRuleCodes(campaign.code, added, usedCodes);
        const QDateTime now = writeTime(campaign.updatedAt);
        TargetRule stored = newRule(added.first(), campaignId, now);
        stored.id = rows.insertRule(stored);
        touch(rows, campaign, now);
        return stored;
    });
    if (result.ok())
        Q_EMIT campaignsChanged({campaignId});
    return result;
}

StoreResult<TargetRule> CampaignStore::updateRule(qint64 campaignId, const TargetRule &rule)
{
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        throwIfInvalid(CampaignValidator::validateRule(rule));
        const Campaign campaign = liveCampaign(rows, campaignId, true);
        TargetRule stored = liveRule(rows, campaignId, rule.id);
        const QDateTime now = writeTime(std::max(campaign.updatedAt, stored.updatedAt));
        stored.dimension = rule.dimension;
        stored.type = rule.type;
        stored.values = rule.values;
        if (!rule.code.isEmpty())
            stored.code = rule.code;
        stored.updatedAt = now;
        rows.updateRule(stored);
        touch(rows, campaign, now);
        return stored;
    });
    if (result.ok())
        Q_EMIT campaignsChanged({campaignId});
    return result;
}

StoreResult<bool> CampaignStore::removeRule(qint64 campaignId, qint64 ruleId)
{
    auto result = d->run(Access::Write, [&](CampaignRows &rows) {
        const Campaign campaign = liveCampaign(rows, campaignId, true);
        TargetRule stored = liveRule(rows, campaignId, ruleId);
        const QDateTime now = writeTime(std::max(campaign.updatedAt, stored.updatedAt));
        stored.deleted = true;
        stored.deletedAt = stored.updatedAt = now;
        rows.updateRule(stored);
        touch(rows, campaign, now);
        return true;
    });
    if (result.ok())
        Q_EMIT campaignsChanged({campaignId});
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
    const QDateTime now = writeTime();
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
        assignRuleCodes(c.campaign.code, own, {});
        for (const TargetRule &rule : std::as_const(own)) {
            TargetRule stored = newRule(rule, ids.value(c.campaign.code), now);
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

StoreResult<qint64> CampaignStore::insertMany(const QList<CampaignWithRules> &campaigns,
                                              const std::function<bool(qint64, qint64)> &progress)
{
    // Check everything first: an invalid campaign anywhere means nothing is written.
    const QList<FieldError> errors = validateBatch(campaigns, 0);
    if (!errors.isEmpty()) {
        const StoreFailure failure = invalid(errors);
        return StoreResult<qint64>::failure(failure.error, failure.message, failure.fields);
    }
    qsizetype next = 0;
    return insertBatches(
        [&](qsizetype max) {
            const QList<CampaignWithRules> batch = campaigns.mid(next, max);
            next += batch.size();
            return batch;
        },
        campaigns.size(), progress);
}

StoreResult<qint64> CampaignStore::insertBatches(const std::function<QList<CampaignWithRules>(qsizetype)> &nextBatch,
                                                 qint64 expectedTotal,
                                                 const std::function<bool(qint64, qint64)> &progress)
{
    qint64 written = 0;
    QList<qint64> writtenIds; // only while few enough to be worth naming
    StoreResult<qint64> outcome = StoreResult<qint64>::success(0);
    while (true) {
        const QList<CampaignWithRules> campaigns = nextBatch(kInsertBatch);
        if (campaigns.isEmpty())
            break;
        const auto batch = d->run(Access::Write, [&](CampaignRows &rows) {
            throwIfInvalid(validateBatch(campaigns, written));
            return insertBatch(rows, campaigns);
        });
        if (!batch.ok()) {
            const QString message = written == 0
                ? batch.message
                : QStringLiteral("%1 (after %2 campaigns were written)").arg(batch.message).arg(written);
            outcome = StoreResult<qint64>::failure(batch.error, message, batch.fieldErrors);
            break;
        }
        written += campaigns.size();
        if (written <= kMaxIdsInSignal)
            writtenIds += batch.value;
        if (progress && !progress(written, std::max(expectedTotal, written)))
            break;
    }
    if (outcome.ok())
        outcome.value = written;
    if (written > 0) {
        std::sort(writtenIds.begin(), writtenIds.end());
        Q_EMIT campaignsChanged(written <= kMaxIdsInSignal ? writtenIds : QList<qint64>());
    }
    return outcome;
}

} // namespace adserve
