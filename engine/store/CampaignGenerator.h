#pragma once

#include "CampaignStore.h"
#include "StoreResult.h"
#include "model/Campaign.h"

#include <QDateTime>
#include <QStringList>

#include <functional>
#include <optional>
#include <random>

namespace adserve {

// Makes realistic campaigns for load tests and demos, the same ones for the same seed on
// every machine: ISO country codes (popular markets more often), common operating systems,
// thousands of com.<vendor>.<app> ids with a few very popular ones; per dimension a mix of
// INCLUDE, EXCLUDE, both or no rule; about 10% INACTIVE and 3% deleted; codes "gen-<seed>-<n>".
// A fifth have a priority above 0, a quarter a flight around the anchor day (60 days before
// it to 30 after), 15% day-parting (office hours, evenings or weekends) in one of a few zones.
class CampaignGenerator
{
public:
    static constexpr qsizetype kChunk = 5000;

    // Flights are placed around `anchor` (a UTC day): the same seed and anchor give the same
    // campaigns.
    CampaignGenerator(quint64 seed, const QDate &anchor);

    // The next campaign, numbered from 1.
    CampaignWithRules next();

    // Writes `count` generated campaigns in one transaction, made and written in chunks so
    // memory stays bounded whatever the count: all of them, or (on a failure, or when
    // `progress(done, count)` returns false) none. `deleted`, if given, receives how many of
    // those written were made deleted (the studio's table does not show them).
    static StoreResult<qint64> generate(CampaignStore &store, qint64 count, quint64 seed,
                                        const std::function<bool(qint64, qint64)> &progress = {},
                                        qint64 *deleted = nullptr);

    // What the generator wrote, told by the code: of every seed, or of one.
    static CodePattern generatedCodes(std::optional<quint64> seed = std::nullopt);
    static StoreResult<CodeCount> countGenerated(const CampaignStore &store, std::optional<quint64> seed = std::nullopt);
    // Takes back what the generator wrote (see CampaignStore::purgeByCode), in one transaction.
    static StoreResult<qint64> removeGenerated(CampaignStore &store, std::optional<quint64> seed = std::nullopt,
                                               const std::function<bool(qint64, qint64)> &progress = {});

private:
    // Own mappings from raw engine output, not std distributions, whose results differ
    // between standard libraries: a seed must give the same campaigns everywhere.
    static double uniform(std::mt19937_64 &random);
    static qsizetype below(qsizetype n, std::mt19937_64 &random);
    double uniform() { return uniform(random_); }
    qsizetype below(qsizetype n) { return below(n, random_); }
    // Index in [0, n) with small indexes much more likely (for "most popular first" lists).
    qsizetype skewed(qsizetype n, double steepness);
    void addRules(QList<TargetRule> &rules, Dimension dimension);
    QString pickValue(Dimension dimension);
    void addServing(Campaign &campaign);

    std::mt19937_64 random_;
    std::mt19937_64 timing_; // its own stream: the rest is drawn as before priorities and flights existed
    const quint64 seed_;
    const QDateTime anchor_;
    qint64 number_ = 0;
};

} // namespace adserve
