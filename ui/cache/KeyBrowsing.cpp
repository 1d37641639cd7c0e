#include "KeyBrowsing.h"

#include "cache/CampaignCodec.h"
#include "common/BackgroundJob.h"
#include "store/CampaignStore.h"

#include <QHash>
#include <QObject>
#include <QSet>

namespace adserve::KeyBrowsing {

namespace {

constexpr int kScanCount = 500; // SCAN's COUNT hint per step of a whole walk

// The campaigns of these keys as the store has them, one query.
QHash<qint64, CampaignLabel> labelsOf(CampaignStore &store, const QList<QByteArray> &keys, QString *error)
{
    QHash<qint64, CampaignLabel> labels;
    QList<qint64> ids;
    for (const QByteArray &key : keys) {
        if (const auto id = CampaignCodec::idFromKey(key)) {
            ids.append(*id);
            labels.insert(*id, CampaignLabel{*id});
        }
    }
    if (ids.isEmpty())
        return labels;
    const auto stored = store.campaignsByIds(ids);
    if (!stored.ok()) {
        *error = stored.message;
        return {};
    }
    for (const Campaign &c : stored.value)
        labels.insert(c.id, CampaignLabel{c.id, c.code, c.name, true, c.deleted});
    return labels;
}

// The keys of the campaigns `ids` from `at` that are in the cache, until `pageSize` are found
// (or the search is cancelled).
CacheReply<QList<std::pair<QByteArray, CacheKeyDetails>>> cachedKeysOf(CacheBackend &backend, const QList<qint64> &ids,
                                                                       qsizetype &at, int pageSize, const JobControl &control)
{
    QList<std::pair<QByteArray, CacheKeyDetails>> found;
    while (found.size() < pageSize && at < ids.size() && !control.cancelled()) {
        QList<QByteArray> keys;
        for (qint64 id : ids.mid(at, pageSize))
            keys.append(CampaignCodec::cacheKey(id));
        const auto details = backend.keyDetails(keys);
        if (!details.ok())
            return CacheReply<QList<std::pair<QByteArray, CacheKeyDetails>>>::failure(details.error);
        for (qsizetype i = 0; i < keys.size(); ++i) {
            if (details.value.at(i).type != "none")
                found.append({keys.at(i), details.value.at(i)});
        }
        at += keys.size();
    }
    return {found, {}};
}

// Looks the codes of a code search up once; with none matching, the text is a key pattern.
QString resolve(CampaignStore &store, SearchState &state, QString *error)
{
    if (state.search.kind() != KeySearch::Kind::CampaignCode || state.resolved)
        return {};
    const auto ids = store.idsByCode(state.search.codePattern());
    if (!ids.ok()) {
        *error = ids.message;
        return {};
    }
    state.resolved = true;
    state.byCode = !ids.value.isEmpty();
    state.ids = std::make_shared<const QList<qint64>>(ids.value);
    return state.byCode ? QObject::tr("%n campaign(s) with a code matching \"%1\"", nullptr, int(ids.value.size()))
                              .arg(state.search.text())
                        : QObject::tr("No campaign code matches \"%1\": keys matching it as a pattern")
                              .arg(state.search.text());
}

} // namespace

QString CampaignLabel::text() const
{
    if (!inStore)
        return QObject::tr("not in the store");
    const QString both = name.isEmpty() ? code : QStringLiteral("%1 — %2").arg(code, name);
    return deleted ? QObject::tr("%1 (deleted)").arg(both) : both;
}

KeyPage nextPage(CacheBackend &backend, CampaignStore &store, SearchState &state, int pageSize, const JobControl &control)
{
    KeyPage page;
    pageSize = std::max(pageSize, 10);
    page.note = resolve(store, state, &page.error);
    if (!page.error.isEmpty())
        return page;

    QList<QByteArray> keys;
    QList<CacheKeyDetails> details;
    if (state.byCode) {
        qsizetype at = state.cursor.toLongLong();
        const auto found = cachedKeysOf(backend, *state.ids, at, pageSize, control);
        if (!found.ok()) {
            page.error = found.error;
            return page;
        }
        for (const auto &[key, detail] : found.value) {
            keys.append(key);
            details.append(detail);
        }
        state.cursor = at >= state.ids->size() ? QByteArrayLiteral("0") : QByteArray::number(at);
    } else {
        QByteArray next = state.cursor.isEmpty() ? QByteArrayLiteral("0") : state.cursor;
        do {
            const auto step = backend.scan(state.search.keyPattern(), next, pageSize);
            if (!step.ok()) {
                page.error = step.error;
                return page;
            }
            keys += step.value.keys;
            next = step.value.nextCursor.isEmpty() ? QByteArrayLiteral("0") : step.value.nextCursor;
        } while (keys.size() < pageSize && next != "0" && !control.cancelled());
        const auto read = backend.keyDetails(keys);
        if (!read.ok()) {
            page.error = read.error;
            return page;
        }
        details = read.value;
        state.cursor = next;
    }
    page.complete = state.cursor == "0";

    const auto values = backend.getMany(keys);
    QString labelError;
    const QHash<qint64, CampaignLabel> labels = labelsOf(store, keys, &labelError);
    if (!labelError.isEmpty())
        page.note = QObject::tr("campaigns not read from the store: %1").arg(labelError);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        KeyInfo info{keys.at(i), details.at(i), KeyTtl::readNow(details.at(i).ttlMs)};
        if (values.ok() && values.value.at(i))
            info.size = values.value.at(i)->size();
        if (const auto id = CampaignCodec::idFromKey(keys.at(i)); id && labels.contains(*id))
            info.campaign = labels.value(*id);
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

CacheReply<QList<QByteArray>> allKeys(CacheBackend &backend, CampaignStore &store, const KeySearch &search,
                                      JobControl &control)
{
    SearchState state{search};
    QString error;
    resolve(store, state, &error);
    if (!error.isEmpty())
        return CacheReply<QList<QByteArray>>::failure(error);
    if (!state.byCode)
        return allKeys(backend, search.keyPattern(), control);
    QList<QByteArray> keys;
    qsizetype at = 0;
    while (at < state.ids->size()) {
        const auto found = cachedKeysOf(backend, *state.ids, at, kScanCount, control);
        if (!found.ok())
            return CacheReply<QList<QByteArray>>::failure(found.error);
        for (const auto &entry : found.value)
            keys.append(entry.first);
        if (!control.progress(at, state.ids->size()))
            break;
    }
    return {keys, {}};
}

} // namespace adserve::KeyBrowsing
