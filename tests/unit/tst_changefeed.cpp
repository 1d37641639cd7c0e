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
        result.append({item.section(u'/', 0, 0).toLongLong(), item.section(u'/', 1, 1).toLongLong(), 1, {}});
    return result;
}

LogPage page(const QString &snapshot, const QString &rowText, qint64 horizon = 0, bool full = false)
{
    LogPage p;
    p.snapshot = LogSnapshot::fromText(snapshot);
    p.rows = rows(rowText);
    p.full = full;
    p.horizon = horizon;
    return p;
}

QString gapsText(const ChangeFeed &feed)
{
    QStringList parts;
    for (const ChangeFeed::Gap &g : feed.gaps())
        parts << QStringLiteral("%1-%2@%3").arg(g.from).arg(g.to).arg(g.horizon);
    return parts.join(u' ');
}

// A model of concurrent writers on PostgreSQL: a transaction gets its id at its first
// write, takes ids from one sequence while it runs, then commits or rolls back; a reader sees
// the committed rows and PostgreSQL's snapshot: xmax is one past the newest transaction that
// has *ended*, so a newer one may be running unlisted.
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
                latestEnded_ = std::max(latestEnded_, it->first);
                running_.erase(it);
            }
        }
    }
    void finishAll()
    {
        for (const auto &[xid, ids] : running_) {
            for (qint64 id : ids)
                committed_[id] = xid;
            latestEnded_ = std::max(latestEnded_, xid);
        }
        running_.clear();
    }
    LogSnapshot snapshot() const
    {
        LogSnapshot s;
        s.xmax = latestEnded_ + 1;
        for (const auto &entry : running_) {
            if (entry.first < s.xmax)
                s.inProgress.append(entry.first);
        }
        s.xmin = s.inProgress.isEmpty() ? s.xmax : s.inProgress.first();
        return s;
    }
    // A transaction id handed out now (the reader's own, for a horizon; it ends at once).
    qint64 freshXid()
    {
        latestEnded_ = nextXid_;
        return nextXid_++;
    }
    // What ChangeLog::head returns.
    LogPage head()
    {
        LogPage p;
        p.snapshot = snapshot();
        p.newestId = newestCommitted();
        for (const auto &[id, txn] : committed_) {
            if (txn >= p.snapshot.xmin)
                p.rows.append({id, txn, 1, {}});
        }
        p.horizon = freshXid();
        return p;
    }
    // What ChangeLog::read returns for `feed` now.
    LogPage read(const ChangeFeed &feed, int limit)
    {
        const ChangeFeed::Query query = feed.query();
        LogPage p;
        p.snapshot = snapshot();
        for (const auto &[id, txn] : committed_) {
            bool wanted = id > query.after;
            for (const ChangeFeed::Gap &g : query.gaps)
                wanted = wanted || (id >= g.from && id <= g.to);
            if (wanted && p.rows.size() < limit)
                p.rows.append({id, txn, 1, {}});
        }
        p.full = p.rows.size() == limit;
        const qsizetype paged = p.rows.size();
        for (const auto &[id, txn] : committed_) { // a watch's rows come whole
            const ChangeFeed::Watch &w = query.watch;
            if (w.active() && txn >= w.fromTxn && txn < w.horizon && id <= w.ceiling
                && std::none_of(p.rows.cbegin(), p.rows.cbegin() + paged, [id = id](const LogRow &r) { return r.id == id; }))
                p.rows.append({id, txn, 1, {}});
        }
        std::sort(p.rows.begin(), p.rows.end(), [](const LogRow &a, const LogRow &b) { return a.id < b.id; });
        p.newestId = newestCommitted();
        if (feed.opensGaps(p))
            p.horizon = freshXid();
        return p;
    }
    qint64 newestCommitted() const { return committed_.empty() ? 0 : committed_.rbegin()->first; }
    const std::map<qint64, qint64> &committed() const { return committed_; }

private:
    QRandomGenerator random_;
    qint64 nextXid_ = 1000;
    qint64 latestEnded_ = 999;
    qint64 nextId_ = 1;
    std::map<qint64, QList<qint64>> running_; // xid -> ids taken
    std::map<qint64, qint64> committed_;      // id -> xid
};

} // namespace

class ChangeFeedTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void snapshotText_data();
    void snapshotText();
    void reads_data();
    void reads();
    void startsAtTheHeadAndWatchesWhoWasRunning();
    void aFullPageLeavesWhatItDidNotReadAlone();
    void manyGapsAreAskedForInTurn();
    void concurrentWritersAreNeverSkipped_data();
    void concurrentWritersAreNeverSkipped();
};

void ChangeFeedTest::snapshotText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("xmin");
    QTest::addColumn<qint64>("xmax");
    QTest::addColumn<QList<qint64>>("running");
    QTest::newRow("nobody running") << "742:742:" << qint64(742) << qint64(742) << QList<qint64>{};
    QTest::newRow("two running") << "740:745:740,743" << qint64(740) << qint64(745) << QList<qint64>{740, 743};
    QTest::newRow("sqlite") << "0:0:" << qint64(0) << qint64(0) << QList<qint64>{};
}

void ChangeFeedTest::snapshotText()
{
    QFETCH(QString, text);
    const LogSnapshot s = LogSnapshot::fromText(text);
    QTEST(s.xmin, "xmin");
    QTEST(s.xmax, "xmax");
    QTEST(s.inProgress, "running");
}

// Each row: reads applied one after another ("snapshot|rows|horizon" separated by ';'; the
// horizon is the transaction id the reader was handed after the read), then where the feed
// stands.
void ChangeFeedTest::reads_data()
{
    QTest::addColumn<QString>("reads");
    QTest::addColumn<qint64>("appliedThrough");
    QTest::addColumn<qint64>("newestSeen");
    QTest::addColumn<QString>("gaps");

    QTest::newRow("in order") << "100:100:|1/90 2/91 3/92|0" << qint64(3) << qint64(3) << "";
    QTest::newRow("a later id commits first: the hole waits for its writer")
        << "100:102:100|1/90 2/99 3/99 5/101|103" << qint64(3) << qint64(5) << "4-4@103";
    QTest::newRow("... and is read once it commits")
        << "100:102:100|1/90 2/99 3/99 5/101|103;102:102:|4/100|0" << qint64(5) << qint64(5) << "";
    QTest::newRow("... or is final once every writer of then has ended")
        << "100:102:100|1/90 2/99 3/99 5/101|103;104:104:||0" << qint64(5) << qint64(5) << "";
    QTest::newRow("a hole stays while its writer may run, listed or not")
        << "102:102:|1/90 2/99 3/99 5/101|103;102:103:||0" << qint64(3) << qint64(5) << "4-4@103";
    QTest::newRow("... whoever ended since")
        << "100:102:100|5/101|103;100:104:100,103||0" << qint64(0) << qint64(5) << "1-4@103";
    QTest::newRow("holes fill one id at a time")
        << "100:103:100,101|1/90 6/102|104;100:104:100|3/101|0" << qint64(1) << qint64(6) << "2-2@104 4-5@104";
    QTest::newRow("sqlite: no writer is ever running") << "0:0:|1/0 2/0 7/0|0;0:0:|8/0|0" << qint64(8) << qint64(8) << "";
}

void ChangeFeedTest::reads()
{
    QFETCH(QString, reads);
    ChangeFeed feed;
    for (const QString &read : reads.split(u';'))
        feed.advance(page(read.section(u'|', 0, 0), read.section(u'|', 1, 1), read.section(u'|', 2, 2).toLongLong()));
    QTEST(feed.appliedThrough(), "appliedThrough");
    QTEST(feed.newestSeen(), "newestSeen");
    QTEST(gapsText(feed), "gaps");
    // The next read asks for what is still open.
    QCOMPARE(feed.query().after, feed.newestSeen());
    QCOMPARE(feed.query().gaps, feed.gaps());
}

void ChangeFeedTest::startsAtTheHeadAndWatchesWhoWasRunning()
{
    // At start, 10 is the newest id; transactions from 50 on may have been running (the reader
    // was handed 53 right after), 51 had committed row 9 already.
    LogPage head = page(QStringLiteral("50:51:50"), QStringLiteral("9/51"), 53);
    head.newestId = 10;
    ChangeFeed feed = ChangeFeed::startingAt(head);
    QCOMPARE(feed.appliedThrough(), 10);
    QVERIFY(!feed.settled());
    const ChangeFeed::Watch watch = feed.query().watch;
    QCOMPARE(watch.fromTxn, 50);
    QCOMPARE(watch.horizon, 53);
    QCOMPARE(watch.ceiling, 10);
    // Still running: the watch goes on; 9 was there at the start and is not delivered again.
    const LogPage running = page(QStringLiteral("50:52:50"), QStringLiteral("9/51"));
    QVERIFY(feed.unseen(running).isEmpty());
    feed.advance(running);
    QVERIFY(!feed.settled());
    // Every writer of then has ended: their rows below the head came with this read.
    const LogPage ended = page(QStringLiteral("54:54:"), QStringLiteral("7/50 9/51 8/52 11/52"));
    QCOMPARE(feed.unseen(ended).size(), 3);
    feed.advance(ended);
    QVERIFY(feed.settled());
    QCOMPARE(feed.appliedThrough(), 11);
    QVERIFY(!feed.query().watch.active());
}

void ChangeFeedTest::aFullPageLeavesWhatItDidNotReadAlone()
{
    ChangeFeed feed;
    feed.advance(page(QStringLiteral("100:102:100"), QStringLiteral("1/90 3/99 9/101"), 103));
    QCOMPARE(gapsText(feed), QStringLiteral("2-2@103 4-8@103"));
    // Nobody is running any more, but the page was full at id 2: the hole above it was not read.
    feed.advance(page(QStringLiteral("104:104:"), QStringLiteral("2/100"), 0, true));
    QCOMPARE(gapsText(feed), QStringLiteral("4-8@103"));
    QCOMPARE(feed.appliedThrough(), 3);
    feed.advance(page(QStringLiteral("104:104:"), {}));
    QCOMPARE(feed.appliedThrough(), 9);
}

void ChangeFeedTest::manyGapsAreAskedForInTurn()
{
    ChangeFeed feed;
    QString ids;
    for (int i = 1; i <= 200; ++i)
        ids += QStringLiteral("%1/%2 ").arg(i * 2).arg(500);
    feed.advance(page(QStringLiteral("100:101:100"), ids, 102));
    QCOMPARE(feed.gaps().size(), 200);
    QCOMPARE(feed.query().gaps.size(), ChangeFeed::kGapsPerRead);
    // Every writer of then has ended: the gaps asked for go, the others wait their turn.
    feed.advance(page(QStringLiteral("103:103:"), {}));
    QCOMPARE(feed.gaps().size(), 200 - ChangeFeed::kGapsPerRead);
    QCOMPARE(feed.gaps().first().from, 2 * ChangeFeed::kGapsPerRead + 1);
    // One of them fills meanwhile: delivered once, in its turn.
    feed.advance(page(QStringLiteral("103:103:"), QStringLiteral("%1/400").arg(2 * ChangeFeed::kGapsPerRead + 1)));
    for (int i = 0; i < 3; ++i)
        feed.advance(page(QStringLiteral("103:103:"), {}));
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
        for (const LogRow &row : feed.unseen(p)) {
            QVERIFY2(!delivered.contains(row.id) && !known.contains(row.id),
                     qPrintable(QStringLiteral("id %1 delivered twice").arg(row.id)));
            delivered.insert(row.id);
        }
        feed.advance(p);
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
