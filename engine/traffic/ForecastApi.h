#pragma once

#include "RecordedTraffic.h"
#include "TrafficTable.h"
#include "TrafficWindow.h"
#include "http/HttpApi.h"

#include <QStringList>

#include <memory>
#include <mutex>

namespace adserve {

class Engine;

// The admin routes that answer from recorded traffic with the index, behind the admin token:
//   GET  /api/v1/forecast?campaign=<id or code>&from=&to=   a stored campaign's forecast
//   POST /api/v1/forecast[?from=&to=]                       a draft's (its JSON as the campaigns route takes it)
//   GET  /api/v1/reach?from=&to=[&format=csv]               every campaign's reach, the store-wide report
// Windows default to the last 7 days. A prepared window is kept for a minute (traffic is
// flushed once a minute), so forecasts one after another read the store once.
class ForecastApi
{
public:
    explicit ForecastApi(Engine &engine);

    // `route`: "forecast" or "reach"; `segments`: the path after it.
    HttpReply handle(const QString &route, const HttpRequest &request, const QStringList &segments);

    static constexpr int kDefaultDays = 7;

private:
    HttpReply forecast(const HttpRequest &request, const CampaignWithRules &campaign, const TrafficWindow &window);
    HttpReply reach(const HttpRequest &request, const TrafficWindow &window);
    // The window's traffic, prepared; nullptr with `problem` set when the store cannot give it.
    std::shared_ptr<const RecordedTraffic> traffic(const TrafficWindow &window, HttpReply *problem);

    Engine &engine_;
    TrafficTable table_;
    std::mutex preparedMutex_;
    struct Prepared
    {
        TrafficWindow window;
        qint64 readAtMs = 0;
        std::shared_ptr<const RecordedTraffic> traffic;
    } prepared_;
};

} // namespace adserve
