#pragma once

// The campaign store's contract, one suite over three files: the fixture and single-campaign
// writes (tst_campaignstore.cpp), opening a database (CampaignStoreOpenTests.cpp), and reads
// and writes of many campaigns (CampaignStoreBulkTests.cpp).
#include "TestCampaigns.h"
#include "StoreUnderTest.h"
#include "TestPostgres.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"
#include "store/ConnectionPool.h"
#include "store/Schema.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTimeZone>
#include <QtConcurrent>

using namespace adserve;
using adserve::test::campaign;
using adserve::test::rule;

namespace {

inline QStringList codes(const QList<Campaign> &campaigns)
{
    QStringList result;
    for (const Campaign &c : campaigns)
        result.append(c.code);
    return result;
}

inline QList<qint64> idsOf(const QList<Campaign> &campaigns)
{
    QList<qint64> result;
    for (const Campaign &c : campaigns)
        result.append(c.id);
    return result;
}

} // namespace

// Run once per backend (see main() in tst_campaignstore.cpp).
class CampaignStoreTest : public QObject
{
    Q_OBJECT
public:
    explicit CampaignStoreTest(TestPostgres *postgres) : db_(postgres) {}

private Q_SLOTS:
    void init();
    void cleanup();

    void schemaCreationIsIdempotent();
    void opensADatabaseOfTheGoService();
    void seedsSamplesOnlyIntoANewEmbeddedDatabase();
    void createReadsBackWithRules();
    void createNamesRulesWithoutCode();
    void ruleValuesRoundTripExactly();
    void invalidCampaignWritesNothing_data();
    void invalidCampaignWritesNothing();
    void duplicateCodeIsAConflict();
    void updateReplacesTheRuleSet();
    void updateWithStaleTimestampIsAConflict();
    void updatedAtChangesOnEveryWrite();
    void setStatusAndRemove();
    void ruleOperations();
    void missingCampaignsAreNotFound();
    void campaignsByIdsSkipsMissingIds();
    void targetingHasLiveCampaignsAndRules();
    void knownValuesPerDimension();
    void insertManyIsAllOrNothingOnInvalidInput();
    void insertManyReportsProgressAndCancels();
    void everyThreadUsesItsOwnConnection();
    void ownWritesAreAnnounced();
    void generatorFillsTheStore();
    void streamedTargetingIsTheTargeting();
    void indexReadInPartsIsTheWholeRead();
    void unreachableDatabaseIsUnavailableQuickly();
    void survivesAServerRestart();

private:
    bool isPostgres() const { return db_.isPostgres(); }
    std::unique_ptr<CampaignStore> openStore() { return db_.open(); }
    // Starts `server`, a PostgreSQL of the test's own, and opens store_ on it.
    bool openOwnServer(TestPostgres &server);
    QSqlDatabase rawConnection() { return db_.raw(); }
    qint64 scalar(const QString &sql) { return db_.scalar(sql); }

    StoreUnderTest db_;
    std::unique_ptr<CampaignStore> store_;
};
