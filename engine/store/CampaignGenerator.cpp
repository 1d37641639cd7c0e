#include "CampaignGenerator.h"

#include "CampaignStore.h"
#include "ValueLists.h"

#include <QSet>
#include <QTimeZone>

#include <array>
#include <cmath>

namespace adserve {

namespace {

// Markets advertisers target most; half of all generated country values come from here.
const QStringList kTopMarkets{
    QStringLiteral("US"), QStringLiteral("GB"), QStringLiteral("DE"), QStringLiteral("FR"), QStringLiteral("IN"),
    QStringLiteral("BR"), QStringLiteral("JP"), QStringLiteral("CA"), QStringLiteral("AU"), QStringLiteral("MX"),
    QStringLiteral("ES"), QStringLiteral("IT"), QStringLiteral("KR"), QStringLiteral("ID"), QStringLiteral("TR"),
    QStringLiteral("NL"), QStringLiteral("PL"), QStringLiteral("SA"), QStringLiteral("AE"), QStringLiteral("NG")};
const QStringList kCallsToAction{QStringLiteral("Install"),    QStringLiteral("Download"),  QStringLiteral("Play"),
                                 QStringLiteral("Shop Now"),   QStringLiteral("Learn More"), QStringLiteral("Sign Up"),
                                 QStringLiteral("Subscribe"),  QStringLiteral("Open"),       QStringLiteral("Try Free"),
                                 QStringLiteral("Book Now")};
const QStringList kThemes{QStringLiteral("Spring"), QStringLiteral("Summer"),  QStringLiteral("Autumn"),
                          QStringLiteral("Winter"), QStringLiteral("Holiday"), QStringLiteral("Launch"),
                          QStringLiteral("Weekend"), QStringLiteral("Black Friday"), QStringLiteral("Back to School")};
const QStringList kGoals{QStringLiteral("Install Push"), QStringLiteral("Retargeting"), QStringLiteral("Awareness"),
                         QStringLiteral("Promo"), QStringLiteral("Reactivation")};
const QStringList kVendorSuffixes{QStringLiteral("games"), QStringLiteral("apps"),   QStringLiteral("labs"),
                                  QStringLiteral("studio"), QStringLiteral("soft"),  QStringLiteral("media"),
                                  QStringLiteral("mobile"), QStringLiteral("interactive")};
const QStringList kBannerSizes{QStringLiteral("320x50"), QStringLiteral("300x250"), QStringLiteral("728x90"),
                               QStringLiteral("1080x1920")};

constexpr qsizetype kSynthesizedApps = 6000;

struct Catalogue
{
    QStringList countries;
    QStringList operatingSystems;
    QStringList apps; // most popular first
};

// Built once, from a fixed seed: the same app ids whatever seed campaigns are generated with.
const Catalogue &catalogue()
{
    static const Catalogue instance = [] {
        Catalogue c;
        for (const ValueLists::Country &country : ValueLists::countries())
            c.countries.append(country.code);
        c.operatingSystems = ValueLists::operatingSystems();
        c.apps = ValueLists::popularApps();
        const QStringList words = ValueLists::appWords();
        QSet<QString> seen(c.apps.cbegin(), c.apps.cend());
        std::mt19937_64 random(0x61707073); // "apps"
        auto word = [&] { return words.at(qsizetype(random() % quint64(words.size()))); };
        while (!words.isEmpty() && c.apps.size() < kSynthesizedApps) {
            const QString vendor = random() % 2 ? word() + word()
                                                : word() + kVendorSuffixes.at(qsizetype(random() % kVendorSuffixes.size()));
            const QString app = random() % 3 ? word() : word() + word();
            const QString id = QStringLiteral("com.%1.%2").arg(vendor, app);
            if (!seen.contains(id)) {
                seen.insert(id);
                c.apps.append(id);
            }
        }
        return c;
    }();
    return instance;
}

QString titleCase(const QString &word)
{
    return word.isEmpty() ? word : word.at(0).toUpper() + word.mid(1);
}

} // namespace

CampaignGenerator::CampaignGenerator(quint64 seed, const QDate &anchor)
    : random_(seed)
    , timing_(seed ^ 0x9e3779b97f4a7c15)
    , seed_(seed)
    , anchor_(anchor.startOfDay(QTimeZone::utc()))
{
}

double CampaignGenerator::uniform(std::mt19937_64 &random)
{
    return double(random() >> 11) * 0x1.0p-53;
}

qsizetype CampaignGenerator::below(qsizetype n, std::mt19937_64 &random)
{
    return n <= 0 ? 0 : qsizetype(random() % quint64(n));
}

void CampaignGenerator::addServing(Campaign &campaign)
{
    // Most campaigns rank alike; some are boosted a little, a few a lot.
    const double rank = uniform(timing_);
    campaign.priority = rank < 0.80 ? 0 : rank < 0.95 ? 1 + int(below(5, timing_)) : 6 + int(below(5, timing_));
    // A quarter run in a flight around the anchor day: most under way, some over, some to come.
    if (uniform(timing_) < 0.25) {
        const qint64 startHour = qint64(below(90 * 24, timing_)) - 60 * 24;
        const qint64 hours = 7 * 24 + qint64(below(83 * 24, timing_));
        campaign.serving.flightStart = anchor_.addSecs(startHour * 3600);
        campaign.serving.flightEnd = campaign.serving.flightStart.addSecs(hours * 3600);
    }
    // Some serve in set hours of their market's week.
    static const QList<QByteArray> zones{"UTC", "Europe/Berlin", "Europe/London", "America/New_York",
                                         "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata"};
    if (uniform(timing_) < 0.15) {
        DayParting parting;
        parting.timeZone = zones.at(below(zones.size(), timing_));
        const qsizetype pattern = below(3, timing_);
        for (int day = 0; day < 7; ++day) {
            for (int hour = 0; hour < 24; ++hour) {
                const bool serves = pattern == 0   ? day < 5 && hour >= 9 && hour < 18 // office hours
                                    : pattern == 1 ? hour >= 18                        // evenings
                                                   : day >= 5;                         // weekends
                parting.hours.set(size_t(day * 24 + hour), serves);
            }
        }
        campaign.serving.dayParting = parting;
    }
}

qsizetype CampaignGenerator::skewed(qsizetype n, double steepness)
{
    return std::min(n - 1, qsizetype(double(n) * std::pow(uniform(), steepness)));
}

QString CampaignGenerator::pickValue(Dimension dimension)
{
    const Catalogue &c = catalogue();
    switch (dimension) {
    case Dimension::Country:
        return uniform() < 0.5 ? kTopMarkets.at(below(kTopMarkets.size())) : c.countries.at(below(c.countries.size()));
    case Dimension::Os:
        return c.operatingSystems.at(skewed(c.operatingSystems.size(), 2.0));
    case Dimension::App:
        return c.apps.at(skewed(c.apps.size(), 3.0));
    }
    return {};
}

void CampaignGenerator::addRules(QList<TargetRule> &rules, Dimension dimension)
{
    // How campaigns target, per dimension. Nearly every campaign is sold for a few markets
    // (a worldwide one is rare), most are for one platform, and app rules are mostly
    // blocklists with some placement lists. This is what makes a request match a few percent
    // of all campaigns, as in a real network, rather than a fifth of them.
    struct Mix
    {
        double none, includeOnly, excludeOnly; // the rest: INCLUDE and EXCLUDE
        qsizetype maxIncluded, maxExcluded;
    };
    static constexpr std::array<Mix, kDimensionCount> kMixes{{
        {0.02, 0.90, 0.05, 8, 3}, // country
        {0.15, 0.80, 0.03, 2, 2}, // os
        {0.55, 0.15, 0.25, 6, 4}, // app
    }};
    const Mix &mix = kMixes[size_t(dimension)];
    const double kind = uniform();
    if (kind < mix.none)
        return;
    const bool include = kind < mix.none + mix.includeOnly || kind >= mix.none + mix.includeOnly + mix.excludeOnly;
    const bool exclude = kind >= mix.none + mix.includeOnly;
    QSet<QString> used;
    auto values = [&](qsizetype most) {
        QStringList list;
        const qsizetype wanted = 1 + skewed(most, 2.5);
        for (int tries = 0; list.size() < wanted && tries < 4 * most; ++tries) {
            const QString value = pickValue(dimension);
            if (!used.contains(value)) {
                used.insert(value);
                list.append(value);
            }
        }
        return list;
    };
    for (RuleType type : {RuleType::Include, RuleType::Exclude}) {
        if ((type == RuleType::Include && !include) || (type == RuleType::Exclude && !exclude))
            continue;
        TargetRule rule;
        rule.dimension = dimension;
        rule.type = type;
        rule.values = values(type == RuleType::Include ? mix.maxIncluded : mix.maxExcluded);
        if (!rule.values.isEmpty())
            rules.append(rule);
    }
}

CampaignWithRules CampaignGenerator::next()
{
    const Catalogue &c = catalogue();
    ++number_;
    CampaignWithRules result;
    Campaign &campaign = result.campaign;
    campaign.code = QStringLiteral("gen-%1-%2").arg(seed_).arg(number_);
    const QString app = c.apps.at(skewed(c.apps.size(), 3.0));
    const QString product = titleCase(app.section(u'.', -1));
    campaign.name = QStringLiteral("%1 - %2 %3").arg(product, kThemes.at(below(kThemes.size())),
                                                    kGoals.at(below(kGoals.size())));
    campaign.image = QStringLiteral("https://cdn.example.com/creatives/%1-%2.png")
                         .arg(campaign.code, kBannerSizes.at(below(kBannerSizes.size())));
    campaign.cta = kCallsToAction.at(below(kCallsToAction.size()));
    campaign.status = uniform() < 0.10 ? kStatusInactive : kStatusActive;
    campaign.deleted = uniform() < 0.03;
    for (Dimension dimension : kDimensions)
        addRules(result.rules, dimension);
    addServing(campaign);
    return result;
}

StoreResult<qint64> CampaignGenerator::generate(CampaignStore &store, qint64 count, quint64 seed,
                                                const std::function<bool(qint64, qint64)> &progress, qint64 *deleted)
{
    if (count < 0)
        return StoreResult<qint64>::failure(StoreError::Invalid, QStringLiteral("count must not be negative"),
                                            {{QStringLiteral("count"), QStringLiteral("must not be negative")}});
    const QDate anchor = QDate::currentDate();
    qint64 madeDeleted = 0;
    auto written = store.insertAtomically(
        [&] { // from the first campaign again whenever the transaction starts (over)
            madeDeleted = 0;
            return [&, generator = CampaignGenerator(seed, anchor), made = qint64(0)](qsizetype max) mutable {
                const qsizetype size = qsizetype(std::min<qint64>(std::min<qint64>(max, kChunk), count - made));
                QList<CampaignWithRules> batch;
                batch.reserve(size);
                for (qsizetype i = 0; i < size; ++i) {
                    batch.append(generator.next());
                    madeDeleted += batch.last().campaign.deleted;
                }
                made += size;
                return batch;
            };
        },
        count, progress, {QString(), QStringLiteral("generated, seed %1").arg(seed)});
    if (deleted)
        *deleted = written.ok() && written.value > 0 ? madeDeleted : 0;
    return written;
}

CodePattern CampaignGenerator::generatedCodes(std::optional<quint64> seed)
{
    // "gen-<seed>-<n>", as next() names them: a campaign merely named "gen-spring" is not one.
    if (seed)
        return {QStringLiteral("gen-%1-").arg(*seed), QRegularExpression(QStringLiteral("^gen-%1-[0-9]+$").arg(*seed))};
    return {QStringLiteral("gen-"), QRegularExpression(QStringLiteral("^gen-[0-9]+-[0-9]+$"))};
}

StoreResult<CodeCount> CampaignGenerator::countGenerated(const CampaignStore &store, std::optional<quint64> seed)
{
    return store.countByCode(generatedCodes(seed));
}

StoreResult<qint64> CampaignGenerator::removeGenerated(CampaignStore &store, std::optional<quint64> seed,
                                                       const std::function<bool(qint64, qint64)> &progress)
{
    const QString note = seed ? QStringLiteral("generated campaigns removed, seed %1").arg(*seed)
                              : QStringLiteral("generated campaigns removed");
    return store.purgeByCode(generatedCodes(seed), progress, {QString(), note});
}

} // namespace adserve
