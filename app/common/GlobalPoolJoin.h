#pragma once

#include "store/ConnectionPool.h"

#include <QThreadPool>

// Declared right after the application object, so it runs last on the way out of main:
// waits for the global thread pool's threads to end, then for every thread's database
// connections to be closed (threads close them after they were joined), while Qt is
// still whole, instead of racing the process exit.
struct GlobalPoolJoin
{
    GlobalPoolJoin() = default;
    GlobalPoolJoin(const GlobalPoolJoin &) = delete;
    GlobalPoolJoin &operator=(const GlobalPoolJoin &) = delete;
    ~GlobalPoolJoin()
    {
        QThreadPool::globalInstance()->waitForDone();
        adserve::ConnectionPool::awaitThreadCleanup(2000);
    }
};
