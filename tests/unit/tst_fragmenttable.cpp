// FragmentTable: entries by id found without locks, valid for as long as the read section
// that found them, freed once no section can hold them.
#include "cache/FragmentTable.h"

#include <QTest>

#include <atomic>
#include <random>
#include <thread>

using namespace adserve;

namespace {

// A fragment whose bytes say which id and version they belong to, and whose length varies
// with the version: "<id>:<version>:" then the version's digit repeated.
QByteArray fragmentOf(qint64 id, int version)
{
    QByteArray f = QByteArray::number(id) + ':' + QByteArray::number(version) + ':';
    f += QByteArray(1 + version % 97, char('0' + version % 10));
    return f;
}

bool wellFormed(QByteArrayView fragment, qint64 id)
{
    const QList<QByteArray> parts = fragment.toByteArray().split(':');
    if (parts.size() != 3 || parts[0].toLongLong() != id)
        return false;
    const int version = parts[1].toInt();
    return parts[2] == QByteArray(1 + version % 97, char('0' + version % 10));
}

} // namespace

class FragmentTableTest : public QObject
{
    Q_OBJECT
private slots:
    void findsWhatWasPut_data();
    void findsWhatWasPut();
    void replacesAndErases();
    void countsEntriesAndBytes();
    void freesOnceNoSectionCanHold();
    void readersSeeWholeEntriesWhileWritersReplace();
};

void FragmentTableTest::findsWhatWasPut_data()
{
    QTest::addColumn<qint64>("id");
    QTest::newRow("first") << qint64(0);
    QTest::newRow("dense") << qint64(123456);
    QTest::newRow("leaf boundary") << qint64(1023);
    QTest::newRow("mid boundary") << qint64(1 << 20);
    QTest::newRow("largest in the tree") << qint64(0xFFFFFFFFLL);
    QTest::newRow("beyond the tree") << qint64(1LL << 40);
    QTest::newRow("negative") << qint64(-7);
}

void FragmentTableTest::findsWhatWasPut()
{
    QFETCH(qint64, id);
    FragmentTable table;
    const FragmentTable::ReadSection section(table);
    QCOMPARE(table.find(id), nullptr);
    const FragmentTable::Entry *put = table.put(id, "raw", fragmentOf(id, 1), 42);
    const FragmentTable::Entry *found = table.find(id);
    QCOMPARE(found, put);
    QCOMPARE(found->fragment().toByteArray(), fragmentOf(id, 1));
    QCOMPARE(found->raw, QByteArray("raw"));
    QCOMPARE(found->seenAtMs.load(), 42);
    QVERIFY(found->deliverable());
    QCOMPARE(table.find(id + 1), nullptr);
    QCOMPARE(table.find(id - 1), nullptr);
}

void FragmentTableTest::replacesAndErases()
{
    FragmentTable table;
    const FragmentTable::ReadSection section(table);
    const FragmentTable::Entry *first = table.put(5, "a", fragmentOf(5, 1), 0);
    const FragmentTable::Entry *second = table.put(5, "b", {}, 0);
    QCOMPARE(table.find(5), second);
    QVERIFY(!second->deliverable());
    // The replaced entry is still readable: this section could have found it.
    QCOMPARE(first->fragment().toByteArray(), fragmentOf(5, 1));
    table.erase(5);
    QCOMPARE(table.find(5), nullptr);
    table.erase(5);          // nothing there: nothing happens
    table.erase(99'999'999); // nor where no leaf was ever made
    QCOMPARE(table.entries(), 0);
}

void FragmentTableTest::countsEntriesAndBytes()
{
    FragmentTable table;
    QCOMPARE(table.bytes(), 0);
    for (qint64 id = 1; id <= 3000; ++id)
        table.put(id, QByteArray(150, 'r'), fragmentOf(id, 7), 0);
    QCOMPARE(table.entries(), 3000);
    // 3,000 dense ids: one mid node, three leaves, and per entry its own bytes.
    const qint64 perEntry = (table.bytes() - 3 * 8192 - 8192) / 3000;
    QVERIFY2(perEntry >= 150 + 10 && perEntry < 400, qPrintable(QString::number(perEntry)));
    for (qint64 id = 1; id <= 1000; ++id)
        table.erase(id);
    QCOMPARE(table.entries(), 2000);
}

void FragmentTableTest::freesOnceNoSectionCanHold()
{
    FragmentTable table;
    table.put(1, "a", "x", 0);
    {
        const FragmentTable::ReadSection section(table);
        const FragmentTable::Entry *held = table.find(1);
        table.put(1, "b", "y", 0);
        table.put(1, "c", "z", 0);
        // Both replaced entries wait: this section may hold either.
        QCOMPARE(table.awaitingFree(), 2);
        QCOMPARE(held->fragment().toByteArray(), QByteArray("x"));
    }
    // With no section open, the next write frees what waited (and what it replaces).
    table.put(1, "d", "w", 0);
    QCOMPARE(table.awaitingFree(), 0);
    QCOMPARE(table.entries(), 1);
}

void FragmentTableTest::readersSeeWholeEntriesWhileWritersReplace()
{
    constexpr qint64 kIds = 4096;
    FragmentTable table;
    for (qint64 id = 0; id < kIds; ++id)
        table.put(id, {}, fragmentOf(id, 0), 0);

    std::atomic<bool> stop{false};
    std::atomic<qint64> reads{0}, broken{0};
    auto reader = [&](unsigned seed) {
        std::mt19937 random(seed);
        while (!stop.load()) {
            const FragmentTable::ReadSection section(table);
            std::vector<const FragmentTable::Entry *> held;
            for (int i = 0; i < 64; ++i) {
                const qint64 id = qint64(random() % kIds);
                if (const FragmentTable::Entry *entry = table.find(id)) {
                    held.push_back(entry);
                    if (!wellFormed(entry->fragment(), id))
                        ++broken;
                }
            }
            // Still whole at the end of the section, however often they were replaced since.
            for (const FragmentTable::Entry *entry : held) {
                if (!wellFormed(entry->fragment(), entry->fragment().toByteArray().split(':')[0].toLongLong()))
                    ++broken;
            }
            reads += qint64(held.size());
        }
    };
    auto writer = [&](unsigned seed) {
        std::mt19937 random(seed);
        for (int version = 1; !stop.load(); ++version) {
            const qint64 id = qint64(random() % kIds);
            if (version % 7 == 0)
                table.erase(id);
            else
                table.put(id, {}, fragmentOf(id, version), 0);
        }
    };
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < 3; ++i)
        threads.emplace_back(reader, i + 1);
    for (unsigned i = 0; i < 2; ++i)
        threads.emplace_back(writer, i + 100);
    QTest::qWait(1500);
    stop = true;
    for (std::thread &t : threads)
        t.join();

    QCOMPARE(broken.load(), 0);
    QVERIFY(reads.load() > 10'000);
    // Memory stays bounded: once the readers are gone, one write frees all that waited.
    table.put(0, {}, fragmentOf(0, 1), 0);
    QCOMPARE(table.awaitingFree(), 0);
}

QTEST_GUILESS_MAIN(FragmentTableTest)
#include "tst_fragmenttable.moc"
