// The studio on a large store, driven as a campaign manager uses the campaigns table:
// typing a filter at a human pace, filtering by targeting, sorting, scrolling, reloading.
// For each step it reports the longest the GUI thread went without running its event loop
// (the freeze a user feels), the time until the table showed the result, and the studio's
// RSS. Offscreen by default.
//
//   build/bin/bench_studio --store FILE.db [--keystroke-ms 120] [--reloads 5] [--no-bulk]
//                          [--slow-events MS]
//
// Make a store with `adserve generate --campaigns 1000000 --seed 42 --db FILE.db`.
#include "campaigns/BulkEditRunner.h"
#include "campaigns/CampaignFilterBar.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "Engine.h"
#include "config/Config.h"
#include "mainwindow/MainWindow.h"
#include "session/StudioSession.h"
#include "ProcessMemory.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPointer>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

using namespace adserve;
using adserve::bench::heapInUseMb;
using adserve::bench::rssMb;

namespace {

// This thread's time on a core and runnable but waiting for one since it began, in ns
// (Linux's schedstat; zeros when unknown). Read through a descriptor kept open: the stall
// monitor reads it every millisecond.
struct CoreTimes
{
    qint64 onCoreNs = 0;
    qint64 waitingNs = 0;
};
CoreTimes coreTimes()
{
    static const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC); // the GUI thread's
    char text[96];
    const ssize_t size = fd < 0 ? -1 : ::pread(fd, text, sizeof text - 1, 0);
    if (size <= 0)
        return {};
    text[size] = 0;
    char *end = nullptr;
    CoreTimes times;
    times.onCoreNs = std::strtoll(text, &end, 10);
    times.waitingNs = std::strtoll(end, nullptr, 10);
    return times;
}

// A thread of the bench that only sleeps a millisecond at a time. When it too is held far
// longer, the machine paused the whole process (a virtual machine's cores taken away); a
// stall of the window that a pause of this thread covers is not the studio's doing. It also
// posts an event to the GUI thread whenever the last one was taken, as input and paint
// events come, and keeps how long each waited: the window's answer to a user, which a timer
// tick that comes late does not tell on its own.
class PauseProbe
{
public:
    PauseProbe()
        : thread_([this] { run(); })
    {
    }
    ~PauseProbe()
    {
        stop_ = true;
        thread_.join();
    }
    // The longest time it was held past its sleep since the last call, in ms.
    qint64 takeLongest() { return longestMs_.exchange(0); }
    // The longest a posted event waited for the GUI thread since the last call, in ms.
    qint64 takeLongestEventWait() { return longestEventWaitMs_.exchange(0); }
    // How much of the last `ms` (to now) it was held.
    qint64 heldDuringLast(qint64 ms)
    {
        const qint64 from = nowMs() - ms;
        const std::lock_guard lock(mutex_);
        qint64 held = 0;
        for (const auto &[start, end] : pauses_)
            held += std::max<qint64>(0, end - std::max(start, from));
        return held;
    }

private:
    static qint64 nowMs()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    void run()
    {
        qint64 last = nowMs();
        while (!stop_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const qint64 now = nowMs();
            const qint64 held = now - last - 1;
            if (held > longestMs_)
                longestMs_ = held;
            if (!eventPosted_.exchange(true)) {
                QMetaObject::invokeMethod(
                    &onGuiThread_,
                    [this, posted = now] {
                        const qint64 waited = nowMs() - posted;
                        if (waited > longestEventWaitMs_)
                            longestEventWaitMs_ = waited;
                        eventPosted_ = false;
                    },
                    Qt::QueuedConnection);
            }
            if (held >= 5) {
                const std::lock_guard lock(mutex_);
                pauses_.emplace_back(last + 1, now);
                while (pauses_.front().second < now - 10'000) // what a stall can still ask about
                    pauses_.pop_front();
            }
            last = now;
        }
    }

    std::atomic<bool> stop_{false};
    std::atomic<qint64> longestMs_{0};
    std::mutex mutex_;
    std::deque<std::pair<qint64, qint64>> pauses_; // [start, end) in steady ms
    QObject onGuiThread_; // made by the GUI thread: what the probe posts runs there
    std::atomic<bool> eventPosted_{false};
    std::atomic<qint64> longestEventWaitMs_{0};
    std::thread thread_; // last: started once the rest is there
};

// Ticks every millisecond on the GUI thread: the longest gap between ticks is the longest
// the window could not repaint or take input.
class StallMonitor : public QObject
{
public:
    // Stalls of at least `tellMs` (0: none) are told as they end, split into time on a core
    // (the GUI thread working, or its virtual core not running), waiting for a core, and asleep.
    StallMonitor(qint64 tellMs, PauseProbe &probe)
        : tellMs_(tellMs)
        , probe_(probe)
    {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(1);
        connect(&timer_, &QTimer::timeout, this, [this] {
            const qint64 stall = sinceTick_.restart();
            longest_ = std::max(longest_, stall);
            const CoreTimes now = coreTimes();
            if (tellMs_ > 0 && stall >= tellMs_) {
                const qint64 onCore = (now.onCoreNs - atTick_.onCoreNs) / 1'000'000;
                const qint64 waiting = (now.waitingNs - atTick_.waitingNs) / 1'000'000;
                std::printf("  (stall: %lld ms, on a core %lld ms, waiting for one %lld ms, asleep %lld ms;"
                            " the bench's idle thread was held %lld ms of it)\n",
                            static_cast<long long>(stall), static_cast<long long>(onCore),
                            static_cast<long long>(waiting),
                            static_cast<long long>(std::max<qint64>(0, stall - onCore - waiting)),
                            static_cast<long long>(probe_.heldDuringLast(stall)));
            }
            atTick_ = now;
        });
        timer_.start();
        sinceTick_.start();
    }
    // The longest stall since the last call, in ms (the tick itself excluded).
    qint64 takeLongest()
    {
        longest_ = std::max(longest_, sinceTick_.elapsed());
        return std::max<qint64>(0, std::exchange(longest_, 0) - 1);
    }
    // How long the GUI thread waited, runnable, for a core since the last call, in ms.
    qint64 takeWaitedForACore()
    {
        const qint64 waited = coreTimes().waitingNs;
        return (waited - std::exchange(waitedBefore_, waited)) / 1'000'000;
    }
    // The longest the bench's idle thread was held since the last call (PauseProbe), in ms.
    qint64 takeLongestPause() { return probe_.takeLongest(); }
    // The longest a posted event waited for the GUI thread since the last call (PauseProbe), in ms.
    qint64 takeLongestEventWait() { return probe_.takeLongestEventWait(); }
    // Forgets the time since the last tick: the bench's own work between steps (reading
    // the heap's figures walks its free lists) is not the studio's stall.
    void forgetSinceTick()
    {
        probe_.takeLongestEventWait();
        sinceTick_.restart();
        atTick_ = coreTimes();
        longest_ = 0;
    }

private:
    const qint64 tellMs_;
    PauseProbe &probe_;
    QTimer timer_;
    QElapsedTimer sinceTick_;
    CoreTimes atTick_ = coreTimes();
    qint64 longest_ = 0;
    qint64 waitedBefore_ = coreTimes().waitingNs;
};

// Tells which event a long stall was spent in (--slow-events MS): the receiver's class and
// name and the event's type, for every event whose delivery took that long.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    qint64 slowMs = 0; // 0: not told

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (slowMs <= 0 || QThread::currentThread() != thread()) // the GUI thread's events only
            return QApplication::notify(receiver, event);
        // Only what outlives the delivery is kept before it (the receiver may be deleted), and
        // nothing is allocated per event: the bench would measure its own telling.
        const char *className = receiver->metaObject()->className();
        const int type = int(event->type());
        const QPointer<QObject> alive(receiver);
        QElapsedTimer clock;
        clock.start();
        const bool handled = QApplication::notify(receiver, event);
        const qint64 ms = clock.elapsed();
        if (ms < slowMs)
            return handled;
        QByteArray what = QByteArray(className) + " \"" + (alive ? alive->objectName().toUtf8() : QByteArray("(deleted)"))
                          + "\" event " + QByteArray::number(type);
        if (const auto *ticking = qobject_cast<const QTimer *>(alive.data()); ticking && ticking->parent())
            what += " (every " + QByteArray::number(ticking->interval()) + " ms, of a "
                    + ticking->parent()->metaObject()->className() + ")";
        std::printf("  (slow event: %lld ms in %s)\n", static_cast<long long>(ms), what.constData());
        return handled;
    }
};

// Runs the event loop until `done` holds; the ms it took (-1: not within the timeout).
template<typename Done>
qint64 runUntil(Done done, int timeoutMs = 600'000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return -1;
        // Waits for events as the studio's own loop does (the stall monitor's tick wakes it
        // every millisecond): spinning here would take a core from the work it waits for.
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return timer.elapsed();
}

// One step's line: its result, the longest stall since the step began, and memory.
void report(StallMonitor &stalls, const char *step, qint64 resultMs, qint64 rows)
{
    const qint64 stallMs = stalls.takeLongest();
    std::printf("%-34s result %7lld ms   longest stall %5lld ms   event waited %5lld ms   waited for a core %5lld ms"
                "   idle thread held %4lld ms   rows %8lld   RSS %5lld MB   heap in use %5lld MB\n",
                step, static_cast<long long>(resultMs), static_cast<long long>(stallMs),
                static_cast<long long>(stalls.takeLongestEventWait()),
                static_cast<long long>(stalls.takeWaitedForACore()), static_cast<long long>(stalls.takeLongestPause()),
                static_cast<long long>(rows),
                static_cast<long long>(rssMb()), static_cast<long long>(heapInUseMb()));
    std::fflush(stdout);
    stalls.forgetSinceTick();
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the studio's settings stay out of the user's
    QCommandLineParser options;
    options.addOptions({{"store", "SQLite store to open.", "file"},
                        {"keystroke-ms", "Pause between keystrokes (a quick typist: 120).", "ms", "120"},
                        {"reloads", "Full reloads to run.", "n", "5"},
                        {"no-bulk", "Skip the bulk edit and its undo (minutes at 1M campaigns)."},
                        {"slow-events", "Print every event whose delivery, and every stall, took at least this long.", "ms", "0"}});
    options.addHelpOption();
    options.process(app);
    if (!options.isSet("store") || !QFile::exists(options.value("store"))) {
        std::fprintf(stderr, "--store FILE (an existing SQLite store) is required\n");
        return 2;
    }
    const int keystrokeMs = options.value("keystroke-ms").toInt();
    app.slowMs = options.value("slow-events").toLongLong();

    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), options.value("store")},
                                              {QStringLiteral("ADSERVE_LISTEN"), QStringLiteral("127.0.0.1:0")}},
                                             &error);
    StudioSession session;
    QElapsedTimer clock;
    clock.start();
    if (!config || !session.open(*config, &error)) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("engine open (store and cache; the index loads in the background): %lld ms, RSS %lld MB\n",
                static_cast<long long>(clock.elapsed()), static_cast<long long>(rssMb()));

    PauseProbe pauses;
    StallMonitor stalls(app.slowMs, pauses);
    // What the engine did in the background: a whole store read again, or a change applied.
    QObject::connect(&session.engine(), &Engine::indexRebuilt, &stalls,
                     [](qint64 campaigns, qint64, qint64 micros) {
                         std::printf("  (the engine's index, %lld campaigns, made in %lld ms)\n",
                                     static_cast<long long>(campaigns), static_cast<long long>(micros / 1000));
                     }, Qt::QueuedConnection);
    MainWindow window(session);
    window.resize(1400, 900);
    window.show();
    CampaignsPanel *panel = window.campaigns();
    CampaignTableModel *model = panel->model();
    QTableView *table = panel->table();
    const auto settled = [&] { return !panel->isLoading() && !model->isArranging() && model->catalog().size() > 0; };
    stalls.takeLongest();
    QElapsedTimer sinceShown;
    sinceShown.start();
    // The window's first paint (fonts, every widget laid out) apart: before it there is no
    // window to freeze.
    const bool exposed = QTest::qWaitForWindowExposed(&window);
    runUntil([] { return false; }, 100);
    report(stalls, exposed ? "window up, first paint" : "window up (not exposed)", sinceShown.elapsed(), model->rowCount());
    // The table is read once the index is: beside it, the catalog keeps no second copy of the rules.
    runUntil([&] { return session.isLoaded(); });
    report(stalls, "window up to index loaded", sinceShown.elapsed(), model->rowCount());
    const qint64 loadedMs = runUntil(settled) < 0 ? -1 : sinceShown.elapsed();
    report(stalls, "window up to table loaded", loadedMs, model->rowCount());
    const qint64 total = model->catalog().size();

    // Typing at a human pace; the result counts from the last keystroke.
    const auto typeInto = [&](QLineEdit *edit, const QString &text, const char *step) {
        edit->setFocus();
        stalls.takeLongest();
        QElapsedTimer sinceLast;
        for (const QChar c : text) {
            if (sinceLast.isValid())
                runUntil([] { return false; }, keystrokeMs);
            QTest::keyClick(edit, c.toLatin1());
            sinceLast.start();
        }
        runUntil([&] { return !model->isArranging() && model->filter() == panel->filterBar()->filter(); });
        report(stalls, step, sinceLast.elapsed(), model->rowCount());
    };
    const auto clearField = [&](QLineEdit *edit, const char *step) {
        stalls.takeLongest();
        edit->clear();
        QElapsedTimer timer;
        timer.start();
        runUntil([&] { return !model->isArranging() && model->filter() == panel->filterBar()->filter(); }, 600'000);
        report(stalls, step, timer.elapsed(), model->rowCount());
    };
    const QString code = model->catalog().text(total / 2, CampaignCatalog::Text::Code); // gen-<seed>-<n>
    const QString prefix = code.left(code.lastIndexOf(QLatin1Char('-')) + 4);
    QLineEdit *text = panel->filterBar()->textEdit();
    typeInto(text, prefix, qPrintable(QStringLiteral("type \"%1\"").arg(prefix)));
    clearField(text, "clear the text filter");
    auto *country = panel->filterBar()->findChild<QLineEdit *>(QStringLiteral("filterCountry"));
    typeInto(country, QStringLiteral("FR"), "type country \"FR\"");
    typeInto(text, QStringLiteral("vpn"), "then type \"vpn\"");
    clearField(country, "clear the country");
    clearField(text, "clear the text again");

    const auto sortBy = [&](int column, Qt::SortOrder order, const char *step) {
        stalls.takeLongest();
        QElapsedTimer timer;
        timer.start();
        table->sortByColumn(column, order);
        runUntil([&] { return !model->isArranging(); });
        report(stalls, step, timer.elapsed(), model->rowCount());
    };
    sortBy(CampaignTableModel::Name, Qt::AscendingOrder, "sort by name");
    sortBy(CampaignTableModel::ServingNow, Qt::AscendingOrder, "sort by serving now");
    sortBy(CampaignTableModel::Priority, Qt::DescendingOrder, "sort by priority");
    sortBy(CampaignTableModel::Id, Qt::AscendingOrder, "sort by id");

    // A bulk edit of a filter result, then its undo: each one transaction in the background.
    typeInto(country, QStringLiteral("FR"), "type country \"FR\" again");
    const auto bulk = [&](const std::function<bool()> &start, const char *step) {
        stalls.takeLongest();
        QElapsedTimer timer;
        timer.start();
        if (!start())
            return;
        runUntil([&] { return !panel->job()->isRunning(); });
        report(stalls, qPrintable(QStringLiteral("%1: written").arg(QLatin1String(step))), timer.elapsed(), model->rowCount());
        runUntil(settled);
        report(stalls, qPrintable(QStringLiteral("%1: table reloaded").arg(QLatin1String(step))), timer.elapsed(),
               model->rowCount());
    };
    BulkEdit deactivate;
    deactivate.action = BulkEdit::Action::Deactivate;
    const QList<qint64> shown = panel->shownIds();
    if (!options.isSet("no-bulk")) {
        bulk([&] { return panel->bulkEdits()->start(deactivate, shown); }, "bulk deactivate");
        bulk([&] { return panel->bulkEdits()->undo(); }, "undo it");
    }
    clearField(country, "clear the country again");

    stalls.takeLongest();
    table->setFocus();
    QElapsedTimer scrolling;
    scrolling.start();
    for (int page = 0; page < 100; ++page) {
        QTest::keyClick(table, Qt::Key_PageDown);
        runUntil([] { return false; }, 10);
    }
    QTest::keyClick(table, Qt::Key_End, Qt::ControlModifier);
    runUntil([] { return false; }, 50);
    QTest::keyClick(table, Qt::Key_Home, Qt::ControlModifier);
    runUntil([] { return false; }, 50);
    report(stalls, "scroll 100 pages, end, home", scrolling.elapsed(), model->rowCount());

    for (int reload = 1; reload <= options.value("reloads").toInt(); ++reload) {
        stalls.takeLongest();
        QElapsedTimer timer;
        timer.start();
        panel->reload();
        runUntil([&] { return !panel->loader()->isRunning(); });
        runUntil(settled);
        report(stalls, qPrintable(QStringLiteral("reload %1").arg(reload)), timer.elapsed(), model->rowCount());
    }
    // What the studio keeps once the background work of the last step is done.
    for (int idle = 5; idle <= 30; idle += 5) {
        runUntil([] { return false; }, 5000);
        report(stalls, qPrintable(QStringLiteral("idle %1 s").arg(idle)), 5000, model->rowCount());
    }
    return 0;
}
