#include "TestBackends.h"

#include "TestPostgres.h"
#include "TestRedis.h"
#include "store/CampaignStore.h"

using namespace adserve;

TestBackends::TestBackends()
    : storeKind_(qEnvironmentVariable("ADSERVE_TEST_STORE", QStringLiteral("sqlite")))
    , cacheKind_(qEnvironmentVariable("ADSERVE_TEST_CACHE", QStringLiteral("memory")))
{
}

TestBackends::~TestBackends()
{
    stop();
}

bool TestBackends::start(QString *error)
{
    QMap<QString, QString> values;
    if (storeKind_ == QLatin1String("postgres")) {
        postgres_ = std::make_unique<TestPostgres>();
        if (!postgres_->start(error))
            return false;
        values.insert(QStringLiteral("DATABASE_URL"), postgres_->databaseUrl());
    } else if (storeKind_ == QLatin1String("sqlite")) {
        values.insert(QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("adserve.sqlite")));
    } else {
        *error = QStringLiteral("ADSERVE_TEST_STORE: unknown store \"%1\"").arg(storeKind_);
        return false;
    }

    if (cacheKind_ == QLatin1String("redis") || cacheKind_ == QLatin1String("redis-cluster")) {
        const bool cluster = cacheKind_ == QLatin1String("redis-cluster");
        QString url;
        if (cluster) {
            cluster_ = std::make_unique<test::TestRedisCluster>();
            if (!cluster_->start()) {
                *error = cluster_->error();
                return false;
            }
            url = cluster_->url();
        } else {
            redis_ = std::make_unique<test::TestRedisServer>();
            if (!redis_->start()) {
                *error = redis_->error();
                return false;
            }
            url = redis_->url();
        }
        values.insert(QStringLiteral("REDIS_URL"), url);
        values.insert(QStringLiteral("REDIS_CLUSTER"), cluster ? QStringLiteral("true") : QStringLiteral("false"));
    } else if (cacheKind_ != QLatin1String("memory")) {
        *error = QStringLiteral("ADSERVE_TEST_CACHE: unknown cache \"%1\"").arg(cacheKind_);
        return false;
    }
    // The suite checks what the cache holds request by request (values written there by
    // the Go service, say): no near cache in between. tst_nearcache covers that one.
    values.insert(QStringLiteral("CACHE_NEAR_TTL_MS"), QStringLiteral("0"));
    auto config = ConfigBuilder::build(values, error);
    if (!config)
        return false;
    config_ = *config;
    return true;
}

void TestBackends::stop()
{
    if (redis_)
        redis_->stop();
    cluster_.reset();
    if (postgres_)
        postgres_->stop();
}

bool TestBackends::seedSamples(CampaignStore &store, QString *error)
{
    const auto existing = store.campaigns(true);
    if (!existing.ok()) {
        *error = existing.message;
        return false;
    }
    if (!existing.value.isEmpty())
        return true;
    struct Sample
    {
        const char *code, *name, *image, *cta;
        QList<TargetRule> rules;
    };
    const auto rule = [](Dimension d, RuleType t, QStringList values) {
        TargetRule r;
        r.dimension = d;
        r.type = t;
        r.values = std::move(values);
        return r;
    };
    const QList<Sample> samples{
        {"spotify", "Spotify - Music for everyone", "https://somelink", "Download",
         {rule(Dimension::Country, RuleType::Include, {QStringLiteral("US"), QStringLiteral("Canada")})}},
        {"duolingo", "Duolingo: Best way to learn", "https://somelink2", "Install",
         {rule(Dimension::Os, RuleType::Include, {QStringLiteral("Android"), QStringLiteral("iOS")}),
          rule(Dimension::Country, RuleType::Exclude, {QStringLiteral("US")})}},
        {"subwaysurfer", "Subway Surfer", "https://somelink3", "Play",
         {rule(Dimension::Os, RuleType::Include, {QStringLiteral("Android")}),
          rule(Dimension::App, RuleType::Include, {QStringLiteral("com.gametion.ludokinggame")})}},
    };
    for (const Sample &s : samples) {
        CampaignWithRules c;
        c.campaign.code = QString::fromUtf8(s.code);
        c.campaign.name = QString::fromUtf8(s.name);
        c.campaign.image = QString::fromUtf8(s.image);
        c.campaign.cta = QString::fromUtf8(s.cta);
        c.rules = s.rules;
        const auto created = store.create(c);
        if (!created.ok()) {
            *error = created.message;
            return false;
        }
    }
    return true;
}
