// The delivery and explain routes' query parameters, from the raw query string of a request
// target as the server reads it.
#include "FuzzCheck.h"
#include "http/DeliveryParams.h"
#include "http/HttpReplies.h"

#include <QUrl>

#include <limits>

using namespace adserve;

namespace {

void checkTargeting(const QHash<QString, QString> &params, const std::array<Dimension, kDimensionCount> &order,
                    qint64 maxCampaigns)
{
    const DeliveryParams::Targeting targeting = DeliveryParams::readTargeting(params, order, maxCampaigns);
    // One problem at most per dimension, and one for the limit, last.
    FUZZ_CHECK(targeting.problems.size() <= kDimensionCount + 1);
    for (qsizetype i = 0; i < targeting.problems.size(); ++i) {
        const DeliveryParams::Problem &p = targeting.problems.at(i);
        const bool limit = p.param == QLatin1String("limit");
        FUZZ_CHECK((dimensionFromName(p.param) || (limit && i == targeting.problems.size() - 1)) && !p.message.isEmpty());
    }
    if (targeting.problems.isEmpty()) {
        for (Dimension d : kDimensions)
            FUZZ_CHECK(!targeting.query.value(d).isEmpty());
        // A limit from 1 up, never above the server's cap.
        FUZZ_CHECK(targeting.limit >= 1);
        FUZZ_CHECK(maxCampaigns == 0 || targeting.limit <= size_t(maxCampaigns));
    }
}

void checkExplain(const QHash<QString, QString> &params)
{
    QString problem;
    const auto explain = DeliveryParams::readExplain(params, &problem);
    if (!explain) {
        FUZZ_CHECK(!problem.isEmpty());
        return;
    }
    FUZZ_CHECK(explain->limit >= 0 && explain->offset >= 0);
    // Every page lies inside the decisions, however far out offset and limit point.
    for (qint64 total : {qint64(0), qint64(1), qint64(1000), qint64(1001), std::numeric_limits<qint64>::max()}) {
        const auto [first, end] = explain->page(total);
        FUZZ_CHECK(0 <= first && first <= end && end <= total);
        FUZZ_CHECK(explain->limit == 0 || end - first <= explain->limit);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QUrl url = QUrl::fromEncoded("/api/v1/delivery?" + fuzzInput(data, size));
    const QHash<QString, QString> params = HttpReplies::queryParams(QUrlQuery(url));
    checkTargeting(params, {Dimension::Country, Dimension::Os, Dimension::App}, 0);
    checkTargeting(params, {Dimension::App, Dimension::Country, Dimension::Os}, 20);
    checkExplain(params);
    return 0;
}
