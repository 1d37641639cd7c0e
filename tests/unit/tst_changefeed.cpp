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

LogPage page(const QString &snapshot, const QString &rowText, bool full = false)
{
    LogPage p;
    p.snapshot = LogSnapshot::fromText(snapshot);
    p.rows = rows(rowText);
    p.full = full;
    return p;
}

QString gapsText(const ChangeFeed &feed)
{
    QStringList parts;
    for (const ChangeFeed::Gap &g : feed.gaps())
        parts << QStringLiteral("%1-%2@%3").arg(g.from).arg(g.to).arg(g.horizon);
    return parts.join(u' ');
}

// A model of concurrent writers on PostgreSQL: a transaction gets its xid at its first
// write, takes ids from one sequence while it runs, then commits or rolls back; a reader
// sees the committed rows and the snapshot of who is still running.
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
    void finishAll()
    {
        for (const auto &[xid, ids] : running_)
            for (qint64 id : ids)
                committed_[id] = xid;
        running_.clear();
    }
    LogSnapshot snapshot() const
    {
        LogSnapshot s;
        s.xmax = nextXid_;
        s.xmin = running_.empty() ? nextXid_ : running_.begin()->first;
        for (const auto &entry : running_)
            s.inProgress.append(entry.first);
        return s;
    }
    // What ChangeLog::read returns for `query` now.
    LogPage read(const ChangeFeed::Query &query, int limit) const
    {
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
        for (const auto &[id, txn] : committed_) { // a watched transaction's rows come whole
            if (query.txns.contains(txn) && id <= query.after)
                p.rows.append({id, txn, 1, {}});
        }
        std::sort(p.rows.begin(), p.rows.end(), [](const LogRow &a, const LogRow &b) { return a.id < b.id; });
        p.newestId = committed_.empty() ? 0 : committed_.rbegin()->first;
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
    void snapshotText_data();
    void snapshotText();
    void reads_data();
    void reads();
    void startsAtTheHeadAndWatchesWhoWasRunning();
    void aFullPageLeavesWhatItDidNotReadAlone();
    void tooManyGapsAreMerged();
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

// Each row: reads applied one after another ("snapshot|rows" separated by ';'), then where
// the feed stands.
void ChangeFeedTest::reads_data()
{
    QTest::addColumn<QString>("reads");
    QTest::addColumn<qint64>("appliedThrough");
    QTest::addColumn<qint64>("newestSeen");
    QTest::addColumn<QString>("gaps");

    QTest::newRow("in order") << "100:100:|1/90 2/91 3/92" << qint64(3) << qint64(3) << "";
    QTest::newRow("a later id commits first: the hole waits for its writer")
        << "100:102:100|1/90 2/99 3/99 5/101" << qint64(3) << qint64(5) << "4-4@102";
    QTest::newRow("... and is read once it commits")
        << "100:102:100|1/90 2/99 3/99 5/101;102:102:|4/100" << qint64(5) << qint64(5) << "";
    QTest::newRow("... or is final once its writer rolled back")
        << "100:102:100|1/90 2/99 3/99 5/101;102:102:|" << qint64(5) << qint64(5) << "";
    QTest::newRow("a hole stays while its writer runs")
        << "100:102:100|5/101;100:104:100,103|" << qint64(0) << qint64(5) << "1-4@102";
    QTest::newRow("a hole seen while nobody runs is final at once") << "110:110:|1/90 4/91" << qint64(4) << qint64(4) << "";
    QTest::newRow("holes fill one id at a time")
        << "100:103:100,101|1/90 6/102;100:104:100|3/101" << qint64(1) << qint64(6) << "2-2@103 4-5@103";
    QTest::newRow("sqlite: no writer is ever running") << "0:0:|1/0 2/0 7/0;0:0:|8/0" << qint64(8) << qint64(8) << "";
}

void ChangeFeedTest::reads()
{
    QFETCH(QString, reads);
    ChangeFeed feed;
    for (const QString &read : reads.split(u';'))
        feed.advance(page(read.section(u'|', 0, 0), read.section(u'|', 1, 1)));
    QTEST(feed.appliedThrough(), "appliedThrough");
    QTEST(feed.newestSeen(), "newestSeen");
    QTEST(gapsText(feed), "gaps");
    // The next read asks for what is still open.
    QCOMPARE(feed.query().after, feed.newestSeen());
    QCOMPARE(feed.query().gaps, feed.gaps());
}

void ChangeFeedTest::startsAtTheHeadAndWatchesWhoWasRunning()
{
    // At start, 10 is the newest id; transaction 50 was running and may hold an id below it.
    ChangeFeed feed = ChangeFeed::startingAt(10, LogSnapshot::fromText(QStringLiteral("50:52:50")));
    QCOMPARE(feed.appliedThrough(), 10);
    QVERIFY(!feed.settled());
    QCOMPARE(feed.query().txns, QList<qint64>{50});
    feed.advance(page(QStringLiteral("50:53:50"), {})); // still running
    QCOMPARE(feed.query().txns, QList<qint64>{50});
    const LogPage committed = page(QStringLiteral("53:53:"), QStringLiteral("7/50 11/52"));
    feed.advance(committed); // its row 7 is read by its transaction, then it is done
    QVERIFY(feed.settled());
    QCOMPARE(feed.appliedThrough(), 11);
    QVERIFY(feed.query().txns.isEmpty());
}

void ChangeFeedTest::aFullPageLeavesWhatItDidNotReadAlone()
{
    ChangeFeed feed;
    feed.advance(page(QStringLiteral("100:102:100"), QStringLiteral("1/90 3/99 9/101")));
    QCOMPARE(gapsText(feed), QStringLiteral("2-2@102 4-8@102"));
    // Nobody is running any more, but the page was full at id 2: the hole above it was not read.
    feed.advance(page(QStringLiteral("102:102:"), QStringLiteral("2/100"), true));
    QCOMPARE(gapsText(feed), QStringLiteral("4-8@102"));
    QCOMPARE(feed.appliedThrough(), 3);
    feed.advance(page(QStringLiteral("102:102:"), {}));
    QCOMPARE(feed.appliedThrough(), 9);
}

void ChangeFeedTest::tooManyGapsAreMerged()
{
    ChangeFeed feed;
    QString ids;
    for (int i = 1; i <= 200; ++i)
        ids += QStringLiteral("%1/%2 ").arg(i * 2 + (i > 100 ? 10 : 0)).arg(500);
    feed.advance(page(QStringLiteral("100:101:100"), ids));
    QCOMPARE(feed.gaps().size(), ChangeFeed::kMaxGaps);
    // Merged gaps cover every hole: nothing below the newest id is lost.
    qint64 covered = 0;
    for (const ChangeFeed::Gap &g : feed.gaps())
        covered += g.to - g.from + 1;
    QVERIFY(covered >= 200);
    QCOMPARE(feed.gaps().first().from, 1);
    feed.advance(page(QStringLiteral("101:101:"), {}));
    QCOMPARE(feed.appliedThrough(), feed.newestSeen());
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
    LogPage head = writers.read({std::numeric_limits<qint64>::max(), {}, {}}, 1);
    ChangeFeed feed = ChangeFeed::startingAt(writers.newestCommitted(), head.snapshot);
    QSet<qint64> known;
    for (const auto &[id, txn] : writers.committed())
        known.insert(id);
    QSet<qint64> delivered;
    auto readOnce = [&] {
        const LogPage p = writers.read(feed.query(), pageSize);
        for (const LogRow &row : p.rows)
            delivered.insert(row.id);
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
