// QA mode's scenarios as a client sees them over real sockets: fixed answers byte for byte,
// latency distributions, dribbled bodies, resets, closes, truncations and hangs, probabilities,
// the scenario a request names, and the admin API that manages them.
#include "QaTestServer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QTest>

#include <algorithm>

namespace {

const QString kLudo = QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");
const QByteArray kLudoBody = "[{\"cid\":\"spotify\",\"img\":\"https://somelink\",\"cta\":\"Download\"},"
                             "{\"cid\":\"subwaysurfer\",\"img\":\"https://somelink3\",\"cta\":\"Play\"}]";
constexpr int kHangMaxMs = 1500;

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class QaScenariosTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void fixedAnswers_data();
    void fixedAnswers();
    void requestNamesItsScenario();
    void qaRoutesAreNeverFaulted();
    void latencyDistribution();
    void dribbledBody();
    void pipelinedAnswersKeepTheirOrder();
    void resetSeenByClient();
    void closeWithoutAnswer();
    void truncatedBody();
    void hangUntilClientGivesUp();
    void hangBoundedByServer();
    void probabilityWithinBinomialBound();
    void scenarioApiRejectsBadInput_data();
    void scenarioApiRejectsBadInput();
    void builtInsAreProtected();
    void addedScenariosAreBounded();
    void adminTokenEnforced();

private:
    // PUTs a scenario of one rule named `name`.
    void putScenario(const QString &name, const QJsonObject &rule);
    QString url(const QString &target) const { return server_.url() + target; }

    QaTestServer server_;
};

void QaScenariosTest::initTestCase()
{
    QString error;
    QVERIFY2(server_.start({{QStringLiteral("QA_HANG_MAX_MS"), QString::number(kHangMaxMs)}}, &error), qPrintable(error));
}

void QaScenariosTest::cleanupTestCase()
{
    server_.stop();
}

void QaScenariosTest::init()
{
    QCOMPARE(qaRequest("POST", url(QStringLiteral("/api/v1/qa/active")), R"({"scenario":null})").status, 200);
}

void QaScenariosTest::putScenario(const QString &name, const QJsonObject &rule)
{
    const QJsonObject scenario{{QStringLiteral("rules"), QJsonArray{rule}}};
    const QaResponse r = qaRequest("PUT", url(QStringLiteral("/api/v1/qa/scenarios/") + name), compact(scenario));
    QVERIFY2(r.status == 200 || r.status == 201, r.body.constData());
}

void QaScenariosTest::fixedAnswers_data()
{
    QTest::addColumn<QString>("scenario"); // built-in, or "custom" made from `rule`
    QTest::addColumn<QJsonObject>("rule");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("built-in no-fill") << "no-fill" << QJsonObject() << kLudo << 204 << QByteArray() << QByteArray();
    QTest::newRow("built-in server-error") << "server-error" << QJsonObject() << kLudo << 500
                                           << QByteArray("application/json")
                                           << QByteArray(R"({"error":"internal server error"})");
    QTest::newRow("built-in malformed-json") << "malformed-json" << QJsonObject() << kLudo << 200
                                             << QByteArray("application/json") << QByteArray(kLudoBody.chopped(1) + ",]}");
    QTest::newRow("built-in, not a delivery: the engine answers")
        << "server-error" << QJsonObject() << QStringLiteral("/healthz") << 200 << QByteArray("application/json")
        << QByteArray(R"({"status":"ok"})");
    const auto answer = [](const QJsonObject &a) { return QJsonObject{{QStringLiteral("answer"), a}}; };
    QTest::newRow("campaigns pinned, in the given order")
        << "custom" << answer({{QStringLiteral("campaigns"), QJsonArray{3, 1}}}) << QStringLiteral("/v1/delivery?app=x&country=de&os=ios")
        << 200 << QByteArray("application/json")
        << QByteArray(R"([{"cid":"subwaysurfer","img":"https://somelink3","cta":"Play"},{"cid":"spotify","img":"https://somelink","cta":"Download"}])");
    QTest::newRow("campaigns pinned, in the envelope of /api/v1/delivery")
        << "custom" << answer({{QStringLiteral("campaigns"), QJsonArray{2}}})
        << QStringLiteral("/api/v1/delivery?app=x&country=de&os=ios") << 200 << QByteArray("application/json")
        << QByteArray(R"({"mc":"S012001","m":"Campaigns fetched successfully","lc":{"campaigns":[{"cid":"duolingo","img":"https://somelink2","cta":"Install"}]}})");
    QTest::newRow("campaigns pinned that do not exist: no fill")
        << "custom" << answer({{QStringLiteral("campaigns"), QJsonArray{999}}}) << kLudo << 204 << QByteArray() << QByteArray();
    QTest::newRow("any status, body and content type")
        << "custom"
        << answer({{QStringLiteral("status"), 503}, {QStringLiteral("body"), QStringLiteral("down for maintenance")},
                   {QStringLiteral("contentType"), QStringLiteral("text/plain")}})
        << kLudo << 503 << QByteArray("text/plain") << QByteArray("down for maintenance");
    QTest::newRow("the engine's answer with a wrong content type")
        << "custom" << answer({{QStringLiteral("contentType"), QStringLiteral("text/html")}}) << kLudo << 200
        << QByteArray("text/html") << kLudoBody;
    QTest::newRow("a 204 never carries a body")
        << "custom" << answer({{QStringLiteral("status"), 204}, {QStringLiteral("body"), QStringLiteral("x")}}) << kLudo
        << 204 << QByteArray() << QByteArray();
    QTest::newRow("a rule that does not match: the engine answers")
        << "custom"
        << QJsonObject{{QStringLiteral("when"), QJsonObject{{QStringLiteral("params"), QJsonObject{{QStringLiteral("os"), QStringLiteral("i*")}}}}},
                       {QStringLiteral("answer"), QJsonObject{{QStringLiteral("noFill"), true}}}}
        << kLudo << 200 << QByteArray("application/json") << kLudoBody;
    QTest::newRow("a rule on a parameter glob, any case")
        << "custom"
        << QJsonObject{{QStringLiteral("when"), QJsonObject{{QStringLiteral("params"), QJsonObject{{QStringLiteral("app"), QStringLiteral("COM.gametion.*")}}}}},
                       {QStringLiteral("answer"), QJsonObject{{QStringLiteral("noFill"), true}}}}
        << kLudo << 204 << QByteArray() << QByteArray();
}

void QaScenariosTest::fixedAnswers()
{
    QFETCH(QString, scenario);
    QFETCH(QJsonObject, rule);
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    if (scenario == QLatin1String("custom"))
        putScenario(scenario, rule);
    const RawAnswer r = rawGet(server_.port(), target, {{"X-Adserve-Scenario", scenario.toUtf8()}});
    QCOMPARE(r.end, RawAnswer::End::Closed);
    QCOMPARE(r.status(), status);
    QCOMPARE(r.body(), body);
    QCOMPARE(r.header("Content-Type"), contentType);
    QCOMPARE(r.header("X-Adserve-Qa"), scenario.toUtf8());
    if (status != 204)
        QCOMPARE(r.header("Content-Length").toInt(), body.size());
    if (scenario == QLatin1String("malformed-json"))
        QVERIFY(QJsonDocument::fromJson(r.body()).isNull());
}

void QaScenariosTest::requestNamesItsScenario()
{
    QCOMPARE(qaRequest("POST", url(QStringLiteral("/api/v1/qa/active")), R"({"scenario":"no-fill"})").status, 200);
    QaResponse r = qaRequest("GET", url(kLudo), {}, {});
    QCOMPARE(r.status, 204);
    QCOMPARE(r.headers.value("x-adserve-qa"), QByteArray("no-fill"));
    r = qaRequest("GET", url(kLudo), {}, {}, "server-error");
    QCOMPARE(r.status, 500);
    QCOMPARE(r.headers.value("x-adserve-qa"), QByteArray("server-error"));
    r = qaRequest("GET", url(kLudo), {}, {}, "none"); // the engine, whatever is active
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, kLudoBody);
    QCOMPARE(r.headers.value("x-adserve-qa"), QByteArray("none"));
    r = qaRequest("GET", url(kLudo), {}, {}, "no-such-scenario");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains("no QA scenario named \\\"no-such-scenario\\\""), r.body.constData());
    // /readyz says QA mode is on, and which scenario is active.
    const QJsonObject qa = qaRequest("GET", url(QStringLiteral("/readyz")), {}, {}).json()[QLatin1String("qa")].toObject();
    QCOMPARE(qa.value(QLatin1String("mode")).toString(), QStringLiteral("on"));
    QCOMPARE(qa.value(QLatin1String("activeScenario")).toString(), QStringLiteral("no-fill"));
}

void QaScenariosTest::qaRoutesAreNeverFaulted()
{
    putScenario(QStringLiteral("everything-resets"), {{QStringLiteral("fault"), QStringLiteral("reset")}});
    QCOMPARE(qaRequest("POST", url(QStringLiteral("/api/v1/qa/active")), R"({"scenario":"everything-resets"})").status, 200);
    QCOMPARE(rawGet(server_.port(), QStringLiteral("/healthz")).end, RawAnswer::End::Reset);
    QCOMPARE(qaRequest("GET", url(QStringLiteral("/api/v1/qa/journal?limit=1"))).status, 200);
    QCOMPARE(qaRequest("POST", url(QStringLiteral("/api/v1/qa/active")), R"({"scenario":null})").status, 200);
    QCOMPARE(rawGet(server_.port(), QStringLiteral("/healthz")).status(), 200);
}

void QaScenariosTest::latencyDistribution()
{
    // Log-normal, median 20 ms and p99 60 ms: 200 draws put the sample median in 17–23 ms and the
    // sample p99 in 42–91 ms (1 in 1,000 runs outside, simulated); the client's own time adds a little,
    // more on a busy machine, hence the room above.
    putScenario(QStringLiteral("lognormal"), {{QStringLiteral("latency"), QJsonObject{{QStringLiteral("medianMs"), 20},
                                                                                      {QStringLiteral("p99Ms"), 60}}}});
    QList<qint64> ms;
    for (int i = 0; i < 200; ++i) {
        const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "lognormal"}});
        QCOMPARE(r.status(), 200);
        QCOMPARE(r.body(), kLudoBody);
        ms.append(r.firstByteMs);
    }
    std::sort(ms.begin(), ms.end());
    const double median = (ms[99] + ms[100]) / 2.0;
    const qint64 p99 = ms[197];
    qInfo("log-normal 20/60 ms: median %.1f ms, p99 %lld ms", median, p99);
    QVERIFY2(median >= 16.5 && median <= 30, qPrintable(QString::number(median)));
    QVERIFY2(p99 >= 40 && p99 <= 140, qPrintable(QString::number(p99)));

    putScenario(QStringLiteral("fixed"), {{QStringLiteral("latency"), QJsonObject{{QStringLiteral("fixedMs"), 150}}}});
    const RawAnswer fixed = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "fixed"}});
    QCOMPARE(fixed.body(), kLudoBody);
    QVERIFY2(fixed.firstByteMs >= 150 && fixed.firstByteMs < 300, qPrintable(QString::number(fixed.firstByteMs)));

    // Uniform 30–60 ms: every draw inside, and spread over the range (20 draws all within 10 ms
    // of each other: 1 in 10^8).
    putScenario(QStringLiteral("uniform"), {{QStringLiteral("latency"), QJsonObject{{QStringLiteral("minMs"), 30},
                                                                                    {QStringLiteral("maxMs"), 60}}}});
    qint64 lo = 1'000'000, hi = 0;
    for (int i = 0; i < 20; ++i) {
        const qint64 first = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "uniform"}}).firstByteMs;
        lo = std::min(lo, first);
        hi = std::max(hi, first);
    }
    QVERIFY2(lo >= 30 && hi <= 80 && hi - lo >= 10, qPrintable(QStringLiteral("%1–%2 ms").arg(lo).arg(hi)));
}

void QaScenariosTest::dribbledBody()
{
    putScenario(QStringLiteral("dribble"), {{QStringLiteral("latency"), QJsonObject{{QStringLiteral("fixedMs"), 400}}},
                                            {QStringLiteral("dribble"), true}});
    const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "dribble"}});
    QCOMPARE(r.end, RawAnswer::End::Closed);
    QCOMPARE(r.body(), kLudoBody);
    QVERIFY2(r.firstByteMs < 150, qPrintable(QString::number(r.firstByteMs))); // the head comes at once
    QVERIFY2(r.endMs >= 390 && r.endMs < 800, qPrintable(QString::number(r.endMs)));
}

void QaScenariosTest::pipelinedAnswersKeepTheirOrder()
{
    // On one connection: a slow answer, then one at once, then a dribbled one. They come back in
    // the order asked, and the connection is kept alive across them.
    putScenario(QStringLiteral("slow"), {{QStringLiteral("latency"), QJsonObject{{QStringLiteral("fixedMs"), 200}}}});
    putScenario(QStringLiteral("dribble"), {{QStringLiteral("latency"), QJsonObject{{QStringLiteral("fixedMs"), 100}}},
                                            {QStringLiteral("dribble"), true}});
    const QByteArray get = "GET " + kLudo.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    const RawAnswer r = rawExchange(server_.port(), get + "X-Adserve-Scenario: slow\r\n\r\n"
                                                        + get + "X-Adserve-Scenario: no-fill\r\n\r\n"
                                                        + get + "X-Adserve-Scenario: dribble\r\nConnection: close\r\n\r\n");
    QCOMPARE(r.end, RawAnswer::End::Closed);
    QVERIFY2(r.firstByteMs >= 200, qPrintable(QString::number(r.firstByteMs)));
    const qsizetype slow = r.bytes.indexOf("X-Adserve-Qa: slow");
    const qsizetype noFill = r.bytes.indexOf("X-Adserve-Qa: no-fill");
    const qsizetype dribble = r.bytes.indexOf("X-Adserve-Qa: dribble");
    QVERIFY2(slow >= 0 && slow < noFill && noFill < dribble, r.bytes.constData());
    QCOMPARE(r.bytes.count(kLudoBody), 2);
    QVERIFY(r.bytes.endsWith(kLudoBody));
}

void QaScenariosTest::resetSeenByClient()
{
    const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "reset"}});
    QCOMPARE(r.end, RawAnswer::End::Reset);
    QVERIFY(r.bytes.isEmpty());
    // An app's HTTP stack sees a failed request, not an answer.
    const QaResponse app = qaRequest("GET", url(kLudo), {}, {}, "reset");
    QCOMPARE(app.status, 0);
    QCOMPARE(app.error, int(QNetworkReply::RemoteHostClosedError));
    // The server goes on serving.
    QCOMPARE(rawGet(server_.port(), kLudo).status(), 200);
}

void QaScenariosTest::closeWithoutAnswer()
{
    putScenario(QStringLiteral("close"), {{QStringLiteral("fault"), QStringLiteral("close")}});
    const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "close"}});
    QCOMPARE(r.end, RawAnswer::End::Closed);
    QVERIFY(r.bytes.isEmpty());
}

void QaScenariosTest::truncatedBody()
{
    putScenario(QStringLiteral("truncate"), {{QStringLiteral("fault"), QStringLiteral("truncate")}});
    const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "truncate"}});
    QCOMPARE(r.end, RawAnswer::End::Closed);
    QCOMPARE(r.status(), 200);
    QCOMPARE(r.header("Content-Length").toInt(), kLudoBody.size());
    QCOMPARE(r.body(), kLudoBody.first(kLudoBody.size() / 2));
}

void QaScenariosTest::hangUntilClientGivesUp()
{
    putScenario(QStringLiteral("hang"), {{QStringLiteral("fault"), QStringLiteral("hang")}});
    const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "hang"}}, 300);
    QCOMPARE(r.end, RawAnswer::End::TimedOut);
    QVERIFY(r.bytes.isEmpty());
    const QaResponse app = qaRequest("GET", url(kLudo), {}, {}, "hang", 300);
    QCOMPARE(app.status, 0);
    QCOMPARE(app.error, int(QNetworkReply::OperationCanceledError)); // the transfer timeout
    // The journal says the client gave up.
    QTRY_VERIFY_WITH_TIMEOUT(qaRequest("GET", url(QStringLiteral("/api/v1/qa/journal?scenario=hang&limit=1")))
                                 .body.contains("hung until the client closed the connection"),
                             3000);
}

void QaScenariosTest::hangBoundedByServer()
{
    putScenario(QStringLiteral("hang"), {{QStringLiteral("fault"), QStringLiteral("hang")}});
    const RawAnswer r = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "hang"}}, 5000);
    QCOMPARE(r.end, RawAnswer::End::Closed);
    QVERIFY(r.bytes.isEmpty());
    QVERIFY2(r.endMs >= kHangMaxMs - 50 && r.endMs < kHangMaxMs + 1000, qPrintable(QString::number(r.endMs)));
}

void QaScenariosTest::probabilityWithinBinomialBound()
{
    // 400 requests, p = 0.3: mean 120, standard deviation 9.2; 4.5 deviations either side.
    putScenario(QStringLiteral("flaky"), {{QStringLiteral("probability"), 0.3},
                                          {QStringLiteral("answer"), QJsonObject{{QStringLiteral("status"), 500}}}});
    int failed = 0;
    for (int i = 0; i < 400; ++i) {
        const int status = rawGet(server_.port(), kLudo, {{"X-Adserve-Scenario", "flaky"}}).status();
        QVERIFY(status == 200 || status == 500);
        failed += status == 500;
    }
    qInfo("probability 0.3: %d of 400 failed", failed);
    QVERIFY2(failed >= 79 && failed <= 161, qPrintable(QString::number(failed)));
}

void QaScenariosTest::scenarioApiRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("not JSON") << QByteArray("{rules") << QByteArray("invalid JSON");
    QTest::newRow("not an object") << QByteArray("[]") << QByteArray("must be a JSON object");
    QTest::newRow("no rules") << QByteArray("{}") << QByteArray("rules must be an array");
    QTest::newRow("unknown field") << QByteArray(R"({"rules":[{"latncy":{}}]})") << QByteArray("unknown field \\\"latncy\\\"");
    QTest::newRow("probability over 1") << QByteArray(R"({"rules":[{"probability":1.5}]})") << QByteArray("probability must be a number from 0 to 1");
    QTest::newRow("latency of no known form") << QByteArray(R"({"rules":[{"latency":{"fixedMs":5,"minMs":1}}]})") << QByteArray("latency must be");
    QTest::newRow("p99 below the median") << QByteArray(R"({"rules":[{"latency":{"medianMs":50,"p99Ms":10}}]})") << QByteArray("p99Ms must be a number from 50");
    QTest::newRow("latency over 10 minutes") << QByteArray(R"({"rules":[{"latency":{"fixedMs":600001}}]})") << QByteArray("fixedMs must be a number from 0 to 600000");
    QTest::newRow("unknown fault") << QByteArray(R"({"rules":[{"fault":"explode"}]})") << QByteArray("fault must be one of");
    QTest::newRow("two fixed answers") << QByteArray(R"({"rules":[{"answer":{"noFill":true,"body":"x"}}]})") << QByteArray("give one of");
    QTest::newRow("status out of range") << QByteArray(R"({"rules":[{"answer":{"status":99}}]})") << QByteArray("answer.status");
    QTest::newRow("campaign id not whole") << QByteArray(R"({"rules":[{"answer":{"campaigns":[1.5]}}]})") << QByteArray("answer.campaigns");
    QTest::newRow("header value not text") << QByteArray(R"({"rules":[{"when":{"headers":{"x-a":1}}}]})") << QByteArray("when.headers.x-a must be a text");
    QTest::newRow("content type with a line break") << QByteArray(R"({"rules":[{"answer":{"contentType":"a\r\nX: y"}}]})") << QByteArray("contentType");
    QTest::newRow("name differs from the path") << QByteArray(R"({"name":"other","rules":[]})") << QByteArray("differs from the name in the path");
    QTest::newRow("too many rules") << QByteArray("{\"rules\":[" + QByteArray("{},").repeated(100) + "{}]}") << QByteArray("at most 100 rules");
}

void QaScenariosTest::scenarioApiRejectsBadInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, message);
    const QaResponse r = qaRequest("PUT", url(QStringLiteral("/api/v1/qa/scenarios/bad")), body);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains(message), r.body.constData());
    QCOMPARE(qaRequest("GET", url(QStringLiteral("/api/v1/qa/scenarios/bad"))).status, 404); // nothing half-made
}

void QaScenariosTest::builtInsAreProtected()
{
    QCOMPARE(qaRequest("PUT", url(QStringLiteral("/api/v1/qa/scenarios/reset")), R"({"rules":[]})").status, 409);
    QCOMPARE(qaRequest("DELETE", url(QStringLiteral("/api/v1/qa/scenarios/no-fill"))).status, 409);
    QCOMPARE(qaRequest("DELETE", url(QStringLiteral("/api/v1/qa/scenarios/nothing-here"))).status, 404);
    QCOMPARE(qaRequest("POST", url(QStringLiteral("/api/v1/qa/active")), R"({"scenario":"nothing-here"})").status, 404);
    QCOMPARE(qaRequest("POST", url(QStringLiteral("/api/v1/qa/active")), R"({"scenario":3})").status, 400);
    QCOMPARE(qaRequest("PUT", url(QStringLiteral("/api/v1/qa/scenarios/bad%20name")), R"({"rules":[]})").status, 400);
    const QJsonArray all = qaRequest("GET", url(QStringLiteral("/api/v1/qa/scenarios"))).json()[QLatin1String("scenarios")].toArray();
    QStringList builtIn;
    for (const QJsonValue &s : all) {
        if (s[QLatin1String("builtIn")].toBool())
            builtIn << s[QLatin1String("name")].toString();
    }
    builtIn.sort();
    QCOMPARE(builtIn, QStringList({"malformed-json", "no-fill", "reset", "server-error", "slow-3s"}));
}

void QaScenariosTest::addedScenariosAreBounded()
{
    const auto added = [this] {
        int n = 0;
        for (const QJsonValue &s : qaRequest("GET", url(QStringLiteral("/api/v1/qa/scenarios"))).json()[QLatin1String("scenarios")].toArray())
            n += !s[QLatin1String("builtIn")].toBool();
        return n;
    };
    for (int i = added(); i < adserve::ScenarioBook::kMaxAdded; ++i)
        QCOMPARE(qaRequest("PUT", url(QStringLiteral("/api/v1/qa/scenarios/filler-%1").arg(i)), R"({"rules":[]})").status, 201);
    const QaResponse full = qaRequest("PUT", url(QStringLiteral("/api/v1/qa/scenarios/one-more")), R"({"rules":[]})");
    QCOMPARE(full.status, 409);
    QVERIFY2(full.body.contains("delete one first"), full.body.constData());
    const QString last = QStringLiteral("/api/v1/qa/scenarios/filler-%1").arg(adserve::ScenarioBook::kMaxAdded - 1);
    QCOMPARE(qaRequest("PUT", url(last), R"({"rules":[]})").status, 200); // replacing one is fine
    for (int i = 0; i < adserve::ScenarioBook::kMaxAdded; ++i)
        qaRequest("DELETE", url(QStringLiteral("/api/v1/qa/scenarios/filler-%1").arg(i)));
    QVERIFY(added() < adserve::ScenarioBook::kMaxAdded);
}

void QaScenariosTest::adminTokenEnforced()
{
    for (const auto &[method, target] : {std::pair{QByteArray("GET"), QStringLiteral("/api/v1/qa/scenarios")},
                                         std::pair{QByteArray("PUT"), QStringLiteral("/api/v1/qa/scenarios/x")},
                                         std::pair{QByteArray("POST"), QStringLiteral("/api/v1/qa/active")},
                                         std::pair{QByteArray("GET"), QStringLiteral("/api/v1/qa/journal")},
                                         std::pair{QByteArray("GET"), QStringLiteral("/api/v1/qa/journal.har")},
                                         std::pair{QByteArray("POST"), QStringLiteral("/api/v1/qa/replay")}}) {
        const QByteArray body = method == "GET" ? QByteArray() : QByteArray(R"({"rules":[]})");
        QCOMPARE(qaRequest(method, url(target), body, {}).status, 401);
        QCOMPARE(qaRequest(method, url(target), body, "wrong-token").status, 401);
    }
    QCOMPARE(qaRequest("GET", url(QStringLiteral("/api/v1/qa/scenarios/x"))).status, 404); // the PUTs above did nothing
}

QTEST_GUILESS_MAIN(QaScenariosTest)
#include "tst_qa_scenarios.moc"
