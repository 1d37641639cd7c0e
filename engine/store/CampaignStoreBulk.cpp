// CampaignStore's writes of many campaigns at once: imports, generated runs and their
// removal, bulk edits.
#include "CampaignStorePrivate.h"

#include "model/CampaignValidator.h"

namespace adserve {

namespace {

// Campaigns per transaction in insertMany (per statement group in the one-transaction bulk
// writes): large enough to amortise the round trips, small enough to keep memory and lock
// time bounded.
constexpr qsizetype kInsertBatch = 5000;

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

} // namespace

StoreResult<CodeCount> CampaignStore::countByCode(const CodePattern &pattern) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        CodeCount count;
        forEachPicked(w.rows(), pattern, [&](qint64, bool deleted) { ++(deleted ? count.deleted : count.live); });
        return count;
    });
}

StoreResult<QList<qint64>> CampaignStore::idsByCode(const CodePattern &pattern) const
{
    return d->run(Access::Snapshot, [&](CampaignWrites &w) {
        QList<qint64> ids;
        forEachPicked(w.rows(), pattern, [&](qint64 id, bool) { ids.append(id); });
        return ids;
    });
}

StoreResult<QList<qint64>> CampaignStore::writeCampaigns(const WriteContext &context,
                                                          const std::function<QList<qint64>(CampaignWrites &)> &op)
{
    WriteReceipt receipt;
    auto result = d->write(context, [&](CampaignWrites &w) { return op(w); }, &receipt, Access::SnapshotWrite);
    if (result.ok() && !result.value.isEmpty())
        announce(result.value, receipt);
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
    QList<qint64> named; // the ids, for the announcement
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
        announce(named, receipt);
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
        announce(ids, receipt);
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
        std::sort(change.campaignIds.begin(), change.campaignIds.end());
        Q_EMIT campaignsChanged(change);
    }
    return outcome;
}

} // namespace adserve
