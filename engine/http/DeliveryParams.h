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

// A delivery request's targeting, read in `order` (parameters are named as their
// dimensions); the first problem of each parameter is reported.
struct Targeting
{
    TargetingQuery query;
    QList<Problem> problems;
};
Targeting readTargeting(const QHash<QString, QString> &params, const std::array<Dimension, kDimensionCount> &order);

// An explain request: optional targeting, one campaign (id or code) or all, and a page of
// the decisions.
struct Explain
{
    TargetingQuery query;
    QString campaign; // trimmed; empty for every campaign
    qint64 limit = 1000; // 0: all
    qint64 offset = 0;

    // The decisions [first, end) of `total` this page shows.
    std::pair<qint64, qint64> page(qint64 total) const;
};
// nullopt when a parameter is malformed; then `problem` is the 400's message.
std::optional<Explain> readExplain(const QHash<QString, QString> &params, QString *problem);

} // namespace DeliveryParams
} // namespace adserve
