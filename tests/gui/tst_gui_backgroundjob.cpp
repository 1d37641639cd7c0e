// Background jobs and what they leave: a job's result is shown on the GUI thread, but what
// it holds (a bulk edit's record of 100,000s of campaigns) is freed on a pool thread.
#include "common/BackgroundJob.h"

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
};

QTEST_MAIN(TestBackgroundJob)
#include "tst_gui_backgroundjob.moc"
