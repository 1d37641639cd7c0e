// The studio's compact catalog of campaigns: every campaign comes back whole as it went in
// (texts in any script, own and default rule codes, rule times of their own, serving times,
// deletions), codes are found, and what the table's filters read in place answers as
// RuleReach and QString answer for the same campaigns.
#include "campaigns/CampaignCatalog.h"
#include "model/RuleReach.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"
#include "targeting/MatchIndex.h"

#include <QTemporaryDir>

#include <algorithm>

#include <QRandomGenerator>
#include <QTest>

using namespace adserve;

namespace {

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

TargetRule rule(qint64 id, qint64 campaignId, const QString &code, Dimension dimension, RuleType type,
                const QStringList &values, const QDateTime &created, const QDateTime &updated)
{
    TargetRule r;
    r.id = id;
    r.code = code;
    r.campaignId = campaignId;
    r.dimension = dimension;
    r.type = type;
    r.values = values;
    r.createdAt = created;
    r.updatedAt = updated;
    return r;
}

CampaignWithRules campaign(qint64 id, const QString &code, const QString &name, const QString &status)
{
    CampaignWithRules c;
    c.campaign.id = id;
    c.campaign.code = code;
    c.campaign.name = name;
    c.campaign.image = QStringLiteral("https://cdn.example/%1.png").arg(code);
    c.campaign.cta = QStringLiteral("Install");
    c.campaign.status = status;
    c.campaign.createdAt = at(1'700'000'000'000 + id);
    c.campaign.updatedAt = at(1'700'000'500'000 + id);
    c.campaign.priority = int(id % 3);
    return c;
}

// Campaigns as the store gives them, with every kind of field the catalog keeps its own way.
QList<CampaignWithRules> assorted()
{
    QList<CampaignWithRules> all;
    CampaignWithRules plain = campaign(7, QStringLiteral("spotify"), QStringLiteral("Spotify - Music"), kStatusActive);
    plain.rules = {rule(11, 7, QStringLiteral("spotify-country-include-1"), Dimension::Country, RuleType::Include,
                        {QStringLiteral("US"), QStringLiteral("Canada")}, plain.campaign.createdAt, plain.campaign.updatedAt),
                   rule(12, 7, QStringLiteral("spotify-os-exclude-2"), Dimension::Os, RuleType::Exclude,
                        {QStringLiteral("iOS")}, plain.campaign.createdAt, plain.campaign.updatedAt)};
    plain.rules.last().deletedAt = at(44); // live, yet with a deletion time (undeleted by hand)
    all.append(plain);

    // Texts beyond ASCII, an own rule code, a rule edited after its campaign, a leading zero
    // that is no default code, and a deleted rule with its time.
    CampaignWithRules world = campaign(3, QStringLiteral("café-κ"), QStringLiteral("Ünïcødé ✓ name"), QStringLiteral("INACTIVE"));
    world.campaign.cta = QStringLiteral("Télécharger");
    world.campaign.image = QStringLiteral("https://cdn.exämple.com/κ/café-κ.png"); // a head beyond ASCII
    world.rules = {rule(4, 3, QStringLiteral("my own code"), Dimension::App, RuleType::Include,
                        {QStringLiteral("com.whatsapp"), QStringLiteral(" Com.WhatsApp ")}, at(5), at(6)),
                   rule(5, 3, QStringLiteral("café-κ-country-include-01"), Dimension::Country, RuleType::Include,
                        {QStringLiteral("Ελλάδα")}, world.campaign.createdAt, world.campaign.updatedAt)};
    TargetRule gone = rule(6, 3, QStringLiteral("café-κ-os-include-3"), Dimension::Os, RuleType::Include,
                           {QStringLiteral("Android")}, world.campaign.createdAt, world.campaign.updatedAt);
    gone.deleted = true;
    gone.deletedAt = at(99);
    world.rules.append(gone);
    all.append(world);

    // Serving times, a deletion, empty and missing texts and times, no rules.
    CampaignWithRules timed = campaign(20, QStringLiteral("timed"), QString(), kStatusActive);
    timed.campaign.image = QString();
    timed.campaign.createdAt = {};
    timed.campaign.serving.flightStart = at(1'000);
    timed.campaign.serving.flightEnd = at(2'000);
    DayParting hours;
    hours.hours.set(weekSlot(1, 9));
    hours.timeZone = QByteArrayLiteral("Europe/Berlin");
    timed.campaign.serving.dayParting = hours;
    timed.campaign.deleted = true;
    timed.campaign.deletedAt = at(3'000);
    all.append(timed);

    // The same name, status and values as another: kept once, given back to each.
    CampaignWithRules twin = campaign(9, QStringLiteral("spotify-2"), plain.campaign.name, kStatusActive);
    twin.rules = {rule(13, 9, QStringLiteral("spotify-2-country-include-1"), Dimension::Country, RuleType::Include,
                       {QStringLiteral("US"), QStringLiteral("Canada")}, twin.campaign.createdAt, at(77))};
    all.append(twin);
    return all;
}

// Generated campaigns whose rules name a few values in several spellings.
QList<CampaignWithRules> generated(int count)
{
    QRandomGenerator random(42);
    const QStringList spellings{QStringLiteral("US"), QStringLiteral(" us"), QStringLiteral("FR"), QStringLiteral("fr "),
                                QStringLiteral("DE"), QStringLiteral("Android"), QStringLiteral("iOS"), QStringLiteral("IOS"),
                                QStringLiteral("com.app.one"), QStringLiteral("COM.APP.ONE"), QStringLiteral("com.app.two")};
    QList<CampaignWithRules> all;
    qint64 ruleId = 1;
    for (int n = 1; n <= count; ++n) {
        CampaignWithRules c = campaign(100 + n * 2, QStringLiteral("gen-%1").arg(n), QStringLiteral("Generated %1").arg(n % 50),
                                       n % 4 ? kStatusActive : QStringLiteral("INACTIVE"));
        const int rules = int(random.bounded(5));
        for (int r = 0; r < rules; ++r) {
            QStringList values;
            for (int v = int(random.bounded(1, 4)); v > 0; --v)
                values.append(spellings[int(random.bounded(int(spellings.size())))]);
            const auto dimension = Dimension(random.bounded(kDimensionCount));
            const auto type = random.bounded(3) ? RuleType::Include : RuleType::Exclude;
            c.rules.append(rule(ruleId++, c.campaign.id, QString(), dimension, type, values, c.campaign.createdAt,
                                c.campaign.updatedAt));
            c.rules.last().code = QStringLiteral("%1-%2-%3-%4")
                                      .arg(c.campaign.code, dimensionName(dimension), ruleTypeName(type).toLower())
                                      .arg(r + 1);
        }
        all.append(c);
    }
    return all;
}

} // namespace

class TestCatalog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void givesEveryCampaignBackWhole()
    {
        QList<CampaignWithRules> campaigns = assorted();
        const auto catalog = CampaignCatalog::make(campaigns); // in no order of ids
        std::sort(campaigns.begin(), campaigns.end(),
                  [](const CampaignWithRules &a, const CampaignWithRules &b) { return a.campaign.id < b.campaign.id; });
        QCOMPARE(catalog->size(), campaigns.size());
        for (qsizetype i = 0; i < campaigns.size(); ++i) {
            QCOMPARE(catalog->id(i), campaigns[i].campaign.id);
            QCOMPARE(catalog->at(i).campaign, campaigns[i].campaign);
            QCOMPARE(catalog->at(i).rules, campaigns[i].rules);
            QCOMPARE(catalog->indexOf(campaigns[i].campaign.id), i);
        }
        QCOMPARE(catalog->indexOf(8), -1);
        const qsizetype world = catalog->indexOf(3);
        QCOMPARE(catalog->text(world, CampaignCatalog::Text::Name), QStringLiteral("Ünïcødé ✓ name"));
        QVERIFY(!catalog->isActive(world));
        QCOMPARE(catalog->ruleCount(world), 3);
        QVERIFY(catalog->isDeleted(catalog->indexOf(20)));
        QCOMPARE(catalog->serving(catalog->indexOf(20)), campaigns[3].campaign.serving);
        QVERIFY(catalog->serving(world).isAlways());
        QCOMPARE(catalog->updatedAt(world), campaigns[0].campaign.updatedAt);
    }

    // A store spells a day-parting (its hours and zone) once per campaign: the catalog keeps
    // one copy of each, as a million small copies left scattered in the heap pin memory the
    // studio cannot give back. Parts of a store read side by side are joined by what each
    // day-parting is, whatever number each part gave it.
    void keepsEachDayPartingOnce()
    {
        const auto dayParted = [](int n, int hour, const char *zone) {
            CampaignWithRules c = campaign(n, QStringLiteral("zoned-%1").arg(n), QStringLiteral("Zoned"), kStatusActive);
            DayParting hours;
            hours.hours.set(weekSlot(1, hour));
            hours.timeZone = QByteArray(zone); // as the store reads it: bytes of each row's own
            c.campaign.serving.dayParting = hours;
            return c;
        };
        const QList<CampaignWithRules> first{dayParted(1, 9, "Europe/Berlin"), dayParted(2, 9, "Asia/Tokyo"),
                                             dayParted(3, 9, "Europe/Berlin"), dayParted(4, 10, "Asia/Tokyo")};
        // Numbered the other way round in a part of their own.
        const QList<CampaignWithRules> second{dayParted(5, 10, "Asia/Tokyo"), dayParted(6, 9, "Asia/Tokyo"),
                                              dayParted(7, 9, "Europe/Berlin")};
        CampaignCatalog::Builder builder;
        for (const CampaignWithRules &c : first)
            builder.add(c);
        CampaignCatalog::Builder later;
        for (const CampaignWithRules &c : second)
            later.add(c);
        builder.append(std::move(later));
        const auto catalog = builder.finish();

        const QList<CampaignWithRules> all = first + second;
        for (qsizetype i = 0; i < all.size(); ++i)
            QCOMPARE(catalog->serving(i), all[i].campaign.serving);
        const auto zoneOf = [&](qsizetype index) { return catalog->serving(index).dayParting->timeZone; };
        // Where the bytes are, not what they say (QCOMPARE would compare C strings).
        const auto bytesOf = [&](qsizetype index) { return static_cast<const void *>(zoneOf(index).constData()); };
        QCOMPARE(bytesOf(0), bytesOf(2));
        QCOMPARE(bytesOf(0), bytesOf(6)); // Berlin 9:00, from the other part
        QCOMPARE(bytesOf(1), bytesOf(5)); // Tokyo 9:00, from the other part
        QCOMPARE(bytesOf(3), bytesOf(4)); // Tokyo 10:00
        QVERIFY(bytesOf(0) != bytesOf(1));
        QVERIFY(bytesOf(1) != bytesOf(3)); // one zone, two patterns of hours
    }

    void findsCampaignsByCode()
    {
        const auto catalog = CampaignCatalog::make(generated(3000) + assorted());
        QCOMPARE(catalog->idOfCode(QStringLiteral("gen-1")), 102);
        QCOMPARE(catalog->idOfCode(QStringLiteral("gen-3000")), 6100);
        QCOMPARE(catalog->idOfCode(QStringLiteral("café-κ")), 3);
        QCOMPARE(catalog->idOfCode(QStringLiteral("spotify")), 7);
        QCOMPARE(catalog->idOfCode(QStringLiteral("Spotify")), 0); // codes are compared exactly
        QCOMPARE(catalog->idOfCode(QStringLiteral("gen-3001")), 0);
        QCOMPARE(CampaignCatalog::make({})->idOfCode(QStringLiteral("gen-1")), 0);
    }

    void filtersAsRuleReachDecides()
    {
        const QList<CampaignWithRules> campaigns = generated(2000) + assorted();
        const auto catalog = CampaignCatalog::make(campaigns);
        const QStringList asked{QStringLiteral("us"), QStringLiteral(" FR"), QStringLiteral("de"), QStringLiteral("android"),
                                QStringLiteral("ios"), QStringLiteral("com.app.one"), QStringLiteral("ελλάδα"),
                                QStringLiteral("nowhere")};
        int qualified = 0, never = 0;
        for (const CampaignWithRules &c : campaigns) {
            const qsizetype index = catalog->indexOf(c.campaign.id);
            for (Dimension dimension : kDimensions) {
                for (const QString &value : asked) {
                    const bool expected = qualifiesIn(c.rules, dimension, value);
                    QCOMPARE(catalog->qualifiesIn(index, dimension, catalog->requestValue(value)), expected);
                    qualified += expected;
                }
            }
            const bool expected = dimensionThatNeverQualifies(c.rules).has_value();
            QCOMPARE(catalog->neverQualifies(index), expected);
            never += expected;
        }
        QVERIFY(qualified > 0 && qualified < campaigns.size() * kDimensionCount * asked.size());
        QVERIFY(never > 0 && never < campaigns.size());
    }

    void searchesTextsInAnyCase()
    {
        const QList<CampaignWithRules> campaigns = generated(200) + assorted();
        const auto catalog = CampaignCatalog::make(campaigns);
        using Text = CampaignCatalog::Text;
        const QStringList needles{QStringLiteral("GEN-1"), QStringLiteral("generated 4"), QStringLiteral("ünï"),
                                  QStringLiteral("CAFÉ"), QStringLiteral("\u212A"), QStringLiteral("k"),
                                  QStringLiteral("install"), QStringLiteral(".png"), QStringLiteral("inactive"),
                                  // across the head an image URL shares with the others, and within it
                                  QStringLiteral("EXAMPLE/gen-1"), QStringLiteral("/café"), QStringLiteral("https://cdn"),
                                  QStringLiteral("ÄMPLE.COM/Κ/CAF")};
        int found = 0;
        for (const CampaignWithRules &c : campaigns) {
            const qsizetype index = catalog->indexOf(c.campaign.id);
            const Campaign &k = c.campaign;
            const std::array<std::pair<Text, QString>, CampaignCatalog::kTextCount> fields{
                {{Text::Code, k.code}, {Text::Name, k.name}, {Text::Status, k.status}, {Text::Cta, k.cta}, {Text::Image, k.image}}};
            for (const auto &[field, text] : fields) {
                QCOMPARE(catalog->text(index, field), text);
                for (const QString &needle : needles) {
                    const bool expected = text.contains(needle.toCaseFolded(), Qt::CaseInsensitive);
                    QCOMPARE(catalog->textContains(index, field, CampaignCatalog::Needle(needle)), expected);
                    found += expected;
                }
            }
        }
        QVERIFY(found > 100);
    }

    // Every character of the BMP, searched for in a text of every printable ASCII character:
    // found exactly when Qt's own search finds it (an ASCII text is searched without a string).
    void searchesAsciiTextsForAnyCharacter()
    {
        QString ascii;
        for (char16_t c = 0x20; c < 0x7F; ++c)
            ascii.append(QChar(c));
        CampaignWithRules c = campaign(1, QStringLiteral("all-ascii"), ascii, QStringLiteral("ACTIVE"));
        c.campaign.image = QStringLiteral("https://cdn.example.com/") + ascii;
        const auto catalog = CampaignCatalog::make({c});
        int found = 0;
        for (char32_t u = 1; u < 0x10000; ++u) {
            if (QChar::isSurrogate(u))
                continue;
            const QString needle = QString(QChar(char16_t(u)));
            const bool expected = ascii.contains(needle.toCaseFolded(), Qt::CaseInsensitive);
            for (const auto field : {CampaignCatalog::Text::Name, CampaignCatalog::Text::Image}) {
                if (catalog->textContains(0, field, CampaignCatalog::Needle(needle)) != expected)
                    QFAIL(qPrintable(QStringLiteral("U+%1").arg(uint(u), 4, 16, QLatin1Char('0'))));
            }
            found += expected;
        }
        QVERIFY(found > 95); // the printable ASCII characters, and those that fold to them
    }

    // Texts of every length up to three words of eight bytes, and needles taken from every
    // place in them (in the other case too), or one letter off: as Qt's own search finds them.
    void findsANeedleWhereverItIs()
    {
        const QString alphabet = QStringLiteral("aB3-cD/eF.gH_iJ kL@mN[oP`qR{sT");
        QList<CampaignWithRules> campaigns;
        for (int length = 1; length <= 24; ++length)
            campaigns.append(campaign(length, QStringLiteral("c%1").arg(length), alphabet.left(length), QStringLiteral("ACTIVE")));
        const auto catalog = CampaignCatalog::make(campaigns);
        int compared = 0;
        for (qsizetype index = 0; index < catalog->size(); ++index) {
            const QString name = catalog->text(index, CampaignCatalog::Text::Name);
            for (qsizetype at = 0; at < name.size(); ++at) {
                for (qsizetype size = 1; size <= 4 && at + size <= name.size(); ++size) {
                    const QString piece = name.mid(at, size);
                    QString offByOne = piece;
                    offByOne[size - 1] = QChar(piece.back().unicode() + 1);
                    for (const QString &needle : {piece, piece.toUpper(), piece.toLower(), offByOne}) {
                        const bool expected = name.contains(needle, Qt::CaseInsensitive);
                        QCOMPARE(catalog->textContains(index, CampaignCatalog::Text::Name, CampaignCatalog::Needle(needle)),
                                 expected);
                        ++compared;
                    }
                }
            }
        }
        QVERIFY(compared > 1000);
    }

    void buildsAsTheStoreStreams()
    {
        CampaignCatalog::Builder builder;
        builder.reserve(2);
        const QList<CampaignWithRules> campaigns = assorted();
        for (auto c = campaigns.crbegin(); c != campaigns.crend(); ++c)
            builder.add(*c);
        const auto catalog = builder.finish();
        QCOMPARE(catalog->size(), campaigns.size());
        QCOMPARE(catalog->id(0), 3);
        QCOMPARE(catalog->id(catalog->size() - 1), 20);
    }

    // Parts of a store read side by side, each into a builder of its own, joined: the same
    // catalog as one builder makes of all of them.
    void joinsPartsAsOne()
    {
        QList<CampaignWithRules> campaigns = assorted() + generated(400);
        std::sort(campaigns.begin(), campaigns.end(),
                  [](const CampaignWithRules &a, const CampaignWithRules &b) { return a.campaign.id < b.campaign.id; });
        const auto whole = CampaignCatalog::make(campaigns);
        std::array<CampaignCatalog::Builder, 3> parts;
        for (qsizetype i = 0; i < campaigns.size(); ++i)
            parts[size_t(i * 3 / campaigns.size())].add(campaigns[i]);
        parts[0].append(std::move(parts[1]));
        parts[0].append(std::move(parts[2]));
        const auto joined = parts[0].finish();
        int neverQualifying = 0;
        expectSame(*joined, *whole, &neverQualifying);
        QVERIFY(neverQualifying > 0); // campaigns no request can reach, among them
    }

    void readsAStoreInPartsAsWhole()
    {
        QTemporaryDir dir;
        QString error;
        auto store = CampaignStore::open(DatabaseTarget::sqlite(dir.filePath(QStringLiteral("parts.sqlite"))), &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(CampaignGenerator::generate(*store, 1500, 5).ok());
        const auto whole = CampaignCatalog::read(*store, {}, {1, 1});
        QVERIFY2(whole.ok(), qPrintable(whole.message));
        const auto inParts = CampaignCatalog::read(*store, {}, {3, 1});
        QVERIFY2(inParts.ok(), qPrintable(inParts.message));
        QCOMPARE(inParts.value->size(), store->targeting().value.size());
        int neverQualifying = 0;
        expectSame(*inParts.value, *whole.value, &neverQualifying);
    }

    void keepsNoSecondCopyOfTheRulesTheIndexHas()
    {
        QList<CampaignWithRules> campaigns = generated(2000) + assorted();
        auto index = MatchIndex::build(campaigns);
        // Renamed since the index was built: its code is its own, its (no) rules the index's.
        campaigns.last().campaign.code = QStringLiteral("renamed");
        const auto own = CampaignCatalog::make(campaigns);
        const auto beside = CampaignCatalog::make(campaigns, index);
        QCOMPARE(own->sharedTargetingCount(), 0);
        // Every campaign comes back the same, and filters the same, shared or not.
        int neverQualifying = 0;
        expectSame(*beside, *own, &neverQualifying);
        // Shared: rules that are the index's exactly (with times of their own: kept here), and
        // no rules at all. Kept: a deleted rule, values repeated or spelt otherwise.
        for (qint64 id : {7, 9, 20})
            QVERIFY2(beside->sharesTargeting(beside->indexOf(id)), qPrintable(QString::number(id)));
        QVERIFY(!beside->sharesTargeting(beside->indexOf(3)));
        QCOMPARE(beside->text(beside->indexOf(9), CampaignCatalog::Text::Code), QStringLiteral("renamed"));
        qsizetype spaced = 0;
        for (const CampaignWithRules &c : campaigns) {
            const bool oddSpelling = std::any_of(c.rules.cbegin(), c.rules.cend(), [](const TargetRule &r) {
                return std::any_of(r.values.cbegin(), r.values.cend(), [](const QString &v) { return v != v.trimmed(); });
            });
            spaced += oddSpelling;
            if (oddSpelling)
                QVERIFY(!beside->sharesTargeting(beside->indexOf(c.campaign.id)));
        }
        QVERIFY(spaced > 0);
        QVERIFY(beside->sharedTargetingCount() > campaigns.size() / 4);
        QVERIFY(beside->sharedTargetingCount() < campaigns.size() - spaced);
        // The catalog keeps alive the index it points into.
        const std::weak_ptr<const MatchIndex> kept = index;
        index.reset();
        QVERIFY(!kept.expired());
    }

private:
    // Counts the campaigns no request can reach into `neverQualifying`.
    static void expectSame(const CampaignCatalog &got, const CampaignCatalog &want, int *neverQualifying)
    {
        using Text = CampaignCatalog::Text;
        QCOMPARE(got.size(), want.size());
        QVERIFY(want.size() > 0);
        const QList<std::pair<Dimension, QString>> requests{
            {Dimension::Country, QStringLiteral("us")}, {Dimension::Country, QStringLiteral("Fr")},
            {Dimension::Os, QStringLiteral("ios")}, {Dimension::App, QStringLiteral("com.app.one")},
            {Dimension::Country, QStringLiteral("nowhere")}};
        const std::vector<CampaignCatalog::Needle> needles{CampaignCatalog::Needle(QStringLiteral("GEN-1")),
                                                           CampaignCatalog::Needle(QStringLiteral("é-Κ")),
                                                           CampaignCatalog::Needle(QStringLiteral("renamed"))};
        for (qsizetype i = 0; i < want.size(); ++i) {
            QCOMPARE(got.id(i), want.id(i));
            QCOMPARE(got.at(i).campaign, want.at(i).campaign);
            QCOMPARE(got.at(i).rules, want.at(i).rules);
            QCOMPARE(got.ruleCount(i), want.ruleCount(i));
            for (Text field : {Text::Code, Text::Name, Text::Status, Text::Cta, Text::Image}) {
                QCOMPARE(got.text(i, field), want.text(i, field));
                for (const auto &needle : needles)
                    QCOMPARE(got.textContains(i, field, needle), want.textContains(i, field, needle));
            }
            QCOMPARE(got.neverQualifies(i), want.neverQualifies(i));
            *neverQualifying += want.neverQualifies(i);
            for (const auto &[dimension, value] : requests)
                QCOMPARE(got.qualifiesIn(i, dimension, got.requestValue(value)),
                         want.qualifiesIn(i, dimension, want.requestValue(value)));
            QCOMPARE(got.idOfCode(want.text(i, Text::Code)), want.id(i));
        }
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_gui_catalog.moc"
