// The cache value format shared with the Go service, and the delivery response fragment.
#include "cache/CampaignCodec.h"

#include <QTest>

using namespace adserve;

class CodecTest : public QObject
{
    Q_OBJECT
private slots:
    void encodesAsGoDoes();
    void decodesGoValues_data();
    void decodesGoValues();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void roundTrip();
    void loneSurrogateReadsAsReplacementCharacter();
    void fragmentEscapesLikeGo();
    void keys();
};

static Campaign spotify()
{
    Campaign c;
    c.id = 1;
    c.code = QStringLiteral("spotify");
    c.name = QStringLiteral("Spotify - Music for everyone");
    c.image = QStringLiteral("https://somelink");
    c.cta = QStringLiteral("Download");
    c.status = kStatusActive;
    c.createdAt = QDateTime(QDate(2024, 5, 1), QTime(10, 0, 0, 120), Qt::UTC);
    c.updatedAt = QDateTime(QDate(2024, 5, 2), QTime(8, 30, 15), Qt::UTC);
    return c;
}

void CodecTest::encodesAsGoDoes()
{
    // What Go's json.Marshal writes for the service's Campaign struct.
    QCOMPARE(CampaignCodec::encode(spotify()),
             QByteArray(R"({"ID":1,"Code":"spotify","Name":"Spotify - Music for everyone","Image":"https://somelink",)"
                        R"("CTA":"Download","Status":"ACTIVE","CreatedAt":"2024-05-01T10:00:00.12Z",)"
                        R"("UpdatedAt":"2024-05-02T08:30:15Z","Deleted":false,"DeletedAt":null})"));
}

void CodecTest::decodesGoValues_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qint64>("id");
    QTest::addColumn<QString>("status");
    QTest::addColumn<bool>("deleted");
    QTest::addColumn<bool>("deliverable");

    QTest::newRow("go with nanoseconds and offset")
        << QByteArray(R"({"ID":5,"Code":"c","Name":"n","Image":"https://i","CTA":"Go","Status":"ACTIVE","CreatedAt":"2024-05-01T10:00:00.123456789+02:00","UpdatedAt":"2024-05-01T10:00:00Z","Deleted":false,"DeletedAt":null})")
        << qint64(5) << "ACTIVE" << false << true;
    QTest::newRow("field names in any case, id as string")
        << QByteArray(R"({"id":"6","code":"c","image":"https://i","cta":"x","status":"ACTIVE"})") << qint64(6) << "ACTIVE" << false << true;
    QTest::newRow("id past 2^53, exactly as Go reads it into an int64")
        << QByteArray(R"({"ID":9007199254740993,"Code":"c","Status":"ACTIVE"})") << qint64(9007199254740993) << "ACTIVE"
        << false << true;
    QTest::newRow("inactive") << QByteArray(R"({"ID":7,"Code":"c","Status":"INACTIVE"})") << qint64(7) << "INACTIVE" << false << false;
    QTest::newRow("deleted flag") << QByteArray(R"({"ID":8,"Code":"c","Status":"ACTIVE","Deleted":true})") << qint64(8) << "ACTIVE" << true << false;
    QTest::newRow("gorm DeletedAt valid")
        << QByteArray(R"({"ID":9,"Code":"c","Status":"ACTIVE","DeletedAt":{"Time":"2024-01-01T00:00:00Z","Valid":true}})")
        << qint64(9) << "ACTIVE" << true << false;
    QTest::newRow("gorm DeletedAt not valid")
        << QByteArray(R"({"ID":10,"Code":"c","Status":"ACTIVE","DeletedAt":{"Time":"0001-01-01T00:00:00Z","Valid":false}})")
        << qint64(10) << "ACTIVE" << false << true;
}

void CodecTest::decodesGoValues()
{
    QFETCH(QByteArray, json);
    QFETCH(qint64, id);
    QFETCH(QString, status);
    QFETCH(bool, deleted);
    QFETCH(bool, deliverable);
    const auto c = CampaignCodec::decode(json);
    QVERIFY(c);
    QCOMPARE(c->id, id);
    QCOMPARE(c->status, status);
    QCOMPARE(c->deleted, deleted);
    QCOMPARE(c->isDeliverable(), deliverable);
}

void CodecTest::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("not json") << QByteArray("garbage");
    QTest::newRow("array") << QByteArray("[1,2]");
    QTest::newRow("no id") << QByteArray(R"({"Code":"c","Status":"ACTIVE"})");
    QTest::newRow("negative id") << QByteArray(R"({"ID":-1,"Code":"c","Status":"ACTIVE"})");
    QTest::newRow("fractional id") << QByteArray(R"({"ID":1.5,"Code":"c","Status":"ACTIVE"})");
    QTest::newRow("no status") << QByteArray(R"({"ID":1,"Code":"c"})");
    QTest::newRow("bad time") << QByteArray(R"({"ID":1,"Code":"c","Status":"ACTIVE","CreatedAt":"yesterday"})");
    QTest::newRow("deleted not bool") << QByteArray(R"({"ID":1,"Code":"c","Status":"ACTIVE","Deleted":"no"})");
    QTest::newRow("id past qint64") << QByteArray(R"({"ID":1e300,"Code":"c","Status":"ACTIVE"})");
    // Go writes years 1 to 9999 only; these are year 0 and year 10000 in UTC.
    QTest::newRow("before year 1 in UTC")
        << QByteArray(R"({"ID":1,"Code":"c","Status":"ACTIVE","CreatedAt":"0001-01-01T00:00:00+01:00"})");
    QTest::newRow("after year 9999 in UTC")
        << QByteArray(R"({"ID":1,"Code":"c","Status":"ACTIVE","UpdatedAt":"9999-12-31T23:59:59-05:00"})");
}

void CodecTest::rejectsMalformed()
{
    QFETCH(QByteArray, json);
    QVERIFY(!CampaignCodec::decode(json));
}

void CodecTest::roundTrip()
{
    Campaign c = spotify();
    c.name = QStringLiteral("Quotes \" and \\ and <tags> & ünïcödé \u2028");
    c.deleted = true;
    c.deletedAt = QDateTime(QDate(2024, 6, 1), QTime(0, 0), Qt::UTC);
    const auto back = CampaignCodec::decode(CampaignCodec::encode(c));
    QVERIFY(back);
    QCOMPARE(*back, c);
}

void CodecTest::loneSurrogateReadsAsReplacementCharacter()
{
    // As Go reads it; kept as it was, it would be written back as '?'.
    const auto c = CampaignCodec::decode(R"({"ID":1,"Code":"c\ud800","Status":"ACTIVE","Name":"\udc00\ud83d\ude00"})");
    QVERIFY(c);
    QCOMPARE(c->code, QStringLiteral("c\uFFFD"));
    QCOMPARE(c->name, QStringLiteral("\uFFFD\U0001F600"));
    QCOMPARE(CampaignCodec::decode(CampaignCodec::encode(*c)), c);
}

void CodecTest::fragmentEscapesLikeGo()
{
    Campaign c = spotify();
    c.image = QStringLiteral("https://x/?a=1&b=<2>");
    QCOMPARE(CampaignCodec::responseFragment(c),
             QByteArray("{\"cid\":\"spotify\",\"img\":\"https://x/?a=1\\u0026b=\\u003c2\\u003e\",\"cta\":\"Download\"}"));
}

void CodecTest::keys()
{
    QCOMPARE(CampaignCodec::cacheKey(42), QByteArray("campaign:42"));
    QCOMPARE(CampaignCodec::idFromKey("campaign:42"), std::optional<qint64>(42));
    QVERIFY(!CampaignCodec::idFromKey("campaign:x"));
    QVERIFY(!CampaignCodec::idFromKey("other:42"));
}

QTEST_GUILESS_MAIN(CodecTest)
#include "tst_codec.moc"
