#include "StatementDeadline.h"

#include "PostgresHandle.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace adserve {

namespace {

using Clock = std::chrono::steady_clock;

// One thread for every watched connection of the process. It sleeps until the nearest
// deadline and shuts down the socket of every connection past its own.
class Watchdog
{
public:
    static Watchdog &instance()
    {
        // Never destroyed, its thread never joined: connections may be watched until the
        // process ends, after static destructors have started to run.
        static auto *watchdog = new Watchdog;
        return *watchdog;
    }

    // Watches `socket` (duplicated, so it stays the same socket even if libpq closes its
    // descriptor meanwhile) with the given deadline. Returns 0 when it cannot.
    quint64 watch(int socket, Clock::time_point deadline)
    {
        const int own = fcntl(socket, F_DUPFD_CLOEXEC, 0);
        if (own < 0)
            return 0;
        std::lock_guard lock(mutex_);
        const quint64 id = nextId_++;
        watches_.emplace(id, Watch{own, deadline, false});
        wakeIfSooner(deadline);
        return id;
    }

    void move(quint64 id, Clock::time_point deadline)
    {
        std::lock_guard lock(mutex_);
        const auto it = watches_.find(id);
        if (it == watches_.end() || it->second.cut)
            return;
        it->second.deadline = deadline;
        wakeIfSooner(deadline);
    }

    bool cut(quint64 id)
    {
        std::lock_guard lock(mutex_);
        const auto it = watches_.find(id);
        return it != watches_.end() && it->second.cut;
    }

    // Stops watching; true when the socket was cut.
    bool forget(quint64 id)
    {
        std::lock_guard lock(mutex_);
        const auto it = watches_.find(id);
        if (it == watches_.end())
            return false;
        const bool wasCut = it->second.cut;
        ::close(it->second.socket);
        watches_.erase(it);
        return wasCut;
    }

private:
    struct Watch
    {
        int socket;
        Clock::time_point deadline;
        bool cut;
    };

    Watchdog() { std::thread([this] { run(); }).detach(); }

    // With the lock held. Deadlines mostly come later than the one slept for: no wake-up then.
    void wakeIfSooner(Clock::time_point deadline)
    {
        if (deadline < wakeAt_)
            wake_.notify_one();
    }

    void run()
    {
        std::unique_lock lock(mutex_);
        while (true) {
            const Clock::time_point now = Clock::now();
            wakeAt_ = Clock::time_point::max();
            for (auto &[id, watch] : watches_) {
                if (watch.cut)
                    continue;
                if (watch.deadline <= now) {
                    // The blocked recv() returns end-of-file: libpq fails the call and drops the connection.
                    ::shutdown(watch.socket, SHUT_RDWR);
                    watch.cut = true;
                } else {
                    wakeAt_ = std::min(wakeAt_, watch.deadline);
                }
            }
            if (wakeAt_ == Clock::time_point::max())
                wake_.wait(lock);
            else
                wake_.wait_until(lock, wakeAt_);
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::unordered_map<quint64, Watch> watches_;
    quint64 nextId_ = 1;
    Clock::time_point wakeAt_ = Clock::time_point::max();
};

} // namespace

std::chrono::milliseconds StatementDeadline::serverTimeout(std::chrono::milliseconds timeout)
{
    return timeout - std::min(timeout / 4, std::chrono::milliseconds(100));
}

StatementDeadline::StatementDeadline(QSqlDatabase db, std::chrono::milliseconds timeout)
    : db_(std::move(db))
    , timeout_(timeout)
{
}

StatementDeadline::~StatementDeadline()
{
    stop();
}

void StatementDeadline::restart()
{
    restart(timeout_);
}

void StatementDeadline::restart(std::chrono::milliseconds wait)
{
    if (timeout_.count() <= 0 || expired_)
        return;
    const Clock::time_point deadline = Clock::now() + wait;
    if (watch_ != 0) {
        Watchdog::instance().move(watch_, deadline);
        return;
    }
    const int socket = PostgresHandle::socket(db_);
    if (socket >= 0)
        watch_ = Watchdog::instance().watch(socket, deadline);
}

void StatementDeadline::stop()
{
    if (watch_ == 0)
        return;
    expired_ = Watchdog::instance().forget(watch_) || expired_;
    watch_ = 0;
}

bool StatementDeadline::expired()
{
    if (!expired_ && watch_ != 0)
        expired_ = Watchdog::instance().cut(watch_);
    return expired_;
}

} // namespace adserve
