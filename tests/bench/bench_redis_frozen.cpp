// How long a call to the Redis client holds its caller while Redis is frozen (SIGSTOP: the
// kernel still accepts connections and bytes, the server never answers). Threads call MGET
// of ten keys, as the delivery path does, for a few seconds with the server frozen, in two
// patterns: paced (each thread one call every 5 ms, an idle server) and back to back (a
// loaded one). Prints p50 / p99 / max of every call, how many succeeded and how many took
// longer than the command timeout and 25 ms; then thaws the server and says how long the
// client took to be served again.
// Usage: bench_redis_frozen [seconds per pattern=5] [threads=4]
#include "RedisClient.h"
#include "TestRedis.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace adserve;
using namespace adserve::test;
using namespace std::chrono_literals;

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5))];
}

struct Pattern
{
    const char *name;
    std::chrono::milliseconds pause; // between two calls of one thread
};

// Every call's duration in ms, from `threads` threads for `seconds`, and how many succeeded.
std::vector<double> run(RedisClient &client, const Pattern &pattern, int threads, int seconds, int *succeeded)
{
    const QList<QByteArray> keys{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"};
    std::mutex mutex;
    std::vector<double> millis;
    std::atomic<int> ok{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            std::vector<double> mine;
            QElapsedTimer total;
            total.start();
            while (total.elapsed() < seconds * 1000) {
                QElapsedTimer call;
                call.start();
                if (client.mget(keys).ok())
                    ++ok;
                mine.push_back(double(call.nsecsElapsed()) / 1e6);
                std::this_thread::sleep_for(pattern.pause);
            }
            std::lock_guard lock(mutex);
            millis.insert(millis.end(), mine.begin(), mine.end());
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    *succeeded = ok.load();
    return millis;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? QByteArray(argv[1]).toInt() : 5;
    const int threads = argc > 2 ? QByteArray(argv[2]).toInt() : 4;
    QTextStream out(stdout);

    TestRedisServer redis;
    if (!redis.start()) {
        QTextStream(stderr) << "bench_redis_frozen: " << redis.error() << Qt::endl;
        return 1;
    }
    auto options = RedisOptions::fromUrl(redis.url());
    auto client = RedisClient::create(options.value);
    QList<QPair<QByteArray, QByteArray>> items;
    for (int i = 0; i < 10; ++i)
        items.append({"k" + QByteArray::number(i), QByteArray(200, 'x')});
    if (!client->setMany(items, 1h).ok()) {
        QTextStream(stderr) << "bench_redis_frozen: cannot write the keys" << Qt::endl;
        return 1;
    }
    out << "Redis frozen (SIGSTOP), MGET of 10 keys, " << threads << " threads, " << seconds
        << " s per pattern; command timeout " << options.value.commandTimeout.count() << " ms, connect timeout "
        << options.value.connectTimeout.count() << " ms\n";
    const double bound = double(options.value.commandTimeout.count() + 25);
    out << "pattern        calls     ok   p50 ms   p99 ms   max ms   over " << bound << " ms   recovered after ms\n";
    for (const Pattern &pattern : {Pattern{"paced 5 ms", 5ms}, Pattern{"back to back", 0ms}}) {
        redis.pause();
        int succeeded = 0;
        const std::vector<double> millis = run(*client, pattern, threads, seconds, &succeeded);
        redis.resume();
        QElapsedTimer recovery;
        recovery.start();
        while (!client->mget({"k0"}).ok() && recovery.elapsed() < 10000)
            QThread::msleep(1);
        const auto over = std::count_if(millis.begin(), millis.end(), [&](double ms) { return ms > bound; });
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                   .arg(QLatin1String(pattern.name), -12)
                   .arg(millis.size(), 7)
                   .arg(succeeded, 6)
                   .arg(percentile(millis, 0.5), 8, 'f', 1)
                   .arg(percentile(millis, 0.99), 8, 'f', 1)
                   .arg(percentile(millis, 1.0), 8, 'f', 1)
                   .arg(over, 12)
                   .arg(recovery.elapsed(), 20);
        out.flush();
    }
    return 0;
}
