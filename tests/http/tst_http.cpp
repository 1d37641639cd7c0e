// The HTTP API against a real listening server over real backends. The store and cache
// are chosen by ADSERVE_TEST_STORE (sqlite | postgres) and ADSERVE_TEST_CACHE
// (memory | redis | redis-cluster); ctest runs this suite once per combination.
#include "tst_http.h"

#include "cache/CampaignCodec.h"

#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace adserve;

void HttpTest::initTestCase()
{
    QString error;
    QVERIFY2(backends_.start(&error), qPrintable(error));
    Config config = backends_.config();
    config.adminToken = QString::fromLatin1(kToken);
    config.explainToken = QString::fromLatin1(kExplainToken);
    engine_ = Engine::create(config, &error);
    QVERIFY2(engine_, qPrintable(error));
    QVERIFY2(backends_.seedSamples(engine_->store(), &error), qPrintable(error));
    metrics_ = std::make_unique<Metrics>();
    api_ = std::make_unique<HttpApi>(*engine_, *metrics_);
    server_ = std::make_unique<HttpServerPool>(*api_);
    QVERIFY2(server_->start(QHostAddress::LocalHost, 0, 2, &error), qPrintable(error));
    base_ = server_->url();
    qInfo("testing %s over %s and %s", qPrintable(base_), qPrintable(engine_->store().describe()),
          qPrintable(engine_->cache().backend().describe()));
}

void HttpTest::cleanupTestCase()
{
    server_.reset();
    api_.reset();
    engine_.reset();
    backends_.stop();
}

void HttpTest::init()
{
    engine_->delivery().setBatchSize(100);
}

Response HttpTest::request(const QByteArray &method, const QString &target, const QByteArray &body, const QByteArray &token)
{
    QNetworkRequest req(QUrl(base_ + target));
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token);
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = network_.sendCustomRequest(req, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        qWarning("request %s %s timed out", method.constData(), qPrintable(target));
    Response r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
               reply->rawHeader("Content-Type"), reply->rawHeader("Allow"), reply->rawHeader("X-Adserve-Change-Id")};
    reply->deleteLater();
    return r;
}

QStringList HttpTest::cids(const QJsonArray &array) const
{
    QStringList out;
    for (const QJsonValue &v : array)
        out << v.toObject().value(QStringLiteral("cid")).toString();
    return out;
}

qint64 HttpTest::createCampaign(const QJsonObject &campaign)
{
    const Response r = request("POST", QStringLiteral("/api/v1/campaigns"), QJsonDocument(campaign).toJson());
    if (r.status != 201)
        qWarning("create failed: %d %s", r.status, r.body.constData());
    return r.json().object().value(QStringLiteral("id")).toInteger();
}

void HttpTest::deliveryV1_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("sample: germany android -> duolingo")
        << "app=com.abc.xyz&country=germany&os=android" << 200
        << QByteArray(R"([{"cid":"duolingo","img":"https://somelink2","cta":"Install"}])");
    QTest::newRow("sample: us android ludo -> spotify, subwaysurfer")
        << "app=com.gametion.ludokinggame&country=us&os=android" << 200 << kLudoInUsBody;
    QTest::newRow("sample: missing app") << "country=germany&os=android" << 400 << QByteArray(R"({"error":"missing app param"})");
    QTest::newRow("app checked first") << "" << 400 << QByteArray(R"({"error":"missing app param"})");
    QTest::newRow("then country") << "app=x&os=android" << 400 << QByteArray(R"({"error":"missing country param"})");
    QTest::newRow("then os") << "app=x&country=us" << 400 << QByteArray(R"({"error":"missing os param"})");
    QTest::newRow("empty value is missing") << "app=&country=us&os=android" << 400 << QByteArray(R"({"error":"missing app param"})");
    QTest::newRow("blank value is missing") << "app=%20%20&country=us&os=android" << 400 << QByteArray(R"({"error":"missing app param"})");
    QTest::newRow("no match -> 204") << "app=x&country=germany&os=windows" << 204 << QByteArray();
    QTest::newRow("case and spaces") << "app=+com.abc.xyz+&country=GERMANY&os=Android" << 200
                                     << QByteArray(R"([{"cid":"duolingo","img":"https://somelink2","cta":"Install"}])");
    QTest::newRow("percent-encoded") << "app=com%2Eabc.xyz&country=ger%6Dany&os=android" << 200
                                     << QByteArray(R"([{"cid":"duolingo","img":"https://somelink2","cta":"Install"}])");
    QTest::newRow("over-long param") << "app=" + QString(300, QLatin1Char('a')) + "&country=us&os=android" << 400
                                     << QByteArray(R"({"error":"app param longer than 256 characters"})");
    QTest::newRow("unknown params ignored") << "app=com.abc.xyz&country=germany&os=android&debug=1" << 200
                                            << QByteArray(R"([{"cid":"duolingo","img":"https://somelink2","cta":"Install"}])");
}

void HttpTest::deliveryV1()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const Response r = get(QStringLiteral("/v1/delivery?") + query);
    QCOMPARE(r.status, status);
    QCOMPARE(r.body, body);
    if (status != 204)
        QCOMPARE(r.contentType, QByteArray("application/json"));
}

void HttpTest::deliveryApi_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("envelope") << "country=us&os=android&app=com.gametion.ludokinggame" << 200
                              << QByteArray(R"({"mc":"S012001","m":"Campaigns fetched successfully","lc":{"campaigns":[)"
                                            R"({"cid":"spotify","img":"https://somelink","cta":"Download"},)"
                                            R"({"cid":"subwaysurfer","img":"https://somelink3","cta":"Play"}]}})");
    QTest::newRow("no match") << "country=germany&os=windows&app=x" << 204 << QByteArray();
    QTest::newRow("malformed: every missing param listed")
        << "os=android" << 400
        << QByteArray(R"({"err":[{"di":"country","em":"missing country param"},{"di":"app","em":"missing app param"}],"m":"Malformed request","mc":"E014001"})");
}

void HttpTest::deliveryApi()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const Response r = get(QStringLiteral("/api/v1/delivery?") + query);
    QCOMPARE(r.status, status);
    if (status == 400)
        QCOMPARE(r.json(), QJsonDocument::fromJson(body));
    else
        QCOMPARE(r.body, body);
}

void HttpTest::methodsAndPaths_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("POST delivery") << QByteArray("POST") << "/v1/delivery?app=a&country=b&os=c" << 405;
    QTest::newRow("DELETE api delivery") << QByteArray("DELETE") << "/api/v1/delivery" << 405;
    QTest::newRow("PUT healthz") << QByteArray("PUT") << "/healthz" << 405;
    QTest::newRow("unknown path") << QByteArray("GET") << "/nope" << 404;
    QTest::newRow("trailing segment") << QByteArray("GET") << "/v1/delivery/extra" << 404;
    QTest::newRow("admin unknown") << QByteArray("GET") << "/api/v1/campaigns/1/other" << 404;
    QTest::newRow("admin bad id") << QByteArray("GET") << "/api/v1/campaigns/abc" << 400;
    QTest::newRow("admin missing campaign") << QByteArray("GET") << "/api/v1/campaigns/999999" << 404;
}

void HttpTest::methodsAndPaths()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    QFETCH(int, status);
    const Response r = request(method, target);
    QCOMPARE(r.status, status);
    if (status == 405)
        QVERIFY(!r.allow.isEmpty());
    QVERIFY(r.json().object().contains(QStringLiteral("error")));
}

void HttpTest::malformedRequestLine()
{
    // Garbage on the wire must not crash or hang the server; it keeps serving.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server_->port());
    QVERIFY(socket.waitForConnected(2000));
    socket.write("THIS IS NOT HTTP\r\n\r\n\x01\x02\x03");
    socket.waitForBytesWritten(1000);
    socket.waitForReadyRead(500);
    socket.close();
    QCOMPARE(get(QStringLiteral("/healthz")).status, 200);
}

void HttpTest::health()
{
    const Response h = get(QStringLiteral("/healthz"));
    QCOMPARE(h.status, 200);
    QCOMPARE(h.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    const Response r = get(QStringLiteral("/readyz"));
    QCOMPARE(r.status, 200);
    const QJsonObject ready = r.json().object();
    QCOMPARE(ready.value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
    const QJsonArray backends = ready.value(QStringLiteral("backends")).toArray();
    QCOMPARE(backends.size(), 2);
    for (const QJsonValue &b : backends)
        QVERIFY(b.toObject().value(QStringLiteral("up")).toBool());
    QVERIFY(!r.body.contains("password"));
    const QJsonObject changes = ready.value(QStringLiteral("changes")).toObject();
    QCOMPARE(changes.value(QStringLiteral("stale")).toBool(), false);
    QCOMPARE(changes.value(QStringLiteral("behindChanges")).toInteger(), 0);
    QVERIFY(changes.contains(QStringLiteral("appliedChangeId")));
    QCOMPARE(get(QStringLiteral("/readyz?maxLagSeconds=5")).status, 200); // not stale: ready whatever the bound
    QCOMPARE(get(QStringLiteral("/readyz?maxLagSeconds=soon")).status, 400);
}

void HttpTest::metrics()
{
    // The value of a metric line that has no labels, or -1.
    const auto value = [](const QByteArray &body, const QByteArray &name) {
        for (const QByteArray &line : body.split('\n')) {
            if (line.startsWith(QByteArray(name + ' ')))
                return line.mid(name.size() + 1).toDouble();
        }
        return -1.0;
    };
    const QByteArray deliveries = "adserve_delivery_stage_deliveries_total";
    const double deliveriesBefore = value(get(QStringLiteral("/metrics")).body, deliveries);
    QVERIFY(deliveriesBefore >= 0);
    QCOMPARE(get(QStringLiteral("/v1/delivery?app=com.abc.xyz&country=germany&os=android")).status, 200);
    get(QStringLiteral("/v1/delivery?country=germany"));
    const Response m = get(QStringLiteral("/metrics"));
    // The stages count deliveries only, not the request refused for a missing parameter.
    QCOMPARE(value(m.body, deliveries), deliveriesBefore + 1);
    for (const char *stage : {"match", "cache", "store", "write"})
        QVERIFY2(m.body.contains(QByteArray("adserve_delivery_stage_seconds_total{stage=\"" + QByteArray(stage) + "\"} ")), stage);
    QCOMPARE(m.status, 200);
    QVERIFY(m.contentType.startsWith("text/plain"));
    QVERIFY(m.body.contains("adserve_http_requests_total{route=\"/v1/delivery\",status=\"200\"}"));
    QVERIFY(m.body.contains("adserve_http_requests_total{route=\"/v1/delivery\",status=\"400\"}"));
    QVERIFY(m.body.contains("adserve_http_request_duration_seconds_bucket{route=\"/v1/delivery\",le=\"+Inf\"}"));
    QVERIFY(m.body.contains("adserve_cache_hits_total"));
    QVERIFY(m.body.contains("adserve_cache_up{"));
    QVERIFY(m.body.contains("adserve_cache_lookup_seconds_total{"));
    QVERIFY(m.body.contains("adserve_delivery_batches_total"));
    QVERIFY(m.body.contains("adserve_index_campaigns"));
    QVERIFY(m.body.contains("adserve_changes_applied_id "));
    QVERIFY(m.body.contains("adserve_changes_stale 0"));
    QVERIFY(m.body.contains("adserve_changes_lag_seconds "));
}

void HttpTest::explain()
{
    const Response r = get(QStringLiteral("/api/v1/delivery/explain?country=US&os=android&app=x"));
    QCOMPARE(r.status, 200);
    const QJsonObject body = r.json().object();
    QCOMPARE(cids(body.value(QStringLiteral("delivered")).toArray()), QStringList{QStringLiteral("spotify")});
    const QJsonArray decisions = body.value(QStringLiteral("decisions")).toArray();
    QVERIFY(decisions.size() >= 3);
    QJsonObject duolingo;
    for (const QJsonValue &d : decisions) {
        if (d.toObject().value(QStringLiteral("cid")).toString() == QLatin1String("duolingo"))
            duolingo = d.toObject();
    }
    QCOMPARE(duolingo.value(QStringLiteral("matched")).toBool(), false);
    QCOMPARE(duolingo.value(QStringLiteral("dimension")).toString(), QStringLiteral("country"));
    QCOMPARE(duolingo.value(QStringLiteral("value")).toString(), QStringLiteral("us"));
    QVERIFY(duolingo.value(QStringLiteral("reason")).toString().contains(QStringLiteral("EXCLUDE")));
    QVERIFY(body.value(QStringLiteral("timing")).toObject().contains(QStringLiteral("matchMicros")));

    const Response one = get(QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&campaign=spotify"));
    QCOMPARE(one.json().object().value(QStringLiteral("decisions")).toArray().size(), 1);
    QCOMPARE(cids(one.json().object().value(QStringLiteral("delivered")).toArray()), QStringList{QStringLiteral("spotify")});
    const Response byId = get(QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&campaign=3"));
    QCOMPARE(byId.json().object().value(QStringLiteral("decisions")).toArray()[0].toObject().value(QStringLiteral("cid")).toString(),
             QStringLiteral("subwaysurfer"));
    QVERIFY(byId.json().object().value(QStringLiteral("delivered")).toArray().isEmpty());
    const Response page = get(QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&limit=1&offset=1"));
    QCOMPARE(page.json().object().value(QStringLiteral("decisions")).toArray().size(), 1);
    QCOMPARE(page.json().object().value(QStringLiteral("decisions")).toArray()[0].toObject().value(QStringLiteral("cid")).toString(),
             QStringLiteral("duolingo"));
    QVERIFY(page.json().object().value(QStringLiteral("total")).toInt() >= 3);
    // Any offset and limit give a page inside the decisions (offset + limit used to overflow).
    const Response far = get(QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&limit=9223372036854775807&offset=1"));
    QCOMPARE(far.status, 200);
    QCOMPARE(far.json().object().value(QStringLiteral("decisions")).toArray().size(),
             page.json().object().value(QStringLiteral("total")).toInt() - 1);
    const Response beyond = get(QStringLiteral("/api/v1/delivery/explain?limit=9223372036854775807&offset=9223372036854775807"));
    QCOMPARE(beyond.status, 200);
    QVERIFY(beyond.json().object().value(QStringLiteral("decisions")).toArray().isEmpty());
    // Each decision in words with a machine-readable code; spotify targets the name "Canada".
    const Response canada = get(QStringLiteral("/api/v1/delivery/explain?country=CA&os=android&app=x&campaign=spotify"));
    const QJsonObject spotify = canada.json().object().value(QStringLiteral("decisions")).toArray().at(0).toObject();
    QCOMPARE(spotify.value(QStringLiteral("code")).toString(), QStringLiteral("not-included"));
    QCOMPARE(spotify.value(QStringLiteral("verdict")).toString(), QStringLiteral("rejected")); // kept as it was
    QCOMPARE(spotify.value(QStringLiteral("rule")).toString(), QStringLiteral("INCLUDE country: US, Canada"));
    QVERIFY2(spotify.value(QStringLiteral("reason")).toString().contains(
                 QStringLiteral("the campaign targets \"Canada\", a country name; requests carry ISO codes such as \"CA\"")),
             qPrintable(spotify.value(QStringLiteral("reason")).toString()));
    const QJsonObject hint = spotify.value(QStringLiteral("hint")).toObject();
    QCOMPARE(hint.value(QStringLiteral("code")).toString(), QStringLiteral("country-name"));
    QCOMPARE(hint.value(QStringLiteral("usual")).toString(), QStringLiteral("CA"));
    const QJsonObject countryCheck = spotify.value(QStringLiteral("checks")).toArray().at(0).toObject();
    QCOMPARE(countryCheck.value(QStringLiteral("code")).toString(), QStringLiteral("not-included"));
    QCOMPARE(countryCheck.value(QStringLiteral("include")).toArray(), (QJsonArray{QStringLiteral("US"), QStringLiteral("Canada")}));
    QCOMPARE(get(QStringLiteral("/api/v1/delivery/explain?limit=-1")).status, 400);
    QCOMPARE(get(QStringLiteral("/api/v1/delivery/explain?offset=x")).status, 400);
    QCOMPARE(get(QStringLiteral("/api/v1/delivery/explain?campaign=nosuch")).status, 404);
}

void HttpTest::cacheAside()
{
    // A change notice still on its way (PostgreSQL announces this suite's own writes a
    // second time, through NOTIFY) would rightly drop the refill checked below: let any
    // such notice land first.
    QTest::qWait(300);
    engine_->cache().invalidate({1, 2, 3});
    const auto before = engine_->cache().stats();
    QCOMPARE(get(kLudoInUs).status, 200);
    engine_->cache().waitForRefills();
    const auto afterFirst = engine_->cache().stats();
    QCOMPARE(afterFirst.misses - before.misses, 2);
    QCOMPARE(afterFirst.hits - before.hits, 0);
    // The refill wrote the Go-format value under the Go key.
    const auto stored = engine_->cache().backend().getMany({CampaignCodec::cacheKey(1)});
    QVERIFY(stored.ok() && stored.value[0]);
    QCOMPARE(CampaignCodec::decode(*stored.value[0])->code, QStringLiteral("spotify"));
    QVERIFY(engine_->cache().backend().keyDetails({CampaignCodec::cacheKey(1)}).value.value(0).ttlMs > 0);

    const Response second = get(kLudoInUs);
    QCOMPARE(second.status, 200);
    const auto afterSecond = engine_->cache().stats();
    QCOMPARE(afterSecond.hits - afterFirst.hits, 2);
    QCOMPARE(afterSecond.misses - afterFirst.misses, 0);

    // A value the Go service wrote is read and delivered.
    Campaign fromGo = engine_->store().campaign(1).value.campaign;
    fromGo.cta = QStringLiteral("Listen");
    engine_->cache().backend().setMany({{CampaignCodec::cacheKey(1), CampaignCodec::encode(fromGo)}}, std::chrono::hours(1));
    QVERIFY(get(kLudoInUs).body.contains(R"("cta":"Listen")"));
    // An unparseable value is a miss, replaced from the store, never delivered.
    engine_->cache().backend().setMany({{CampaignCodec::cacheKey(1), "{broken"}}, std::chrono::hours(1));
    QVERIFY(get(kLudoInUs).body.contains(R"("cta":"Download")"));
    engine_->cache().waitForRefills();
    QVERIFY(CampaignCodec::decode(*engine_->cache().backend().getMany({CampaignCodec::cacheKey(1)}).value[0]));
}

void HttpTest::deactivatingStopsDeliveryAtOnce()
{
    get(kLudoInUs); // warm the cache with spotify
    engine_->cache().waitForRefills();
    QCOMPARE(request("PATCH", QStringLiteral("/api/v1/campaigns/1"), R"({"status":"INACTIVE"})").status, 200);
    QCOMPARE(get(kLudoInUs).body, QByteArray(R"([{"cid":"subwaysurfer","img":"https://somelink3","cta":"Play"}])"));
    // Even a stale ACTIVE value left in the cache is not delivered.
    Campaign stale = engine_->store().campaign(1).value.campaign;
    stale.status = kStatusActive;
    engine_->cache().backend().setMany({{CampaignCodec::cacheKey(1), CampaignCodec::encode(stale)}}, std::chrono::hours(1));
    QVERIFY(!get(kLudoInUs).body.contains("spotify"));
    QCOMPARE(request("PATCH", QStringLiteral("/api/v1/campaigns/1"), R"({"status":"ACTIVE"})").status, 200);
    QVERIFY(get(kLudoInUs).body.contains("spotify"));
}

void HttpTest::adminRequiresToken()
{
    QCOMPARE(request("GET", QStringLiteral("/api/v1/campaigns"), {}, {}).status, 401);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/campaigns"), {}, "wrong").status, 401);
    QCOMPARE(request("POST", QStringLiteral("/api/v1/cache/invalidate"), {}, "wrong").status, 401);
    QCOMPARE(get(QStringLiteral("/api/v1/campaigns")).status, 200);
}

void HttpTest::adminCrud()
{
    const QJsonObject newCampaign{
        {QStringLiteral("code"), QStringLiteral("netflix")},
        {QStringLiteral("name"), QStringLiteral("Netflix")},
        {QStringLiteral("image"), QStringLiteral("https://img/netflix.png")},
        {QStringLiteral("cta"), QStringLiteral("Watch")},
        {QStringLiteral("rules"), QJsonArray{QJsonObject{{QStringLiteral("dimension"), QStringLiteral("country")},
                                                         {QStringLiteral("ruleType"), QStringLiteral("INCLUDE")},
                                                         {QStringLiteral("values"), QJsonArray{QStringLiteral("Japan")}}}}}};
    const qint64 id = createCampaign(newCampaign);
    QVERIFY(id > 3);
    const QString japan = QStringLiteral("/v1/delivery?app=a&country=japan&os=tizen");
    QCOMPARE(get(japan).body, QByteArray(R"([{"cid":"netflix","img":"https://img/netflix.png","cta":"Watch"}])"));

    const Response read = get(QStringLiteral("/api/v1/campaigns/%1").arg(id));
    QCOMPARE(read.status, 200);
    const QJsonObject campaign = read.json().object();
    QCOMPARE(campaign.value(QStringLiteral("rules")).toArray().size(), 1);
    const qint64 ruleId = campaign.value(QStringLiteral("rules")).toArray()[0].toObject().value(QStringLiteral("id")).toInteger();

    // Add an exclude rule: japan + os tizen is now excluded.
    const Response added = request("POST", QStringLiteral("/api/v1/campaigns/%1/rules").arg(id),
                                   R"({"dimension":"os","ruleType":"EXCLUDE","values":["Tizen"]})");
    QCOMPARE(added.status, 201);
    QCOMPARE(get(japan).status, 204);
    const qint64 excludeId = added.json().object().value(QStringLiteral("id")).toInteger();
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1/rules/%2").arg(id).arg(excludeId)).status, 204);
    QCOMPARE(get(japan).status, 200);

    // Change the include rule's values.
    QCOMPARE(request("PUT", QStringLiteral("/api/v1/campaigns/%1/rules/%2").arg(id).arg(ruleId),
                     R"({"dimension":"country","ruleType":"INCLUDE","values":["France"]})").status, 200);
    QCOMPARE(get(japan).status, 204);
    const QString france = QStringLiteral("/v1/delivery?app=a&country=france&os=tizen");
    QCOMPARE(get(france).status, 200);

    // Update fields; a stale updatedAt is a conflict and changes nothing.
    const Response updated = request("PUT", QStringLiteral("/api/v1/campaigns/%1").arg(id), R"({"cta":"Stream"})");
    QCOMPARE(updated.status, 200);
    QVERIFY(get(france).body.contains("Stream"));
    const QString staleTime = campaign.value(QStringLiteral("updatedAt")).toString();
    const Response conflict = request("PUT", QStringLiteral("/api/v1/campaigns/%1").arg(id),
                                      QJsonDocument(QJsonObject{{QStringLiteral("cta"), QStringLiteral("Old")},
                                                                {QStringLiteral("updatedAt"), staleTime}}).toJson());
    QCOMPARE(conflict.status, 409);
    QVERIFY(get(france).body.contains("Stream"));

    // Soft delete.
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(id)).status, 204);
    QCOMPARE(get(france).status, 204);
    QCOMPARE(get(QStringLiteral("/api/v1/campaigns/%1").arg(id)).status, 404);
}

void HttpTest::adminRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("invalid json") << QByteArray("POST") << "/api/v1/campaigns" << QByteArray("{oops") << 400 << "invalid JSON";
    QTest::newRow("not an object") << QByteArray("POST") << "/api/v1/campaigns" << QByteArray("[1]") << 400 << "JSON object";
    QTest::newRow("code not a string") << QByteArray("POST") << "/api/v1/campaigns" << QByteArray(R"({"code":5})") << 400 << "code";
    QTest::newRow("bad dimension") << QByteArray("POST") << "/api/v1/campaigns"
                                   << QByteArray(R"({"code":"x1","name":"n","image":"https://i","cta":"c","rules":[{"dimension":"planet","ruleType":"INCLUDE","values":["a"]}]})")
                                   << 400 << "rules[0].dimension";
    QTest::newRow("bad rule type") << QByteArray("POST") << "/api/v1/campaigns"
                                   << QByteArray(R"({"code":"x2","name":"n","image":"https://i","cta":"c","rules":[{"dimension":"os","ruleType":"MAYBE","values":["a"]}]})")
                                   << 400 << "rules[0].ruleType";
    QTest::newRow("values not strings") << QByteArray("POST") << "/api/v1/campaigns"
                                        << QByteArray(R"({"code":"x3","name":"n","image":"https://i","cta":"c","rules":[{"dimension":"os","ruleType":"INCLUDE","values":[1]}]})")
                                        << 400 << "rules[0].values";
    QTest::newRow("empty values") << QByteArray("POST") << "/api/v1/campaigns"
                                  << QByteArray(R"({"code":"x4","name":"n","image":"https://i","cta":"c","rules":[{"dimension":"os","ruleType":"INCLUDE","values":[]}]})")
                                  << 400 << "rules[0].values";
    QTest::newRow("image not a url") << QByteArray("POST") << "/api/v1/campaigns"
                                     << QByteArray(R"({"code":"x5","name":"n","image":"not a url","cta":"c"})") << 400 << "image";
    QTest::newRow("duplicate code") << QByteArray("POST") << "/api/v1/campaigns"
                                    << QByteArray(R"({"code":"spotify","name":"n","image":"https://i","cta":"c"})") << 409 << "";
    const QByteArray valid = R"("code":"timed","name":"n","image":"https://i","cta":"c",)";
    QTest::newRow("flight ends before it starts")
        << QByteArray("POST") << "/api/v1/campaigns"
        << "{" + valid + R"("flightStart":"2026-12-24T00:00:00Z","flightEnd":"2026-12-23T00:00:00Z"})" << 400 << "flightEnd";
    QTest::newRow("flight time without a zone")
        << QByteArray("POST") << "/api/v1/campaigns" << "{" + valid + R"("flightStart":"2026-12-24T00:00:00"})" << 400
        << "flightStart";
    QTest::newRow("unknown time zone")
        << QByteArray("POST") << "/api/v1/campaigns"
        << "{" + valid + R"("dayParting":{"timeZone":"Mars/Olympus","hours":["1","1","1","1","1","1","1"]}})" << 400
        << "dayParting.hours";
    QTest::newRow("six days of hours")
        << QByteArray("POST") << "/api/v1/campaigns"
        << "{" + valid + R"("dayParting":{"timeZone":"UTC","hours":["111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111"]}})"
        << 400 << "dayParting.hours";
    QTest::newRow("a zone no system knows")
        << QByteArray("POST") << "/api/v1/campaigns"
        << "{" + valid + R"("dayParting":{"timeZone":"Mars/Olympus","hours":["111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111","111111111111111111111111"]}})"
        << 400 << "Mars/Olympus";
    QTest::newRow("no hour at all")
        << QByteArray("POST") << "/api/v1/campaigns"
        << "{" + valid + R"("dayParting":{"timeZone":"UTC","hours":["0","0","0","0","0","0","0"]}})" << 400
        << "dayParting.hours";
    QTest::newRow("priority out of range")
        << QByteArray("POST") << "/api/v1/campaigns" << "{" + valid + R"("priority":10000000})" << 400 << "priority";
    QTest::newRow("priority not a number")
        << QByteArray("POST") << "/api/v1/campaigns" << "{" + valid + R"("priority":"high"})" << 400 << "priority";
    QTest::newRow("bad status") << QByteArray("PATCH") << "/api/v1/campaigns/1" << QByteArray(R"({"status":"PAUSED-ISH"})") << 400 << "status";
    QTest::newRow("invalidate ids not array") << QByteArray("POST") << "/api/v1/cache/invalidate" << QByteArray(R"({"ids":"all"})") << 400 << "ids";
}

void HttpTest::adminRejectsBadInput()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, mentions);
    const int campaignsBefore = engine_->matcher().snapshot()->campaignCount();
    const Response r = request(method, target, body);
    QCOMPARE(r.status, status);
    QVERIFY2(r.body.contains(mentions.toUtf8()), r.body.constData());
    // Nothing half-written.
    QCOMPARE(engine_->matcher().snapshot()->campaignCount(), campaignsBefore);
    QCOMPARE(get(kLudoInUs).body, kLudoInUsBody);
}

void HttpTest::adminCacheInvalidate()
{
    get(kLudoInUs);
    engine_->cache().waitForRefills();
    QVERIFY(engine_->cache().backend().getMany({CampaignCodec::cacheKey(3)}).value[0]);
    const Response one = request("POST", QStringLiteral("/api/v1/cache/invalidate"), R"({"ids":[3]})");
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json().object().value(QStringLiteral("removed")).toInteger(), 1);
    QVERIFY(!engine_->cache().backend().getMany({CampaignCodec::cacheKey(3)}).value[0]);
    QVERIFY(engine_->cache().backend().getMany({CampaignCodec::cacheKey(1)}).value[0]);
    QCOMPARE(request("POST", QStringLiteral("/api/v1/cache/invalidate")).status, 200);
    QVERIFY(!engine_->cache().backend().getMany({CampaignCodec::cacheKey(1)}).value[0]);
    const Response stats = get(QStringLiteral("/api/v1/cache/stats"));
    QCOMPARE(stats.status, 200);
    QVERIFY(stats.json().object().contains(QStringLiteral("hitRatio")));
}

void HttpTest::batchesGiveSameAnswer()
{
    // Many campaigns that all match: one batch inline or many concurrent ones, same bytes.
    QList<qint64> ids;
    for (int i = 0; i < 45; ++i) {
        ids << createCampaign(QJsonObject{{QStringLiteral("code"), QStringLiteral("batch-%1").arg(i)},
                                          {QStringLiteral("name"), QStringLiteral("Batch %1").arg(i)},
                                          {QStringLiteral("image"), QStringLiteral("https://img/%1").arg(i)},
                                          {QStringLiteral("cta"), QStringLiteral("Go")},
                                          {QStringLiteral("rules"), QJsonArray{QJsonObject{{QStringLiteral("dimension"), QStringLiteral("app")},
                                                                                          {QStringLiteral("ruleType"), QStringLiteral("INCLUDE")},
                                                                                          {QStringLiteral("values"), QJsonArray{QStringLiteral("batch.app")}}}}}});
    }
    const QString target = QStringLiteral("/v1/delivery?app=batch.app&country=x&os=y");
    engine_->delivery().setBatchSize(100);
    const Response single = get(target);
    QCOMPARE(single.json().array().size(), 45);
    const qint64 batchesBefore = engine_->delivery().batchesRun();
    engine_->delivery().setBatchSize(7);
    engine_->cache().invalidate(ids);
    const Response cold = get(target);
    QCOMPARE(engine_->delivery().batchesRun() - batchesBefore, 7);
    const Response warm = get(target);
    QCOMPARE(cold.body, single.body);
    QCOMPARE(warm.body, single.body);
    QCOMPARE(cids(single.json().array()).first(), QStringLiteral("batch-0"));
    for (qint64 id : ids)
        QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(id)).status, 204);
}

void HttpTest::concurrentClients()
{
    // Many requests in flight at once over several connections: every answer right.
    const QByteArray expected = R"([{"cid":"duolingo","img":"https://somelink2","cta":"Install"}])";
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 200; ++i) {
        QNetworkRequest req(QUrl(base_ + QStringLiteral("/v1/delivery?app=com.abc.xyz&country=germany&os=android")));
        replies << network_.get(req);
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.begin(), replies.end(), [](QNetworkReply *r) { return r->isFinished(); }), 20000);
    for (QNetworkReply *r : replies) {
        QCOMPARE(r->readAll(), expected);
        r->deleteLater();
    }
}

QTEST_GUILESS_MAIN(HttpTest)
