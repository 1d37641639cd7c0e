#include "BulkEdit.h"

#include "model/CampaignValidator.h"
#include "model/RuleReach.h"
#include "store/CampaignWrites.h"

#include <QLocale>
#include <QSet>

#include <algorithm>

namespace adserve {

namespace {

struct Cancelled
{
};

// The campaigns `ids` as stored, read a batch at a time (two statements per batch, not three per
// campaign), each handed to `write` in order with its position in `ids`; progress per campaign,
// and Cancelled when it says so.
constexpr qsizetype kReadBatch = 500;
void forEachStored(CampaignWrites &w, const QList<qint64> &ids,
                   const std::function<void(const CampaignWrites::Stored &, qsizetype)> &write,
                   const BulkEditor::Progress &progress)
{
    for (qsizetype first = 0; first < ids.size(); first += kReadBatch) {
        const QList<CampaignWrites::Stored> batch = w.storedOf(ids.mid(first, kReadBatch), true);
        for (qsizetype i = 0; i < batch.size(); ++i) {
            write(batch[i], first + i);
            if (progress && !progress(first + i + 1, ids.size()))
                throw Cancelled{};
        }
    }
}

bool hasInclude(const QList<TargetRule> &rules, Dimension dimension)
{
    return std::any_of(rules.cbegin(), rules.cend(),
                       [&](const TargetRule &r) { return r.dimension == dimension && r.type == RuleType::Include; });
}

std::optional<CampaignWithRules> withStatus(CampaignWithRules campaign, const QString &status)
{
    if (campaign.campaign.status == status)
        return std::nullopt;
    campaign.campaign.status = status;
    return campaign;
}

std::optional<CampaignWithRules> withValueAdded(CampaignWithRules campaign, const BulkEdit &edit)
{
    const QString normalized = normalizeValue(edit.value);
    TargetRule *first = nullptr;
    for (TargetRule &rule : campaign.rules) {
        if (rule.dimension != edit.dimension || rule.type != edit.ruleType)
            continue;
        if (ruleNames(rule, normalized))
            return std::nullopt;
        first = first ? first : &rule;
    }
    if (first) {
        first->values.append(edit.value.trimmed());
    } else {
        TargetRule rule;
        rule.campaignId = campaign.campaign.id;
        rule.dimension = edit.dimension;
        rule.type = edit.ruleType;
        rule.values = {edit.value.trimmed()};
        campaign.rules.append(rule); // the store gives it a code
    }
    return campaign;
}

std::optional<CampaignWithRules> withValueRemoved(CampaignWithRules campaign, const BulkEdit &edit)
{
    const QString normalized = normalizeValue(edit.value);
    bool changed = false;
    for (qsizetype i = campaign.rules.size() - 1; i >= 0; --i) {
        TargetRule &rule = campaign.rules[i];
        if (rule.dimension != edit.dimension)
            continue;
        changed = changed || ruleNames(rule, normalized);
        rule.values.removeIf([&](const QString &v) { return normalizeValue(v) == normalized; });
        if (rule.values.isEmpty())
            campaign.rules.removeAt(i);
    }
    return changed ? std::optional(campaign) : std::nullopt;
}

// Whether a request carrying the edit's value (or any request, for status edits) can get
// the campaign, as far as its status and rules go.
bool serves(const BulkEdit &edit, const CampaignWithRules &campaign)
{
    if (!campaign.campaign.isDeliverable())
        return false;
    if (edit.action == BulkEdit::Action::AddValue || edit.action == BulkEdit::Action::RemoveValue)
        return qualifiesIn(campaign.rules, edit.dimension, edit.value);
    return true;
}

} // namespace

std::optional<CampaignWithRules> BulkEdit::applyTo(const CampaignWithRules &campaign) const
{
    if (campaign.campaign.deleted)
        return std::nullopt;
    switch (action) {
    case Action::Activate: return withStatus(campaign, kStatusActive);
    case Action::Deactivate: return withStatus(campaign, kStatusInactive);
    case Action::Delete: {
        CampaignWithRules deleted{campaign.campaign, {}};
        deleted.campaign.deleted = true;
        return deleted;
    }
    case Action::AddValue: return withValueAdded(campaign, *this);
    case Action::RemoveValue: return withValueRemoved(campaign, *this);
    case Action::FixTargeting: {
        const auto only = value.isEmpty() ? std::nullopt : std::optional(std::pair(dimension, value));
        const std::optional<QList<TargetRule>> rules = TargetingLint::fixAll(campaign.rules, lintKind, only);
        if (!rules)
            return std::nullopt;
        CampaignWithRules fixed = campaign;
        fixed.rules = *rules;
        return fixed;
    }
    }
    return std::nullopt;
}

QString BulkEdit::describe() const
{
    switch (action) {
    case Action::Activate: return QStringLiteral("activate");
    case Action::Deactivate: return QStringLiteral("deactivate");
    case Action::Delete: return QStringLiteral("delete");
    case Action::AddValue:
        return QStringLiteral("add \"%1\" to the %2 %3 rules").arg(value.trimmed(), dimensionName(dimension), ruleTypeName(ruleType));
    case Action::RemoveValue:
        return QStringLiteral("remove \"%1\" from the %2 rules").arg(value.trimmed(), dimensionName(dimension));
    case Action::FixTargeting: {
        QString kind = TargetingLint::kindTitle(lintKind);
        kind[0] = kind[0].toLower();
        return value.isEmpty() ? QStringLiteral("fix targeting: %1").arg(kind)
                               : QStringLiteral("fix targeting: %1 \"%2\" (%3)").arg(dimensionName(dimension), value, kind);
    }
    }
    return {};
}

void BulkEditPreview::count(const BulkEdit &edit, const CampaignWithRules &campaign)
{
    const std::optional<CampaignWithRules> after = edit.applyTo(campaign);
    if (!after) {
        ++unchanged;
        return;
    }
    ++changed;
    const bool before = serves(edit, campaign), now = serves(edit, *after);
    startServing += !before && now;
    stopServing += before && !now;
    const bool includedBefore = hasInclude(campaign.rules, edit.dimension);
    const bool includedAfter = hasInclude(after->rules, edit.dimension);
    widened += edit.action == BulkEdit::Action::RemoveValue && includedBefore && !includedAfter;
    narrowed += edit.action == BulkEdit::Action::AddValue && !includedBefore && includedAfter;
}

QString BulkEditPreview::describe(const BulkEdit &edit) const
{
    const QLocale locale;
    const auto n = [&](qint64 count) { return locale.toString(count); };
    const bool byValue = edit.action == BulkEdit::Action::AddValue || edit.action == BulkEdit::Action::RemoveValue;
    const QString where = byValue ? QStringLiteral(" in %1").arg(edit.value.trimmed()) : QString();
    QStringList parts;
    const QString campaigns = changed == 1 ? QStringLiteral("1 campaign") : n(changed) + QStringLiteral(" campaigns");
    parts.append(campaigns + (edit.action == BulkEdit::Action::Delete ? QStringLiteral(" will be deleted") : QStringLiteral(" will change")));
    if (stopServing)
        parts.append(QStringLiteral("%1 will stop serving%2").arg(n(stopServing), where));
    if (startServing)
        parts.append(QStringLiteral("%1 will start serving%2").arg(n(startServing), where));
    if (widened)
        parts.append(QStringLiteral("%1 %2 last %3 INCLUDE value and will serve every %3")
                         .arg(n(widened), widened == 1 ? QStringLiteral("loses its") : QStringLiteral("lose their"),
                              dimensionName(edit.dimension)));
    if (narrowed)
        parts.append(QStringLiteral("%1 had no %2 INCLUDE rule and will serve only %3")
                         .arg(n(narrowed), dimensionName(edit.dimension), edit.value.trimmed()));
    if (unchanged)
        parts.append(unchanged == 1 ? QStringLiteral("1 is left as it is") : QStringLiteral("%1 are left as they are").arg(n(unchanged)));
    return parts.join(QStringLiteral("; ")) + QLatin1Char('.');
}

StoreResult<BulkEditRecord> BulkEditor::apply(const BulkEdit &edit, const QList<qint64> &ids, const Progress &progress,
                                              bool *cancelled)
{
    BulkEditRecord record{edit, {}, {}};
    QList<qint64> distinct = ids; // each campaign once: a batch reads its state once
    distinct.erase(std::remove_if(distinct.begin(), distinct.end(), [seen = QSet<qint64>()](qint64 id) mutable {
        const bool again = seen.contains(id);
        seen.insert(id);
        return again;
    }), distinct.end());
    WriteContext context;
    context.note = QStringLiteral("bulk edit: %1").arg(edit.describe());
    try {
        const auto written = store_.writeCampaigns(context, [&](CampaignWrites &w) {
            record.before.clear();
            record.writtenAt.clear();
            QList<qint64> changed;
            forEachStored(w, distinct, [&](const CampaignWrites::Stored &stored, qsizetype) {
                const CampaignWithRules &current = stored.state;
                if (const auto target = edit.applyTo(current)) {
                    if (!target->campaign.deleted) {
                        QList<FieldError> errors;
                        for (const FieldError &e : CampaignValidator::validate(*target))
                            errors.append({current.campaign.code + QStringLiteral(": ") + e.field, e.message});
                        CampaignWrites::throwIfInvalid(errors);
                    }
                    record.writtenAt.insert(current.campaign.id, w.writeState(stored, *target));
                    record.before.append(current);
                    changed.append(current.campaign.id);
                }
            }, progress);
            return changed;
        });
        if (!written.ok())
            return StoreResult<BulkEditRecord>::failure(written.error, written.message, written.fieldErrors);
    } catch (const Cancelled &) {
        if (cancelled)
            *cancelled = true;
        return StoreResult<BulkEditRecord>::success({edit, {}, {}});
    }
    return StoreResult<BulkEditRecord>::success(std::move(record));
}

StoreResult<BulkEditor::Undone> BulkEditor::undo(const BulkEditRecord &record, const Progress &progress, bool *cancelled)
{
    Undone undone;
    WriteContext context;
    context.note = QStringLiteral("undo of bulk edit: %1").arg(record.edit.describe());
    try {
        const auto written = store_.writeCampaigns(context, [&](CampaignWrites &w) {
            undone = {};
            QList<qint64> restored;
            QList<qint64> ids;
            for (const CampaignWithRules &campaign : record.before)
                ids.append(campaign.campaign.id);
            forEachStored(w, ids, [&](const CampaignWrites::Stored &current, qsizetype i) {
                const qint64 id = ids.at(i);
                if (current.state.campaign.updatedAt != record.writtenAt.value(id)) {
                    undone.changedSince.append(id); // someone's later change wins
                } else {
                    w.writeState(current, record.before.at(i));
                    restored.append(id);
                }
            }, progress);
            undone.restored = restored.size();
            return restored;
        });
        if (!written.ok())
            return StoreResult<Undone>::failure(written.error, written.message, written.fieldErrors);
    } catch (const Cancelled &) {
        if (cancelled)
            *cancelled = true;
        return StoreResult<Undone>::success({});
    }
    return StoreResult<Undone>::success(undone);
}

} // namespace adserve
