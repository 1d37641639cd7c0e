// AnswerCache's own rules: an answer is reused for its request only, until it expires or
// what it was made from changes, and the bytes held never pass the capacity.
#include "delivery/AnswerCache.h"
#include "targeting/TargetingQuery.h"

#include <QTest>

using namespace adserve;

namespace {
const AnswerCache::Sources kFirst{1, 0};

QByteArray keyFor(const QString &country, size_t limit = 0, QByteArrayView before = {})
{
    return AnswerCache::keyOf(TargetingQuery::from(country, QStringLiteral("android"), QStringLiteral("app")), limit,
                              before, {});
}

AnswerCache::Answer answerOf(qsizetype bytes)
{
    return {QByteArray(bytes, 'x'), 3};
}
} // namespace

class AnswerCacheTest : public QObject
{
    Q_OBJECT
private slots:
    void reusedForTheSameRequestOnly();
    void expires();
    void goneWhenItsSourcesChange();
    void notKeptWhenItsSourcesChangedWhileMade();
    void neverHoldsMoreThanItsCapacity();
    void expiredAnswersMakeRoom();
    void answersWithoutCampaignsCountTheirKey();
    void offAtZeroCapacity();
};

void AnswerCacheTest::reusedForTheSameRequestOnly()
{
    AnswerCache cache(1 << 20);
    cache.keep(keyFor(QStringLiteral("US")), answerOf(10), kFirst, kFirst, 2000, 1000);
    // Values compare as the index compares them: trimmed and case-folded.
    const auto reused = cache.find(keyFor(QStringLiteral(" us ")), kFirst, 1500);
    QVERIFY(reused);
    QCOMPARE(reused->body, QByteArray(10, 'x'));
    QCOMPARE(reused->campaigns, 3);
    QVERIFY(!cache.find(keyFor(QStringLiteral("FR")), kFirst, 1500));
    QVERIFY(!cache.find(keyFor(QStringLiteral("US"), 5), kFirst, 1500));                   // another limit
    QVERIFY(!cache.find(keyFor(QStringLiteral("US"), 0, "{\"lc\":"), kFirst, 1500));       // another envelope
    QCOMPARE(cache.stats().hits, 1);
    QCOMPARE(cache.stats().misses, 3);
}

void AnswerCacheTest::expires()
{
    AnswerCache cache(1 << 20);
    cache.keep(keyFor(QStringLiteral("US")), answerOf(10), kFirst, kFirst, 2000, 1000);
    QVERIFY(cache.find(keyFor(QStringLiteral("US")), kFirst, 1999));
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), kFirst, 2000));
    // Already expired when made: not kept.
    cache.keep(keyFor(QStringLiteral("FR")), answerOf(10), kFirst, kFirst, 900, 1000);
    QVERIFY(!cache.find(keyFor(QStringLiteral("FR")), kFirst, 950));
}

void AnswerCacheTest::goneWhenItsSourcesChange()
{
    AnswerCache cache(1 << 20);
    cache.keep(keyFor(QStringLiteral("US")), answerOf(10), kFirst, kFirst, 2000, 1000);
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), {2, 0}, 1000)); // another index swapped in
    QCOMPARE(cache.stats().answers, 0);
    QCOMPARE(cache.stats().bytes, 0);

    cache.keep(keyFor(QStringLiteral("US")), answerOf(10), {2, 0}, {2, 0}, 2000, 1000);
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), {2, 1}, 1000)); // an invalidation
    // Back to the sources it was made from: still gone.
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), {2, 0}, 1000));
}

void AnswerCacheTest::notKeptWhenItsSourcesChangedWhileMade()
{
    AnswerCache cache(1 << 20);
    cache.keep(keyFor(QStringLiteral("US")), answerOf(10), kFirst, {1, 1}, 2000, 1000);
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), kFirst, 1000));
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), {1, 1}, 1000));
    QCOMPARE(cache.stats().answers, 0);
}

void AnswerCacheTest::neverHoldsMoreThanItsCapacity()
{
    // The keys count: here each is `key` bytes.
    const qint64 key = keyFor(QStringLiteral("US")).size();
    AnswerCache cache(100 + key);
    cache.keep(keyFor(QStringLiteral("US")), answerOf(60), kFirst, kFirst, 2000, 1000);
    cache.keep(keyFor(QStringLiteral("FR")), answerOf(60), kFirst, kFirst, 2000, 1000); // does not fit
    cache.keep(keyFor(QStringLiteral("DE")), answerOf(101), kFirst, kFirst, 2000, 1000); // never fits
    cache.keep(keyFor(QStringLiteral("IT")), answerOf(40), kFirst, kFirst, 2000, 1000);  // not with its key
    QVERIFY(cache.find(keyFor(QStringLiteral("US")), kFirst, 1000));
    QVERIFY(!cache.find(keyFor(QStringLiteral("FR")), kFirst, 1000));
    QVERIFY(!cache.find(keyFor(QStringLiteral("DE")), kFirst, 1000));
    QVERIFY(!cache.find(keyFor(QStringLiteral("IT")), kFirst, 1000));
    QCOMPARE(cache.stats().bytes, 60 + key);
    QCOMPARE(cache.stats().answers, 1);
    // A new answer to the same request replaces the old one's bytes.
    cache.keep(keyFor(QStringLiteral("US")), answerOf(90), kFirst, kFirst, 2000, 1000);
    QCOMPARE(cache.stats().bytes, 90 + key);
    QCOMPARE(cache.find(keyFor(QStringLiteral("US")), kFirst, 1000)->body.size(), 90);
}

void AnswerCacheTest::expiredAnswersMakeRoom()
{
    const qint64 key = keyFor(QStringLiteral("US")).size();
    AnswerCache cache(100 + key);
    cache.keep(keyFor(QStringLiteral("US")), answerOf(60), kFirst, kFirst, 1500, 1000);
    cache.keep(keyFor(QStringLiteral("FR")), answerOf(60), kFirst, kFirst, 3000, 1600);
    QVERIFY(cache.find(keyFor(QStringLiteral("FR")), kFirst, 1600));
    QCOMPARE(cache.stats().bytes, 60 + key);
    QCOMPARE(cache.stats().answers, 1);
}

void AnswerCacheTest::answersWithoutCampaignsCountTheirKey()
{
    // Requests that match nothing (a 204) cannot fill memory without bound either.
    const qint64 key = keyFor(QStringLiteral("US")).size();
    AnswerCache cache(10 * key);
    const QStringList countries{"US", "FR", "DE", "IT", "ES", "PT", "NL", "BE", "AT", "CH", "SE", "NO"};
    for (const QString &country : countries)
        cache.keep(keyFor(country), {}, kFirst, kFirst, 2000, 1000);
    QCOMPARE(cache.stats().answers, 10);
    QCOMPARE(cache.stats().bytes, 10 * key);
    const auto empty = cache.find(keyFor(QStringLiteral("US")), kFirst, 1000);
    QVERIFY(empty);
    QCOMPARE(empty->campaigns, 0);
}

void AnswerCacheTest::offAtZeroCapacity()
{
    AnswerCache cache(0);
    QVERIFY(!cache.enabled());
    cache.keep(keyFor(QStringLiteral("US")), answerOf(1), kFirst, kFirst, 2000, 1000);
    QVERIFY(!cache.find(keyFor(QStringLiteral("US")), kFirst, 1000));
}

QTEST_GUILESS_MAIN(AnswerCacheTest)
#include "tst_answercache.moc"
