#include "StoreUnderTest.h"

#include "TestPostgres.h"
#include "store/ConnectionPool.h"

#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

using namespace adserve;

namespace {
std::atomic<int> nextRawConnection{1};
}

StoreUnderTest::StoreUnderTest(TestPostgres *postgres)
    : postgres_(postgres)
    , rawName_(QStringLiteral("test-raw-%1").arg(nextRawConnection.fetch_add(1)))
{
}

StoreUnderTest::~StoreUnderTest()
{
    closeRaw();
}

bool StoreUnderTest::fresh(QString *error)
{
    closeRaw();
    ++number_;
    if (!isPostgres()) {
        target_ = DatabaseTarget::sqlite(dir_.filePath(QStringLiteral("test_%1/adserve.sqlite").arg(number_)));
        return true;
    }
    const QString url = postgres_->createDatabase(QStringLiteral("test_%1_%2").arg(rawName_.section(u'-', -1)).arg(number_),
                                                  error);
    if (url.isEmpty())
        return false;
    target_ = *DatabaseTarget::fromDatabaseUrl(url, error);
    return true;
}

void StoreUnderTest::setTarget(const DatabaseTarget &target)
{
    closeRaw();
    target_ = target;
}

std::unique_ptr<CampaignStore> StoreUnderTest::open()
{
    QString error;
    auto store = CampaignStore::open(target_, &error);
    if (!store)
        qWarning("open failed: %s", qPrintable(error));
    return store;
}

QSqlDatabase StoreUnderTest::raw()
{
    QSqlDatabase db = QSqlDatabase::database(rawName_, false);
    if (db.isOpen())
        return db;
    QString error;
    db = ConnectionPool::open(target_, rawName_, &error);
    if (!db.isOpen())
        qWarning("raw connection failed: %s", qPrintable(error));
    return db;
}

void StoreUnderTest::closeRaw()
{
    ConnectionPool::close(rawName_);
}

bool StoreUnderTest::exec(const QString &sql)
{
    QSqlQuery query(raw());
    if (query.exec(sql))
        return true;
    qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return false;
}

qint64 StoreUnderTest::scalar(const QString &sql)
{
    QSqlQuery query(raw());
    if (!query.exec(sql) || !query.next()) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return -1;
    }
    return query.value(0).toLongLong();
}
