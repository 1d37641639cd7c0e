// Background jobs and what they leave: a job's result is shown on the GUI thread, but what
// it holds (a bulk edit's record of 100,000s of campaigns) is freed on a pool thread; work
// asked for while a job runs follows it.
#include "common/BackgroundJob.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace adserve;

namespace {

// Records the thread it is destroyed on.
struct Probe
{
    explicit Probe(std::shared_ptr<std::atomic<QThread *>> where) : freedOn(std::move(where)) {}
    ~Probe() { freedOn->store(QThread::currentThread()); }
    std::shared_ptr<std::atomic<QThread *>> freedOn;
};

} // namespace

class TestBackgroundJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultShownOnTheGuiThreadAndFreedOffIt()
    {
        auto freedOn = std::make_shared<std::atomic<QThread *>>(nullptr);
        QThread *shownOn = nullptr;
        BackgroundJob job;
        QSignalSpy finished(&job, &BackgroundJob::finished);
        QVERIFY(job.start(QStringLiteral("probe"), [&shownOn, freedOn](JobControl &) -> BackgroundJob::Finish {
            auto outcome = std::make_shared<const Probe>(freedOn);
            return [&shownOn, outcome] { shownOn = QThread::currentThread(); };
        }));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(shownOn, QThread::currentThread());
        QTRY_VERIFY(freedOn->load() != nullptr);
        QVERIFY(freedOn->load() != QThread::currentThread());
    }

    void workAskedForDuringAJobFollowsIt()
    {
        // A read asked for while another runs (the table, a history page, the known values
        // after a change) follows it as soon as it ends, the last one asked for only; none
        // follows a job cancelled because its owner closes.
        BackgroundJob job;
        QSemaphore held;
        QStringList ran;
        connect(&job, &BackgroundJob::finished, &job, [&] { ran << QStringLiteral("finished"); });
        QVERIFY(job.start(QStringLiteral("held"), [&held, &ran](JobControl &) -> BackgroundJob::Finish {
            held.acquire();
            return [&ran] { ran << QStringLiteral("its result"); };
        }));
        job.whenDone([&] { ran << QStringLiteral("first asked for"); });
        job.whenDone([&] { ran << QStringLiteral("last asked for"); });
        QTest::qWait(150); // the job is polled every 100 ms
        QVERIFY(ran.isEmpty());
        held.release();
        QVERIFY(job.waitForFinished());
        QCOMPARE(ran, QStringList({QStringLiteral("its result"), QStringLiteral("finished"), QStringLiteral("last asked for")}));

        job.whenDone([&] { ran << QStringLiteral("with no job running"); });
        QCOMPARE(ran.last(), QStringLiteral("with no job running"));

        ran.clear();
        QVERIFY(job.start(QStringLiteral("held"), [&held](JobControl &) -> BackgroundJob::Finish {
            held.acquire();
            return {};
        }));
        job.whenDone([&] { ran << QStringLiteral("after closing"); });
        held.release();
        job.cancelAndWait();
        QTest::qWait(150);
        QCOMPARE(ran, QStringList({QStringLiteral("finished")}));
    }
};

QTEST_MAIN(TestBackgroundJob)
#include "tst_gui_backgroundjob.moc"
