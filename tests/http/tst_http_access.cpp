// The HTTP API's access rules and input limits: which token sees what, texts no store can
// hold, and thousands of rules in one call. Part of HttpTest (tst_http.h).
#include "tst_http.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>

using namespace adserve;

void HttpTest::tokensGuardExplainMetricsAndDetails()
{
    const QString explainAll = QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=x&limit=0");
    // With a token configured, explain and metrics are not public.
    for (const QString &target : {explainAll, QStringLiteral("/metrics")}) {
        QCOMPARE(request("GET", target, {}, {}).status, 401);
        QCOMPARE(request("GET", target, {}, "wrong").status, 401);
        QCOMPARE(request("GET", target, {}, kExplainToken).status, 200);
        QCOMPARE(request("GET", target, {}, kToken).status, 200);
    }
    // The explain token reads; it does not write.
    QCOMPARE(request("GET", QStringLiteral("/api/v1/campaigns"), {}, kExplainToken).status, 401);
    // A token holder sees inactive campaigns in explain.
    const qint64 id = createCampaign({{QStringLiteral("code"), QStringLiteral("dormant")},
                                      {QStringLiteral("name"), QStringLiteral("Dormant")},
                                      {QStringLiteral("image"), QStringLiteral("https://img/d")},
                                      {QStringLiteral("cta"), QStringLiteral("Go")},
                                      {QStringLiteral("status"), QStringLiteral("INACTIVE")}});
    const Response reader = request("GET", explainAll, {}, kExplainToken);
    QVERIFY(reader.body.contains("\"dormant\""));
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(id)).status, 204);

    // Health is public: states for everyone, where and why only for token holders.
    const Response anonymous = request("GET", QStringLiteral("/readyz"), {}, {});
    QCOMPARE(anonymous.status, 200);
    for (const QJsonValue &b : anonymous.json().object().value(QStringLiteral("backends")).toArray())
        QVERIFY2(!b.toObject().contains(QStringLiteral("target")), anonymous.body.constData());
    const Response detailed = request("GET", QStringLiteral("/readyz"), {}, kExplainToken);
    for (const QJsonValue &b : detailed.json().object().value(QStringLiteral("backends")).toArray())
        QVERIFY2(b.toObject().contains(QStringLiteral("target")), detailed.body.constData());
}

void HttpTest::adminRefusesTextsNoStoreCanHold_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("mentions");

    const auto campaign = [](const QByteArray &name, const QByteArray &value) -> QByteArray {
        return R"({"code":"texts","name":")" + name + R"(","image":"https://i","cta":"c","rules":[{"dimension":"os","ruleType":"INCLUDE","values":[")"
               + value + R"("]}]})";
    };
    QTest::newRow("NUL in a name") << campaign("a\\u0000b", "ios") << "name" << "NUL";
    QTest::newRow("NUL in a value") << campaign("n", "i\\u0000os") << "rules[0].values" << "NUL";
    QTest::newRow("control character") << campaign("bell\\u0007", "ios") << "name" << "U+0007";
    QTest::newRow("escape in a value") << campaign("n", "\\u001b[31mios") << "rules[0].values" << "U+001B";
    QTest::newRow("invalid UTF-8") << campaign("caf\xc3", "ios") << "" << "UTF";
    QByteArray manyValues = R"({"code":"texts","name":"n","image":"https://i","cta":"c","rules":[{"dimension":"app","ruleType":"INCLUDE","values":[)";
    for (int i = 0; i <= 10000; ++i)
        manyValues += QByteArray(i ? ",\"a" : "\"a") + QByteArray::number(i) + '"';
    manyValues += "]}]}";
    QTest::newRow("too many values") << manyValues << "rules[0].values" << "at most 10000";
}

void HttpTest::adminRefusesTextsNoStoreCanHold()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    QFETCH(QString, mentions);
    const Response r = request("POST", QStringLiteral("/api/v1/campaigns"), body);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains(mentions.toUtf8()), r.body.constData());
    if (!field.isEmpty()) {
        const QJsonArray fields = r.json().object().value(QStringLiteral("fields")).toArray();
        QVERIFY2(!fields.isEmpty() && fields[0].toObject().value(QStringLiteral("field")).toString() == field,
                 r.body.constData());
    }
    QCOMPARE(request("GET", QStringLiteral("/api/v1/delivery/explain?campaign=texts")).status, 404);
}

void HttpTest::thousandsOfRulesInOneCall()
{
    // One statement per batch of rules, not one per rule: 5,000 rules are written at once.
    QByteArray body = R"({"code":"many-rules","name":"n","image":"https://i","cta":"c","rules":[)";
    for (int i = 0; i < 5000; ++i)
        body += QByteArray(i ? "," : "") + R"({"dimension":"app","ruleType":"EXCLUDE","values":["app)" + QByteArray::number(i) + R"("]})";
    body += "]}";
    QElapsedTimer timer;
    timer.start();
    const Response created = request("POST", QStringLiteral("/api/v1/campaigns"), body);
    const qint64 createMs = timer.elapsed();
    QCOMPARE(created.status, 201);
    const QJsonArray rules = created.json().object().value(QStringLiteral("rules")).toArray();
    QCOMPARE(rules.size(), 5000);
    QCOMPARE(rules[4999].toObject().value(QStringLiteral("code")).toString(), QStringLiteral("many-rules-app-exclude-5000"));
    const qint64 id = created.json().object().value(QStringLiteral("id")).toInteger();
    // Replacing them all (one kept, the rest new) is as quick.
    body.replace("\"app0\"", "\"kept\"");
    body.replace("EXCLUDE", "INCLUDE");
    timer.restart();
    const Response replaced = request("PUT", QStringLiteral("/api/v1/campaigns/%1/rules").arg(id), body);
    qInfo("5,000 rules: created in %lld ms, replaced in %lld ms", createMs, timer.elapsed());
    QCOMPARE(replaced.status, 200);
    QCOMPARE(get(QStringLiteral("/api/v1/delivery/explain?country=us&os=android&app=app7&campaign=many-rules")).json()
                 .object().value(QStringLiteral("decisions")).toArray()[0].toObject().value(QStringLiteral("matched")).toBool(),
             true);
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(id)).status, 204);
}
