// The HTTP API of the change log: change ids of writes, instances, history and restore.
// Part of HttpTest (tst_http.h).
#include "tst_http.h"

#include <QJsonObject>
#include <QTest>

using namespace adserve;

void HttpTest::writesCarryTheirChangeId()
{
    const Response created = request("POST", QStringLiteral("/api/v1/campaigns"),
                                     R"({"code":"logged","name":"Logged","image":"https://x/l.png","cta":"Go",)"
                                     R"("rules":[{"dimension":"os","ruleType":"INCLUDE","values":["Tizen"]}]})");
    QCOMPARE(created.status, 201);
    const qint64 changeId = created.json().object().value(QStringLiteral("changeId")).toInteger();
    QVERIFY(changeId > 0);
    QCOMPARE(created.changeId, QByteArray::number(changeId));
    const qint64 id = created.json().object().value(QStringLiteral("id")).toInteger();

    const Response removed = request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(id));
    QCOMPARE(removed.status, 204);
    QVERIFY(removed.changeId.toLongLong() > changeId);

    // The log has both, as the admin API's, once this instance has read them there: it lists
    // changes only up to where no lower id can still commit (safeThrough).
    const QString changes = QStringLiteral("/api/v1/changes?after=%1&limit=10").arg(changeId - 2);
    QTRY_VERIFY_WITH_TIMEOUT(get(changes).json().object().value(QStringLiteral("safeThrough")).toInteger()
                                 >= removed.changeId.toLongLong(),
                             5000);
    const Response log = get(changes);
    QCOMPARE(log.status, 200);
    const QJsonArray entries = log.json().object().value(QStringLiteral("changes")).toArray();
    QVERIFY(entries.size() >= 3);
    for (const QJsonValue &e : entries) {
        QCOMPARE(e.toObject().value(QStringLiteral("actor")).toString(), QStringLiteral("api:admin"));
        QCOMPARE(e.toObject().value(QStringLiteral("campaignId")).toInteger(), id);
    }
    QCOMPARE(entries.first().toObject().value(QStringLiteral("op")).toString(), QStringLiteral("insert"));
    QCOMPARE(entries.first().toObject().value(QStringLiteral("after")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("logged"));
    // Paged: a full page names where the next one starts.
    const Response page = get(QStringLiteral("/api/v1/changes?after=0&limit=2"));
    QVERIFY(page.json().object().value(QStringLiteral("safeThrough")).toInteger() >= 2);
    QCOMPARE(page.json().object().value(QStringLiteral("changes")).toArray().size(), 2);
    QVERIFY(page.json().object().value(QStringLiteral("next")).toInteger() > 0);
}

void HttpTest::instancesShowWhereAChangeIsLive()
{
    const Response created = request("POST", QStringLiteral("/api/v1/campaigns"),
                                     R"({"code":"live-check","name":"Live","image":"https://x/l.png","cta":"Go",)"
                                     R"("rules":[{"dimension":"os","ruleType":"INCLUDE","values":["LiveOS"]}]})");
    QCOMPARE(created.status, 201);
    const qint64 changeId = created.changeId.toLongLong();
    // This instance reports itself once it has read its own change in the log.
    QTRY_VERIFY_WITH_TIMEOUT(get(QStringLiteral("/api/v1/changes/%1/live").arg(changeId))
                                 .json().object().value(QStringLiteral("everywhere")).toBool(),
                             5000);
    const QJsonObject live = get(QStringLiteral("/api/v1/changes/%1/live").arg(changeId)).json().object();
    QCOMPARE(live.value(QStringLiteral("liveOn")).toInt(), live.value(QStringLiteral("instances")).toInt());
    QVERIFY(live.value(QStringLiteral("instances")).toInt() >= 1);
    QVERIFY(live.value(QStringLiteral("waiting")).toArray().isEmpty());

    const Response list = get(QStringLiteral("/api/v1/instances"));
    QCOMPARE(list.status, 200);
    QVERIFY(list.json().object().value(QStringLiteral("newestChangeId")).toInteger() >= changeId);
    QJsonObject self;
    for (const QJsonValue &v : list.json().object().value(QStringLiteral("instances")).toArray()) {
        if (v.toObject().value(QStringLiteral("self")).toBool())
            self = v.toObject();
    }
    QCOMPARE(self.value(QStringLiteral("kind")).toString(), QStringLiteral("server"));
    QCOMPARE(self.value(QStringLiteral("state")).toString(), QStringLiteral("live"));
    QCOMPARE(self.value(QStringLiteral("pid")).toInteger(), QCoreApplication::applicationPid());
    QVERIFY(self.value(QStringLiteral("appliedChangeId")).toInteger() >= changeId);

    QCOMPARE(get(QStringLiteral("/api/v1/changes/99999999/live")).status, 404);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/instances"), {}, "wrong").status, 401);
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(created.json().object().value(QStringLiteral("id")).toInteger())).status,
             204);
}

void HttpTest::historyAndRestore()
{
    const qint64 id = createCampaign(QJsonDocument::fromJson(
        R"({"code":"rewind","name":"Rewind","image":"https://x/r.png","cta":"Play",)"
        R"("rules":[{"dimension":"country","ruleType":"INCLUDE","values":["Peru"]},)"
        R"({"dimension":"app","ruleType":"INCLUDE","values":["rewind.app"]}]})").object());
    QVERIFY(id > 0);
    const QString peru = QStringLiteral("/v1/delivery?app=rewind.app&country=peru&os=tizen");
    QCOMPARE(get(peru).status, 200);
    const QString history = QStringLiteral("/api/v1/campaigns/%1/history").arg(id);
    const qint64 good = get(history).json().object().value(QStringLiteral("changes")).toArray().first()
                            .toObject().value(QStringLiteral("changeId")).toInteger();
    QCOMPARE(request("PUT", QStringLiteral("/api/v1/campaigns/%1").arg(id),
                     R"({"name":"Oops","rules":[{"dimension":"country","ruleType":"EXCLUDE","values":["Peru"]},)"
                     R"({"dimension":"app","ruleType":"INCLUDE","values":["rewind.app"]}]})").status,
             200);
    QCOMPARE(get(peru).status, 204);

    const QJsonArray changes = get(history).json().object().value(QStringLiteral("changes")).toArray();
    QCOMPARE(changes.size(), 2);
    const QJsonObject edit = changes.first().toObject();
    QCOMPARE(edit.value(QStringLiteral("kind")).toString(), QStringLiteral("edited"));
    QCOMPARE(edit.value(QStringLiteral("actor")).toString(), QStringLiteral("api:admin"));
    QCOMPARE(edit.value(QStringLiteral("fields")).toArray().first().toObject().value(QStringLiteral("after")).toString(),
             QStringLiteral("Oops"));
    QCOMPARE(edit.value(QStringLiteral("rules")).toArray().size(), 2); // the include went, the exclude came
    QCOMPARE(changes.last().toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("created"));

    // A dry run says what a restore would do and does nothing.
    const QString restore = QStringLiteral("/api/v1/campaigns/%1/history/%2/restore").arg(id).arg(good);
    const Response dry = request("POST", restore + QStringLiteral("?dryRun=true"));
    QCOMPARE(dry.status, 200);
    QCOMPARE(dry.json().object().value(QStringLiteral("restored")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Rewind"));
    QCOMPARE(get(peru).status, 204);
    // The restore itself: delivered again at once, and a change of its own in the history.
    const Response restored = request("POST", restore);
    QCOMPARE(restored.status, 200);
    QVERIFY(restored.changeId.toLongLong() > good);
    QCOMPARE(get(peru).status, 200);
    const QJsonObject newest = get(history + QStringLiteral("?limit=1")).json().object();
    QCOMPARE(newest.value(QStringLiteral("changes")).toArray().first().toObject().value(QStringLiteral("note")).toString(),
             QStringLiteral("restore of change %1").arg(good));
    QVERIFY(newest.value(QStringLiteral("next")).toInteger() > 0);
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(id)).status, 204);
}

void HttpTest::changeRoutesRejectBadInput_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("changes: after not a number") << QByteArray("GET") << "/api/v1/changes?after=x" << 400;
    QTest::newRow("changes: limit too large") << QByteArray("GET") << "/api/v1/changes?limit=100000" << 400;
    QTest::newRow("changes: POST") << QByteArray("POST") << "/api/v1/changes" << 405;
    QTest::newRow("live: not an id") << QByteArray("GET") << "/api/v1/changes/abc/live" << 400;
    QTest::newRow("changes: unknown path") << QByteArray("GET") << "/api/v1/changes/1/other" << 404;
    QTest::newRow("instances: DELETE") << QByteArray("DELETE") << "/api/v1/instances" << 405;
    QTest::newRow("history: no such campaign") << QByteArray("GET") << "/api/v1/campaigns/987654/history" << 404;
    QTest::newRow("history: limit zero") << QByteArray("GET") << "/api/v1/campaigns/1/history?limit=0" << 400;
    QTest::newRow("restore: GET") << QByteArray("GET") << "/api/v1/campaigns/1/history/1/restore" << 405;
    QTest::newRow("restore: not a change id") << QByteArray("POST") << "/api/v1/campaigns/1/history/x/restore" << 400;
    QTest::newRow("restore: another campaign's change") << QByteArray("POST") << "/api/v1/campaigns/2/history/1/restore" << 404;
}

void HttpTest::changeRoutesRejectBadInput()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    const Response r = request(method, target);
    QTEST(r.status, "status");
    QVERIFY(r.json().object().contains(QStringLiteral("error")));
}
