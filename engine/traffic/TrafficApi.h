#pragma once

#include "TrafficTable.h"
#include "http/HttpApi.h"

#include <QStringList>

namespace adserve {

class Engine;

// The admin routes over recorded traffic, behind the admin token (HttpApi checks it before
// routing here):
//   GET  /api/v1/traffic?from=&to=   totals, per day, the top values of each dimension
//   POST /api/v1/traffic/import      a CSV, HAR, QA journal or access log, by Content-Type
class TrafficApi
{
public:
    explicit TrafficApi(Engine &engine);

    // `segments`: the path after /api/v1/traffic.
    HttpReply handle(const HttpRequest &request, const QStringList &segments);

    static constexpr int kDefaultDays = 7;

private:
    HttpReply totals(const HttpRequest &request);
    HttpReply import(const HttpRequest &request);

    Engine &engine_;
    TrafficTable table_;
};

} // namespace adserve
