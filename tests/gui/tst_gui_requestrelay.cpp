// The relay from the embedded server's threads to the window's: every record arrives, in
// order, while the window keeps up; a window far behind costs bounded memory, and the count
// of requests served stays exact.
#include "session/RequestRelay.h"

#include <QCoreApplication>
#include <QTest>
#include <QThread>

using namespace adserve;

class TestRequestRelay : public QObject
{
    Q_OBJECT

    static RequestRecord record(int n)
    {
        RequestRecord r;
        r.method = "GET";
        r.target = QStringLiteral("/v1/delivery?n=%1").arg(n);
        r.status = 200;
        return r;
    }

private Q_SLOTS:
    void everyRecordInOrderWhileTheWindowKeepsUp()
    {
        RequestRelay relay;
        QStringList seen;
        connect(&relay, &RequestRelay::requestServed, this, [&](const RequestRecord &r) { seen.append(r.target); });
        std::unique_ptr<QThread> server(QThread::create([&] {
            for (int n = 0; n < 3000; ++n) {
                relay.push(record(n));
                if (n % 100 == 0)
                    QThread::usleep(200); // batches of various sizes
            }
        }));
        server->start();
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 3000, 10000);
        server->wait();
        for (int n = 0; n < 3000; ++n)
            QCOMPARE(seen[n], QStringLiteral("/v1/delivery?n=%1").arg(n));
        QCOMPARE(relay.served(), 3000);
        QCOMPARE(relay.dropped(), 0);
    }

    // The window's thread does not run while the server answers 25,000 requests: at most
    // kMaxPending records wait for it; the rest are counted, not kept.
    void boundedWhenTheWindowFallsBehind()
    {
        RequestRelay relay;
        qint64 seen = 0;
        connect(&relay, &RequestRelay::requestServed, this, [&] { ++seen; });
        std::unique_ptr<QThread> server(QThread::create([&] {
            for (int n = 0; n < 25'000; ++n)
                relay.push(record(n));
        }));
        server->start();
        QVERIFY(server->wait(10000)); // no event processed meanwhile
        QCOMPARE(relay.served(), 25'000);
        QCOMPARE(relay.dropped(), 25'000 - RequestRelay::kMaxPending);
        QTRY_COMPARE(seen, RequestRelay::kMaxPending);
        // Caught up: new records flow again.
        relay.push(record(1));
        QTRY_COMPARE(seen, RequestRelay::kMaxPending + 1);
    }
};

QTEST_MAIN(TestRequestRelay)
#include "tst_gui_requestrelay.moc"
