#pragma once

#include "targeting/TargetingQuery.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace adserve {

// The query parameters of the delivery and explain routes, read from what
// HttpReplies::queryParams gives: pure functions, so they are tested and fuzzed alone.
namespace DeliveryParams {

inline constexpr int kMaxParamLength = 256;

struct Problem
{
    QString param;
    QString message;
};

inline constexpr qint64 kMaxLimit = 1'000'000'000;

// A delivery request's targeting, read in `order` (parameters are named as their
// dimensions), and its optional `limit`; the first problem of each parameter is reported,
// the limit's last. `maxCampaigns` is the server's cap (0: none): a request's limit can
// only lower it.
struct Targeting
{
    TargetingQuery query;
    size_t limit = size_t(-1); // MatchIndex::kAll: every match
    QList<Problem> problems;
};
Targeting readTargeting(const QHash<QString, QString> &params, const std::array<Dimension, kDimensionCount> &order,
                        qint64 maxCampaigns = 0);

// An explain request: optional targeting, one campaign (id or code) or all, and a page of
// the decisions.
struct Explain
{
    TargetingQuery query;
    QString campaign; // trimmed; empty for every campaign
    qint64 limit = 1000; // decisions per page; 0: all
    qint64 offset = 0;
    size_t answerLimit = size_t(-1); // the delivery's limit, as `limit` is on the delivery routes
    std::optional<qint64> at;        // explain at this instant (ms since the epoch) instead of now

    // The decisions [first, end) of `total` this page shows.
    std::pair<qint64, qint64> page(qint64 total) const;
};
// nullopt when a parameter is malformed; then `problem` is the 400's message.
std::optional<Explain> readExplain(const QHash<QString, QString> &params, QString *problem, qint64 maxCampaigns = 0);

} // namespace DeliveryParams
} // namespace adserve
