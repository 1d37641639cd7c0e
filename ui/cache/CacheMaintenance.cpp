#include "CacheMaintenance.h"

#include "cache/CampaignCache.h"
#include "cache/CampaignCodec.h"
#include "common/BackgroundJob.h"
#include "store/CampaignStore.h"

#include <QHash>
#include <QSet>

namespace adserve::CacheMaintenance {

namespace {

constexpr int kScanCount = 500; // SCAN's COUNT hint per step
constexpr qsizetype kChunk = 500;

// The fields of two campaigns that differ, by Go's field names.
QStringList differences(const Campaign &cached, const Campaign &stored)
{
    QStringList fields;
    const auto check = [&](const char *name, bool same) {
        if (!same)
            fields.append(QString::fromLatin1(name));
    };
    check("Code", cached.code == stored.code);
    check("Name", cached.name == stored.name);
    check("Image", cached.image == stored.image);
    check("CTA", cached.cta == stored.cta);
    check("Status", cached.status == stored.status);
    check("UpdatedAt", cached.updatedAt == stored.updatedAt);
    check("Deleted", cached.deleted == stored.deleted);
    return fields;
}

} // namespace

KeyPage scanPage(CacheBackend &backend, const QByteArray &pattern, const QByteArray &cursor, int pageSize)
{
    KeyPage page;
    QByteArray next = cursor.isEmpty() ? QByteArrayLiteral("0") : cursor;
    QList<QByteArray> keys;
    do {
        const auto step = backend.scan(pattern, next, std::max(pageSize, 10));
        if (!step.ok()) {
            page.error = step.error;
            return page;
        }
        keys += step.value.keys;
        next = step.value.nextCursor.isEmpty() ? QByteArrayLiteral("0") : step.value.nextCursor;
    } while (keys.size() < pageSize && next != "0");
    const auto details = backend.keyDetails(keys);
    if (!details.ok()) {
        page.error = details.error;
        return page;
    }
    page.nextCursor = next;
    const auto values = backend.getMany(keys);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        KeyInfo info{keys.at(i), details.value.at(i)};
        if (values.ok() && values.value.at(i))
            info.size = values.value.at(i)->size();
        page.keys.append(info);
    }
    return page;
}

CacheReply<QList<QByteArray>> allKeys(CacheBackend &backend, const QByteArray &pattern, JobControl &control)
{
    QList<QByteArray> keys;
    QByteArray cursor = "0";
    const auto total = backend.keyCount();
    do {
        const auto step = backend.scan(pattern, cursor, kScanCount);
        if (!step.ok())
            return CacheReply<QList<QByteArray>>::failure(step.error);
        keys += step.value.keys;
        cursor = step.value.nextCursor.isEmpty() ? QByteArrayLiteral("0") : step.value.nextCursor;
        if (!control.progress(keys.size(), total.ok() ? std::max<qint64>(total.value, keys.size()) : 0))
            break;
    } while (cursor != "0");
    // SCAN may return a key more than once; a preview lists each once.
    keys.removeIf([seen = QSet<QByteArray>()](const QByteArray &k) mutable {
        if (seen.contains(k))
            return true;
        seen.insert(k);
        return false;
    });
    return {keys, {}};
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
    const auto keys = allKeys(cache.backend(), CampaignCodec::keyPrefix() + '*', control);
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
            const auto cached = CampaignCodec::decode(*raw);
            if (!id || !cached) {
                stale.append({key, QObject::tr("not a campaign value")});
            } else if (!byId.contains(*id)) {
                stale.append({key, QObject::tr("no such campaign in the store")});
            } else if (byId.value(*id).deleted && !cached->deleted) {
                stale.append({key, QObject::tr("campaign deleted in the store")});
            } else if (const QStringList diff = differences(*cached, byId.value(*id)); !diff.isEmpty()) {
                stale.append({key, QObject::tr("differs from the store: %1").arg(diff.join(QStringLiteral(", ")))});
            }
        }
        control.progress(std::min(start + kChunk, keys.value.size()), keys.value.size());
    }
    return {stale, {}};
}

} // namespace adserve::CacheMaintenance
