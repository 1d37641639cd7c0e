#pragma once

#include <QFuture>
#include <QObject>
#include <QString>
#include <QTimer>

class QThreadPool;

#include <atomic>
#include <functional>
#include <memory>

namespace adserve {

// What a job running on a pool thread shares with the window: progress it reports and a
// cancel request it polls. Every member is safe to call from any thread.
class JobControl
{
public:
    // Records progress; returns false once the user cancelled, so loops can stop.
    bool progress(qint64 done, qint64 total)
    {
        done_.store(done);
        total_.store(total);
        return !cancelled();
    }
    bool cancelled() const { return cancelled_.load(); }
    void cancel() { cancelled_.store(true); }
    qint64 done() const { return done_.load(); }
    qint64 total() const { return total_.load(); }

private:
    std::atomic<bool> cancelled_{false};
    std::atomic<qint64> done_{0};
    std::atomic<qint64> total_{0};
};

// Runs one long piece of work (generation, import, warm-up, scans, ...) off the GUI thread
// so the window never freezes. The work returns a closure that is run back on the GUI
// thread to show its result; progress is polled, so a fast loop cannot flood the window.
class BackgroundJob : public QObject
{
    Q_OBJECT
public:
    using Finish = std::function<void()>;
    using Work = std::function<Finish(JobControl &)>;

    // Where jobs run: a pool of their own, not Qt's global one, whose threads Qt paints
    // with (a window whose painting waits for a long store read to free a thread freezes).
    static QThreadPool *pool();
    // Drops `data` on a pool thread: freeing a million campaigns' worth is no work for the GUI
    // thread. When it was the last holder of something Large (a catalog, an index, a bulk
    // edit's record), the freed memory is given back to the system too. Not after every
    // release: a trim walks every malloc arena, each locked meanwhile (hundreds of ms on the
    // heap of a million campaigns), and the GUI thread waits for its own.
    enum class Size { Small, Large };
    static void releaseLater(std::shared_ptr<const void> data, Size size = Size::Small);

    explicit BackgroundJob(QObject *parent = nullptr);
    ~BackgroundJob() override;

    // False (and nothing started) when a job is already running.
    bool start(const QString &title, Work work);
    bool isRunning() const { return running_; }
    // Runs `next` here once the job under way has finished (after finished()), or at once
    // when none is running: work asked for meanwhile follows the job instead of waiting for
    // it. A later `next` replaces one not yet run; cancelAndWait() and abandon() drop it, as
    // their caller is closing or going away.
    void whenDone(std::function<void()> next);
    QString title() const { return title_; }
    void cancel();
    // Cancels and blocks until the work has returned (its Finish is dropped): before the
    // engine it uses goes away.
    void cancelAndWait();
    // For work that uses nothing of its owner (it captured what it needs by value): cancels
    // and returns at once; the work runs out on its pool thread and its Finish is dropped.
    void abandon();
    // Blocks (processing events) until the job is done: tests and the screenshot command.
    bool waitForFinished(int timeoutMs = 30000);

Q_SIGNALS:
    void started(const QString &title);
    void progressed(qint64 done, qint64 total);
    void finished(bool cancelled);

private:
    void complete();

    QString title_;
    bool running_ = false;
    std::shared_ptr<JobControl> control_;
    QFuture<Finish> future_;
    QTimer poll_;
    std::function<void()> next_; // see whenDone()
};

} // namespace adserve
