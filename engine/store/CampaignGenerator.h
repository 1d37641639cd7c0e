#pragma once

#include "StoreResult.h"
#include "model/Campaign.h"

#include <QStringList>

#include <functional>
#include <random>

namespace adserve {

class CampaignStore;

// Makes realistic campaigns for load tests and demos, the same ones for the same seed on
// every machine: ISO country codes (popular markets more often), common operating systems,
// thousands of com.<vendor>.<app> ids with a few very popular ones; per dimension a mix of
// INCLUDE, EXCLUDE, both or no rule; about 10% INACTIVE and 3% deleted; codes "gen-<seed>-<n>".
class CampaignGenerator
{
public:
    static constexpr qsizetype kChunk = 5000;

    explicit CampaignGenerator(quint64 seed);

    // The next campaign, numbered from 1.
    CampaignWithRules next();

    // Writes `count` generated campaigns in chunks, so memory stays bounded whatever the
    // count. `progress(done, count)` returning false stops after the current chunk.
    static StoreResult<qint64> generate(CampaignStore &store, qint64 count, quint64 seed,
                                        const std::function<bool(qint64, qint64)> &progress = {});

private:
    // Own mappings from raw engine output, not std distributions, whose results differ
    // between standard libraries: a seed must give the same campaigns everywhere.
    double uniform();
    qsizetype below(qsizetype n);
    // Index in [0, n) with small indexes much more likely (for "most popular first" lists).
    qsizetype skewed(qsizetype n, double steepness);
    void addRules(QList<TargetRule> &rules, Dimension dimension);
    QString pickValue(Dimension dimension);

    std::mt19937_64 random_;
    const quint64 seed_;
    qint64 number_ = 0;
};

} // namespace adserve
