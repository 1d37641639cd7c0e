#include "CacheMaintenance.h"

#include "cache/CampaignCache.h"
#include "cache/CampaignCodec.h"
#include "KeyBrowsing.h"
#include "common/BackgroundJob.h"
#include "store/CampaignStore.h"

#include <QHash>
#include <QSet>

namespace adserve::CacheMaintenance {

namespace {

constexpr qsizetype kChunk = 500;

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("—");
}

QString yesNo(bool b)
{
    return b ? QStringLiteral("true") : QStringLiteral("false");
}

} // namespace

QList<FieldValues> sideBySide(const std::optional<Campaign> &cached, const std::optional<Campaign> &stored)
{
    QList<FieldValues> rows;
    const auto row = [&](const char *name, auto value) {
        FieldValues f{QString::fromLatin1(name), cached ? value(*cached) : QString(), stored ? value(*stored) : QString()};
        f.differs = cached && stored && f.cached != f.stored;
        rows.append(f);
    };
    row("ID", [](const Campaign &c) { return QString::number(c.id); });
    row("Code", [](const Campaign &c) { return c.code; });
    row("Name", [](const Campaign &c) { return c.name; });
    row("Image", [](const Campaign &c) { return c.image; });
    row("CTA", [](const Campaign &c) { return c.cta; });
    row("Status", [](const Campaign &c) { return c.status; });
    row("UpdatedAt", [](const Campaign &c) { return timeText(c.updatedAt); });
    row("Deleted", [](const Campaign &c) { return yesNo(c.deleted); });
    return rows;
}

CacheReply<qint64> removeKeys(CampaignCache &cache, const QList<QByteArray> &keys, JobControl &control)
{
    qint64 removed = 0;
    for (qsizetype start = 0; start < keys.size(); start += kChunk) {
        QList<qint64> ids;
        QList<QByteArray> others;
        for (const QByteArray &key : keys.mid(start, kChunk)) {
            if (const auto id = CampaignCodec::idFromKey(key))
                ids.append(*id);
            else
                others.append(key);
        }
        if (!ids.isEmpty()) {
            const auto r = cache.invalidate(ids);
            if (!r.ok())
                return CacheReply<qint64>::failure(r.error);
            removed += r.value;
        }
        if (!others.isEmpty()) {
            const auto r = cache.backend().remove(others);
            if (!r.ok())
                return CacheReply<qint64>::failure(r.error);
            removed += r.value;
        }
        if (!control.progress(std::min(start + kChunk, keys.size()), keys.size()))
            break;
    }
    return {removed, {}};
}

CacheReply<qint64> warm(CampaignCache &cache, CampaignStore &store, JobControl &control)
{
    const auto campaigns = store.campaigns(false);
    if (!campaigns.ok())
        return CacheReply<qint64>::failure(campaigns.message);
    QList<Campaign> deliverable;
    for (const Campaign &c : campaigns.value) {
        if (c.isDeliverable())
            deliverable.append(c);
    }
    qint64 written = 0;
    for (qsizetype start = 0; start < deliverable.size(); start += kChunk) {
        const QList<Campaign> chunk = deliverable.mid(start, kChunk);
        const auto r = cache.store(chunk);
        if (!r.ok())
            return CacheReply<qint64>::failure(r.error);
        written += chunk.size();
        if (!control.progress(written, deliverable.size()))
            break;
    }
    return {written, {}};
}

CacheReply<QList<StaleKey>> findStale(CampaignCache &cache, CampaignStore &store, JobControl &control)
{
    const auto keys = KeyBrowsing::allKeys(cache.backend(), CampaignCodec::keyPrefix() + '*', control);
    if (!keys.ok())
        return CacheReply<QList<StaleKey>>::failure(keys.error);
    QList<StaleKey> stale;
    for (qsizetype start = 0; start < keys.value.size() && !control.cancelled(); start += kChunk) {
        const QList<QByteArray> chunk = keys.value.mid(start, kChunk);
        const auto values = cache.backend().getMany(chunk);
        if (!values.ok())
            return CacheReply<QList<StaleKey>>::failure(values.error);
        QList<qint64> ids;
        for (const QByteArray &key : chunk) {
            if (const auto id = CampaignCodec::idFromKey(key))
                ids.append(*id);
        }
        const auto stored = store.campaignsByIds(ids);
        if (!stored.ok())
            return CacheReply<QList<StaleKey>>::failure(stored.message);
        QHash<qint64, Campaign> byId;
        for (const Campaign &c : stored.value)
            byId.insert(c.id, c);
        for (qsizetype i = 0; i < chunk.size(); ++i) {
            const QByteArray &key = chunk.at(i);
            const auto &raw = values.value.at(i);
            if (!raw)
                continue; // expired meanwhile: not stale
            const auto id = CampaignCodec::idFromKey(key);
            StaleKey entry{key, {}, {}, CampaignCodec::decode(*raw), {}, *raw};
            if (id && byId.contains(*id))
                entry.stored = byId.value(*id);
            if (!id || !entry.cached) {
                entry.reason = QObject::tr("not a campaign value");
            } else if (!entry.stored) {
                entry.reason = QObject::tr("no such campaign in the store");
            } else if (entry.stored->deleted && !entry.cached->deleted) {
                entry.reason = QObject::tr("campaign deleted in the store");
                entry.fields = {QStringLiteral("Deleted")};
            } else {
                for (const FieldValues &f : sideBySide(entry.cached, entry.stored)) {
                    if (f.differs)
                        entry.fields.append(f.field);
                }
                if (entry.fields.isEmpty())
                    continue;
                entry.reason = QObject::tr("differs from the store: %1").arg(entry.fields.join(QStringLiteral(", ")));
            }
            stale.append(entry);
        }
        control.progress(std::min(start + kChunk, keys.value.size()), keys.value.size());
    }
    return {stale, {}};
}

CacheReply<qint64> refreshFromStore(CampaignCache &cache, CampaignStore &store, const QList<QByteArray> &keys)
{
    QList<qint64> ids;
    for (const QByteArray &key : keys) {
        if (const auto id = CampaignCodec::idFromKey(key))
            ids.append(*id);
    }
    if (ids.isEmpty())
        return {0, {}};
    const auto stored = store.campaignsByIds(ids);
    if (!stored.ok())
        return CacheReply<qint64>::failure(stored.message);
    QList<Campaign> live;
    for (const Campaign &c : stored.value) {
        if (!c.deleted)
            live.append(c);
    }
    // Dropped first (with the memoised fragments and any refill under way), then written:
    // nothing older can land after the store's value.
    const auto dropped = cache.invalidate(ids);
    if (!dropped.ok())
        return CacheReply<qint64>::failure(dropped.error);
    if (!live.isEmpty()) {
        const auto written = cache.store(live);
        if (!written.ok())
            return CacheReply<qint64>::failure(written.error);
    }
    return {qint64(ids.size()), {}};
}

} // namespace adserve::CacheMaintenance
