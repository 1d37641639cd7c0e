// The query parameters of the delivery and explain routes.
#include "http/DeliveryParams.h"
#include "http/HttpReplies.h"

#include <QTest>

#include <limits>

using namespace adserve;

namespace {

QHash<QString, QString> params(const QString &query)
{
    return HttpReplies::queryParams(QUrlQuery(query));
}

constexpr qint64 kMax = std::numeric_limits<qint64>::max();

} // namespace

class DeliveryParamsTest : public QObject
{
    Q_OBJECT
private slots:
    void targeting_data();
    void targeting();
    void explainPage_data();
    void explainPage();
    void explainRefuses_data();
    void explainRefuses();
};

void DeliveryParamsTest::targeting_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("problems"); // parameters named, in the v1 route's order
    QTest::addColumn<QString>("country");

    QTest::newRow("all given") << "country=+US+&os=android&app=x" << QStringList{} << "us";
    QTest::newRow("first occurrence wins") << "country=de&country=fr&os=a&app=b" << QStringList{} << "de";
    QTest::newRow("empty is missing") << "country=&os=%20&app=x" << QStringList{"country", "os"} << "";
    QTest::newRow("none") << "" << QStringList{"app", "country", "os"} << "";
    QTest::newRow("too long") << "country=" + QString(257, u'x') + "&os=a&app=b" << QStringList{"country"}
                              << QString(257, u'x');
}

void DeliveryParamsTest::targeting()
{
    QFETCH(QString, query);
    QFETCH(QStringList, problems);
    QFETCH(QString, country);
    const auto read = DeliveryParams::readTargeting(params(query), {Dimension::App, Dimension::Country, Dimension::Os});
    QStringList named;
    for (const DeliveryParams::Problem &p : read.problems)
        named.append(p.param);
    QCOMPARE(named, problems);
    QCOMPARE(read.query.value(Dimension::Country), country);
}

void DeliveryParamsTest::explainPage_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("end");

    QTest::newRow("default: the first 1000") << "" << qint64(1500) << qint64(0) << qint64(1000);
    QTest::newRow("0 is all") << "limit=0&offset=2" << qint64(1500) << qint64(2) << qint64(1500);
    QTest::newRow("a page") << "limit=1&offset=1" << qint64(3) << qint64(1) << qint64(2);
    QTest::newRow("past the end") << "offset=10" << qint64(3) << qint64(3) << qint64(3);
    QTest::newRow("largest limit") << "limit=9223372036854775807&offset=1" << qint64(3) << qint64(1) << qint64(3);
    QTest::newRow("largest both") << "limit=9223372036854775807&offset=9223372036854775807" << kMax << kMax << kMax;
}

void DeliveryParamsTest::explainPage()
{
    QFETCH(QString, query);
    QFETCH(qint64, total);
    QFETCH(qint64, first);
    QFETCH(qint64, end);
    QString problem;
    const auto explain = DeliveryParams::readExplain(params(query), &problem);
    QVERIFY2(explain, qPrintable(problem));
    QCOMPARE(explain->page(total), std::make_pair(first, end));
}

void DeliveryParamsTest::explainRefuses_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("problem");

    QTest::newRow("negative limit") << "limit=-1" << "limit must be a whole number, 0 for all";
    QTest::newRow("limit past qint64") << "limit=9223372036854775808" << "limit must be a whole number, 0 for all";
    QTest::newRow("offset not a number") << "offset=x" << "offset must be a non-negative whole number";
    QTest::newRow("app too long") << "app=" + QString(257, u'a') << "app param longer than 256 characters";
}

void DeliveryParamsTest::explainRefuses()
{
    QFETCH(QString, query);
    QFETCH(QString, problem);
    QString said;
    QVERIFY(!DeliveryParams::readExplain(params(query), &said));
    QCOMPARE(said, problem);
}

QTEST_GUILESS_MAIN(DeliveryParamsTest)
#include "tst_deliveryparams.moc"
