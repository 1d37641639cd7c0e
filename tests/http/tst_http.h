#pragma once

#include "TestBackends.h"

#include "Engine.h"
#include "http/HttpServerPool.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QObject>

#include <memory>

struct Response
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray allow;
    QByteArray changeId; // X-Adserve-Change-Id
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

inline const QByteArray kToken = "test-token";
// The sample request two sample campaigns (spotify, subwaysurfer) answer.
inline const QString kLudoInUs = QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");
inline const QByteArray kLudoInUsBody = "[{\"cid\":\"spotify\",\"img\":\"https://somelink\",\"cta\":\"Download\"},"
                                        "{\"cid\":\"subwaysurfer\",\"img\":\"https://somelink3\",\"cta\":\"Play\"}]";
inline const QByteArray kExplainToken = "explain-token";

// Declared apart from its definitions: moc cannot read the raw string literals there.
class HttpTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void deliveryV1_data();
    void deliveryV1();
    void deliveryApi_data();
    void deliveryApi();
    void methodsAndPaths_data();
    void methodsAndPaths();
    void malformedRequestLine();
    void health();
    void metrics();
    void explain();
    void tokensGuardExplainMetricsAndDetails();
    void adminRefusesTextsNoStoreCanHold_data();
    void adminRefusesTextsNoStoreCanHold();
    void thousandsOfRulesInOneCall();
    void cacheAside();
    void deactivatingStopsDeliveryAtOnce();
    void adminRequiresToken();
    void adminCrud();
    void adminRejectsBadInput_data();
    void adminRejectsBadInput();
    void adminCacheInvalidate();
    void writesCarryTheirChangeId();
    void instancesShowWhereAChangeIsLive();
    void historyAndRestore();
    void changeRoutesRejectBadInput_data();
    void changeRoutesRejectBadInput();
    void servingTimesOverHttp();
    void limitParam_data();
    void limitParam();
    void batchesGiveSameAnswer();
    void concurrentClients();

private:
    Response request(const QByteArray &method, const QString &target, const QByteArray &body = {},
                     const QByteArray &token = kToken);
    Response get(const QString &target) { return request("GET", target); }
    QStringList cids(const QJsonArray &array) const;
    qint64 createCampaign(const QJsonObject &campaign);

    TestBackends backends_;
    std::unique_ptr<adserve::Engine> engine_;
    std::unique_ptr<adserve::Metrics> metrics_;
    std::unique_ptr<adserve::HttpApi> api_;
    std::unique_ptr<adserve::HttpServerPool> server_;
    QNetworkAccessManager network_;
    QString base_;
};
