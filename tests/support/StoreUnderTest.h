#pragma once

#include "TestPostgres.h"
#include "store/CampaignStore.h"

#include <QTest>

#include <QSqlDatabase>
#include <QTemporaryDir>

#include <memory>

// A fresh, empty database per test, on SQLite (a temporary file) or on a TestPostgres, and a
// plain connection of the test's own beside the store: what psql or another service would use.
class StoreUnderTest
{
public:
    // `postgres` null: SQLite.
    explicit StoreUnderTest(TestPostgres *postgres);
    ~StoreUnderTest();

    bool isPostgres() const { return postgres_ != nullptr; }
    // Moves to a new empty database: the next open() and raw() go there.
    bool fresh(QString *error);
    const adserve::DatabaseTarget &target() const { return target_; }
    void setTarget(const adserve::DatabaseTarget &target);

    std::unique_ptr<adserve::CampaignStore> open();
    // The test's own connection (opened on first use, closed by closeRaw()).
    QSqlDatabase raw();
    void closeRaw();
    // Runs `sql` on raw(); false (and a warning) when it fails.
    bool exec(const QString &sql);
    // The first column of the first row of `sql` on raw(); -1 (and a warning) when it fails.
    qint64 scalar(const QString &sql);

private:
    TestPostgres *postgres_;
    QTemporaryDir dir_;
    adserve::DatabaseTarget target_;
    int number_ = 0;
    const QString rawName_;
};

// A store suite's main(): the suite runs once on SQLite (as `OnSqlite`), then once on a
// PostgreSQL it starts (as `OnPostgres`); both are the suite's class, constructed with the
// server (null for SQLite). Returns the failures of both.
template<typename OnSqlite, typename OnPostgres>
int runOnBothStores(int argc, char **argv)
{
    int failed = 0;
    {
        OnSqlite sqlite;
        failed += QTest::qExec(&sqlite, argc, argv);
    }
    TestPostgres postgres;
    QString error;
    if (!postgres.start(&error)) {
        qCritical("cannot start the test PostgreSQL server: %s", qPrintable(error));
        return failed + 1;
    }
    OnPostgres onPostgres(&postgres);
    return failed + QTest::qExec(&onPostgres, argc, argv);
}
