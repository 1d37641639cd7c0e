#include "model/CampaignValidator.h"
#include "store/CampaignGenerator.h"
#include "store/ValueLists.h"

#include <QSet>
#include <QTimeZone>
#include <QTest>

using namespace adserve;

namespace {

const QDate kAnchor(2026, 12, 2);

QString fingerprint(const CampaignWithRules &c)
{
    const ServingTimes &s = c.campaign.serving;
    QStringList parts{c.campaign.code, c.campaign.name, c.campaign.image, c.campaign.cta, c.campaign.status,
                      c.campaign.deleted ? QStringLiteral("deleted") : QStringLiteral("live"),
                      QString::number(c.campaign.priority), s.flightStart.toString(Qt::ISODate),
                      s.flightEnd.toString(Qt::ISODate), s.dayParting ? s.dayParting->describe() : QString()};
    for (const TargetRule &r : c.rules)
        parts << dimensionName(r.dimension) << ruleTypeName(r.type) << r.values.join(u',');
    return parts.join(u'|');
}

} // namespace

// The generator's output: the same for a seed, valid, and mixed like real campaigns.
class CampaignGeneratorTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameCampaigns();
    void differentSeedsDiffer();
    void everyCampaignIsValid();
    void mixLooksReal();
};

void CampaignGeneratorTest::sameSeedSameCampaigns()
{
    CampaignGenerator a(2024, kAnchor), b(2024, kAnchor);
    for (int i = 0; i < 500; ++i)
        QCOMPARE(fingerprint(a.next()), fingerprint(b.next()));
    CampaignGenerator c(2024, kAnchor);
    QCOMPARE(c.next().campaign.code, QStringLiteral("gen-2024-1"));
    QCOMPARE(c.next().campaign.code, QStringLiteral("gen-2024-2"));
}

void CampaignGeneratorTest::differentSeedsDiffer()
{
    CampaignGenerator a(1, kAnchor), b(2, kAnchor);
    int same = 0;
    for (int i = 0; i < 200; ++i) {
        QString fa = fingerprint(a.next()).section(u'|', 1);
        QString fb = fingerprint(b.next()).section(u'|', 1);
        same += fa == fb;
    }
    QVERIFY2(same < 10, qPrintable(QString::number(same)));
}

void CampaignGeneratorTest::everyCampaignIsValid()
{
    CampaignGenerator generator(7, kAnchor);
    QSet<QString> codes;
    for (int i = 0; i < 5000; ++i) {
        const CampaignWithRules c = generator.next();
        const QList<FieldError> errors = CampaignValidator::validate(c);
        QVERIFY2(errors.isEmpty(), qPrintable(c.campaign.code + u' ' + errors.value(0).field + u' ' + errors.value(0).message));
        QVERIFY(!codes.contains(c.campaign.code));
        codes.insert(c.campaign.code);
    }
}

void CampaignGeneratorTest::mixLooksReal()
{
    QSet<QString> countryCodes;
    for (const ValueLists::Country &country : ValueLists::countries())
        countryCodes.insert(country.code);
    QCOMPARE(countryCodes.size(), 249);
    const QStringList osNames = ValueLists::operatingSystems();
    QVERIFY(osNames.contains(QStringLiteral("HarmonyOS")) && osNames.contains(QStringLiteral("KaiOS")));

    constexpr int n = 20000;
    CampaignGenerator generator(99, kAnchor);
    int inactive = 0, deleted = 0, prioritised = 0, flights = 0, underWay = 0, dayParted = 0;
    const QDateTime anchor = kAnchor.startOfDay(QTimeZone::utc());
    int none[kDimensionCount] = {}, includeOnly[kDimensionCount] = {}, excludeOnly[kDimensionCount] = {},
        both[kDimensionCount] = {};
    QHash<QString, int> appUses;
    for (int i = 0; i < n; ++i) {
        const CampaignWithRules c = generator.next();
        inactive += c.campaign.status == kStatusInactive;
        deleted += c.campaign.deleted;
        prioritised += c.campaign.priority != 0;
        const ServingTimes &serving = c.campaign.serving;
        flights += serving.flightStart.isValid();
        underWay += serving.flightStart <= anchor && anchor < serving.flightEnd;
        dayParted += serving.dayParting.has_value();
        for (Dimension d : kDimensions) {
            bool inc = false, exc = false;
            for (const TargetRule &r : c.rules) {
                if (r.dimension != d)
                    continue;
                (r.type == RuleType::Include ? inc : exc) = true;
                for (const QString &v : r.values) {
                    if (d == Dimension::Country)
                        QVERIFY2(countryCodes.contains(v), qPrintable(v));
                    else if (d == Dimension::Os)
                        QVERIFY2(osNames.contains(v), qPrintable(v));
                    else
                        ++appUses[v];
                }
            }
            const int k = int(d);
            (inc && exc ? both : inc ? includeOnly : exc ? excludeOnly : none)[k]++;
        }
    }
    auto between = [](int value, double low, double high) { return value >= low * n && value <= high * n; };
    QVERIFY2(between(inactive, 0.09, 0.11), qPrintable(QString::number(inactive)));
    QVERIFY2(between(deleted, 0.025, 0.035), qPrintable(QString::number(deleted)));
    // A fifth ranked above the rest, a quarter in a flight (most of those under way on the
    // anchor day), 15% day-parted.
    QVERIFY2(between(prioritised, 0.18, 0.22), qPrintable(QString::number(prioritised)));
    QVERIFY2(between(flights, 0.23, 0.27), qPrintable(QString::number(flights)));
    QVERIFY2(underWay > flights / 3 && underWay < flights, qPrintable(QString::number(underWay)));
    QVERIFY2(between(dayParted, 0.13, 0.17), qPrintable(QString::number(dayParted)));
    // Per dimension: no rule, INCLUDE only, EXCLUDE only, both. Nearly every campaign names
    // its markets, most one platform; app rules are mostly blocklists.
    const double expected[kDimensionCount][4] = {{0.02, 0.90, 0.05, 0.03},
                                                 {0.15, 0.80, 0.03, 0.02},
                                                 {0.55, 0.15, 0.25, 0.05}};
    for (int k = 0; k < kDimensionCount; ++k) {
        const int counted[4] = {none[k], includeOnly[k], excludeOnly[k], both[k]};
        for (int kind = 0; kind < 4; ++kind) {
            const double share = expected[k][kind];
            QVERIFY2(between(counted[kind], share - 0.012, share + 0.012),
                     qPrintable(QStringLiteral("dimension %1, kind %2: %3 of %4").arg(k).arg(kind).arg(counted[kind]).arg(n)));
        }
    }
    // Thousands of distinct apps, a few of them very popular.
    QVERIFY2(appUses.size() > 2000, qPrintable(QString::number(appUses.size())));
    QList<int> uses = appUses.values();
    std::sort(uses.begin(), uses.end(), std::greater<>());
    QVERIFY(uses.first() > 20 * uses.at(uses.size() / 2));
}

QTEST_GUILESS_MAIN(CampaignGeneratorTest)
#include "tst_campaigngenerator.moc"
