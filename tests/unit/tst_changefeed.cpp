// ChangeFeed: where an instance stands in the change log, and what it reads next, so that
// no committed change is ever skipped although ids commit out of order.
#include "changes/ChangeFeed.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <map>

using namespace adserve;

namespace {

// "id/txn id/txn ..." -> rows
QList<LogRow> rows(const QString &text)
{
    QList<LogRow> result;
    for (const QString &item : text.split(u' ', Qt::SkipEmptyParts))
        result.append({item.section(u'/', 0, 0).toLongLong(), item.section(u'/', 1, 1).toLongLong(), 1, {}, false});
    return result;
}

// "90,91" -> writers
LogWriters writers(const QString &text)
{
    LogWriters result;
    for (const QString &txn : text.split(u',', Qt::SkipEmptyParts))
        result.insert(txn.toLongLong());
    return result;
}

LogPage page(const QString &before, const QString &rowText, const QString &after = {}, bool full = false)
{
    LogPage p;
    p.writersBefore = writers(before);
    p.rows = rows(rowText);
    p.writersAfter = writers(after);
    p.full = full;
    return p;
}

// "from-to@holder,holder from-to@..."
QString gapsText(const ChangeFeed &feed)
{
    QStringList parts;
    for (const ChangeFeed::Gap &g : feed.gaps()) {
        QList<qint64> holders(g.holders.cbegin(), g.holders.cend());
        std::sort(holders.begin(), holders.end());
        QStringList names;
        for (qint64 h : holders)
            names << QString::number(h);
        parts << QStringLiteral("%1-%2@%3").arg(g.from).arg(g.to).arg(names.join(u','));
    }
    return parts.join(u' ');
}

// A model of concurrent writers on PostgreSQL: a transaction takes the log's lock and ids
// from one sequence while it runs, then commits or rolls back; a reader sees the committed
// rows, and the writers holding the lock when it asks. Writers go on between the phases of a
// read (before, rows, after), as they do on a real server.
class WriterModel
{
public:
    explicit WriterModel(quint32 seed) : random_(seed) {}

    void step()
    {
        const int action = random_.bounded(10);
        if (action < 3 || running_.empty()) {
            running_[nextXid_++] = {};
        } else {
            auto it = std::next(running_.begin(), random_.bounded(int(running_.size())));
            if (action < 7) {
                it->second.append(nextId_++);
            } else {
                if (action < 9) // commit; else roll back
                    for (qint64 id : it->second)
                        committed_[id] = it->first;
                running_.erase(it);
            }
        }
    }
    void someSteps()
    {
        for (int n = random_.bounded(3); n > 0; --n)
            step();
    }
    void finishAll()
    {
        for (const auto &[xid, ids] : running_) {
            for (qint64 id : ids)
                committed_[id] = xid;
        }
        running_.clear();
    }
    // Who holds the log's lock: the running writers that have taken an id.
    LogWriters writers() const
    {
        LogWriters result;
        for (const auto &[xid, ids] : running_) {
            if (!ids.isEmpty())
                result.insert(xid);
        }
        return result;
    }
    // What ChangeLog::head returns.
    LogPage head()
    {
        LogPage p;
        p.newestId = newestCommitted();
        someSteps();
        p.writersAfter = writers();
        return p;
    }
    // What ChangeLog::read returns for `feed` now.
    LogPage read(const ChangeFeed &feed, int limit)
    {
        const ChangeFeed::Query query = feed.query();
        LogPage p;
        p.writersBefore = writers();
        someSteps();
        for (const auto &[id, txn] : committed_) {
            bool wanted = id > query.after;
            for (const ChangeFeed::Gap &g : query.gaps)
                wanted = wanted || (id >= g.from && id <= g.to);
            if (wanted && p.rows.size() < limit)
                p.rows.append({id, txn, 1, {}, false});
        }
        p.full = p.rows.size() == limit;
        const qsizetype paged = p.rows.size();
        for (const auto &[id, txn] : committed_) { // the watched writers' rows come whole
            if (query.watch.holders.contains(txn) && id <= query.watch.ceiling
                && std::none_of(p.rows.cbegin(), p.rows.cbegin() + paged, [id = id](const LogRow &r) { return r.id == id; }))
                p.rows.append({id, txn, 1, {}, false});
        }
        std::sort(p.rows.begin(), p.rows.end(), [](const LogRow &a, const LogRow &b) { return a.id < b.id; });
        p.newestId = newestCommitted();
        someSteps();
        if (feed.opensGaps(p))
            p.writersAfter = writers();
        return p;
    }
    qint64 newestCommitted() const { return committed_.empty() ? 0 : committed_.rbegin()->first; }
    const std::map<qint64, qint64> &committed() const { return committed_; }

private:
    QRandomGenerator random_;
    qint64 nextXid_ = 1000;
    qint64 nextId_ = 1;
    std::map<qint64, QList<qint64>> running_; // xid -> ids taken
    std::map<qint64, qint64> committed_;      // id -> xid
};

} // namespace

class ChangeFeedTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reads_data();
    void reads();
    void startsAtTheHeadAndWatchesWhoWasRunning();
    void aFullPageLeavesWhatItDidNotReadAlone();
    void everyGapIsAskedForAtOnce();
    void concurrentWritersAreNeverSkipped_data();
    void concurrentWritersAreNeverSkipped();
};

// Each row: reads applied one after another ("writers before|rows|writers after" separated
// by ';'), then where the feed stands.
void ChangeFeedTest::reads_data()
{
    QTest::addColumn<QString>("reads");
    QTest::addColumn<qint64>("appliedThrough");
    QTest::addColumn<qint64>("newestSeen");
    QTest::addColumn<QString>("gaps");

    QTest::newRow("in order") << "|1/90 2/91 3/92|" << qint64(3) << qint64(3) << "";
    QTest::newRow("a later id commits first: the hole waits for its writer")
        << "100|1/90 2/99 3/99 5/101|100" << qint64(3) << qint64(5) << "4-4@100";
    QTest::newRow("... and is read once it commits")
        << "100|1/90 2/99 3/99 5/101|100;|4/100|" << qint64(5) << qint64(5) << "";
    QTest::newRow("... or is final once it has ended without")
        << "100|1/90 2/99 3/99 5/101|100;||" << qint64(5) << qint64(5) << "";
    QTest::newRow("a hole stays while its writer writes")
        << "|1/90 5/101|100;100,102||" << qint64(1) << qint64(5) << "2-4@100";
    QTest::newRow("a hole whose writer ended just after the read waits for the next read")
        << "100|1/90 5/101|" << qint64(1) << qint64(5) << "2-4@";
    QTest::newRow("... which settles it")
        << "100|1/90 5/101|;||" << qint64(5) << qint64(5) << "";
    QTest::newRow("an unrelated long writer holds nothing up")
        << "77|1/90 3/91|100;77||" << qint64(3) << qint64(3) << "";
    QTest::newRow("holes fill one id at a time")
        << "|1/90 6/102|100,101;100,101|3/101|" << qint64(1) << qint64(6) << "2-2@100,101 4-5@100,101";
    QTest::newRow("sqlite: no writer is ever seen") << "|1/0 2/0 7/0|;|8/0|" << qint64(8) << qint64(8) << "";
}

void ChangeFeedTest::reads()
{
    QFETCH(QString, reads);
    ChangeFeed feed;
    for (const QString &read : reads.split(u';'))
        feed.advance(page(read.section(u'|', 0, 0), read.section(u'|', 1, 1), read.section(u'|', 2, 2)));
    QTEST(feed.appliedThrough(), "appliedThrough");
    QTEST(feed.newestSeen(), "newestSeen");
    QTEST(gapsText(feed), "gaps");
    // The next read asks for what is still open.
    QCOMPARE(feed.query().after, feed.newestSeen());
    QCOMPARE(feed.query().gaps, feed.gaps());
}

void ChangeFeedTest::startsAtTheHeadAndWatchesWhoWasRunning()
{
    // At start, 10 is the newest id; 50 and 52 were writing to the log.
    LogPage head;
    head.newestId = 10;
    head.writersAfter = writers(QStringLiteral("50,52"));
    ChangeFeed feed = ChangeFeed::startingAt(head);
    QCOMPARE(feed.appliedThrough(), 10);
    QVERIFY(!feed.settled());
    QCOMPARE(feed.query().watch.ceiling, 10);
    QCOMPARE(feed.query().watch.holders, writers(QStringLiteral("50,52")));
    // 50 commits its row 7 just before a read; 52 still writes.
    const LogPage first = page(QStringLiteral("50,52"), QStringLiteral("7/50"));
    QCOMPARE(feed.unseen(first).size(), 1);
    feed.advance(first);
    QVERIFY(!feed.settled());
    // The next read has 7 again (50 is still watched) but does not deliver it twice; 52 ends.
    const LogPage second = page(QStringLiteral("52"), QStringLiteral("7/50 8/52 11/52"));
    QCOMPARE(feed.unseen(second).size(), 2);
    feed.advance(second);
    QVERIFY(!feed.settled());
    feed.advance(page({}, {}));
    QVERIFY(feed.settled());
    QCOMPARE(feed.appliedThrough(), 11);
    QVERIFY(!feed.query().watch.active());
}

void ChangeFeedTest::aFullPageLeavesWhatItDidNotReadAlone()
{
    ChangeFeed feed;
    feed.advance(page(QStringLiteral("100"), QStringLiteral("1/90 3/99 9/101"), QStringLiteral("100")));
    QCOMPARE(gapsText(feed), QStringLiteral("2-2@100 4-8@100"));
    // Nobody writes any more, but the page was full at id 2: the hole above it was not read.
    feed.advance(page({}, QStringLiteral("2/100"), {}, true));
    QCOMPARE(gapsText(feed), QStringLiteral("4-8@100"));
    QCOMPARE(feed.appliedThrough(), 3);
    feed.advance(page({}, {}));
    QCOMPARE(feed.appliedThrough(), 9);
}

void ChangeFeedTest::everyGapIsAskedForAtOnce()
{
    ChangeFeed feed;
    QString ids;
    for (int i = 1; i <= 200; ++i)
        ids += QStringLiteral("%1/%2 ").arg(i * 2).arg(500);
    feed.advance(page({}, ids, QStringLiteral("400")));
    QCOMPARE(feed.gaps().size(), 200);
    QCOMPARE(feed.query().gaps.size(), 200);
    feed.advance(page({}, QStringLiteral("199/400")));
    QVERIFY(feed.gaps().isEmpty());
    QCOMPARE(feed.appliedThrough(), 400);
}

void ChangeFeedTest::concurrentWritersAreNeverSkipped_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("pageSize");
    for (quint32 seed = 1; seed <= 40; ++seed)
        QTest::addRow("seed %u", seed) << seed << int(seed % 4 == 0 ? 3 : 1000);
}

void ChangeFeedTest::concurrentWritersAreNeverSkipped()
{
    QFETCH(quint32, seed);
    QFETCH(int, pageSize);
    WriterModel writers(seed);
    for (int i = 0; i < 50; ++i)
        writers.step();
    // Started at the head, as an instance does: what is committed by then it has read.
    ChangeFeed feed = ChangeFeed::startingAt(writers.head());
    QSet<qint64> known;
    for (const auto &[id, txn] : writers.committed())
        known.insert(id);
    QSet<qint64> delivered;
    auto readOnce = [&] {
        const LogPage p = writers.read(feed, pageSize);
        // (A change committed while the head was read may be in the reload and delivered too:
        // applying it twice is harmless. The feed itself never delivers one twice.)
        for (const LogRow &row : feed.unseen(p)) {
            QVERIFY2(!delivered.contains(row.id), qPrintable(QStringLiteral("id %1 delivered twice").arg(row.id)));
            delivered.insert(row.id);
        }
        feed.advance(p);
        writers.someSteps();
        // Everything up to the watermark has been delivered (or was there at the start).
        for (const auto &[id, txn] : writers.committed()) {
            if (id <= feed.appliedThrough() && feed.settled())
                QVERIFY2(delivered.contains(id) || known.contains(id),
                         qPrintable(QStringLiteral("id %1 skipped (watermark %2)").arg(id).arg(feed.appliedThrough())));
        }
    };
    for (int i = 0; i < 3000; ++i) {
        writers.step();
        if (i % 3 == 0)
            readOnce();
    }
    writers.finishAll();
    for (int i = 0; i < 2000 && (feed.appliedThrough() < writers.newestCommitted() || !feed.settled()); ++i)
        readOnce();
    for (const auto &[id, txn] : writers.committed())
        QVERIFY2(delivered.contains(id) || known.contains(id), qPrintable(QStringLiteral("id %1 never read").arg(id)));
    QCOMPARE(feed.appliedThrough(), writers.newestCommitted());
    QVERIFY(feed.gaps().isEmpty());
}

QTEST_GUILESS_MAIN(ChangeFeedTest)
#include "tst_changefeed.moc"
