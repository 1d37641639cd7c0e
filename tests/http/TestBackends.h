#pragma once

#include "config/Config.h"

#include <QTemporaryDir>

#include <memory>

namespace adserve {
class CampaignStore;
}
class TestPostgres;
namespace adserve::test {
class TestRedisServer;
class TestRedisCluster;
}

// The store and cache a test suite runs over, chosen by ADSERVE_TEST_STORE
// (sqlite | postgres, default sqlite) and ADSERVE_TEST_CACHE (memory | redis |
// redis-cluster, default memory). Real servers are started here and stopped in stop().
class TestBackends
{
public:
    TestBackends();
    ~TestBackends();

    bool start(QString *error);
    void stop();
    const adserve::Config &config() const { return config_; }
    QString storeKind() const { return storeKind_; }
    QString cacheKind() const { return cacheKind_; }

    // Makes sure the three public sample campaigns are there, as ids 1, 2, 3 (a new
    // SQLite file has them already; PostgreSQL is filled here).
    static bool seedSamples(adserve::CampaignStore &store, QString *error);

private:
    QString storeKind_;
    QString cacheKind_;
    adserve::Config config_;
    QTemporaryDir dir_;
    std::unique_ptr<TestPostgres> postgres_;
    std::unique_ptr<adserve::test::TestRedisServer> redis_;
    std::unique_ptr<adserve::test::TestRedisCluster> cluster_;
};
