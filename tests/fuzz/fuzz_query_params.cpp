// The delivery and explain routes' query parameters, from the raw query string of a request
// target as the server reads it.
#include "FuzzCheck.h"
#include "http/DeliveryParams.h"
#include "http/HttpReplies.h"

#include <QUrl>

#include <limits>

using namespace adserve;

namespace {

void checkTargeting(const QHash<QString, QString> &params, const std::array<Dimension, kDimensionCount> &order)
{
    const DeliveryParams::Targeting targeting = DeliveryParams::readTargeting(params, order);
    FUZZ_CHECK(targeting.problems.size() <= kDimensionCount);
    for (const DeliveryParams::Problem &p : targeting.problems)
        FUZZ_CHECK(dimensionFromName(p.param) && !p.message.isEmpty());
    if (targeting.problems.isEmpty()) {
        for (Dimension d : kDimensions)
            FUZZ_CHECK(!targeting.query.value(d).isEmpty());
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
    checkTargeting(params, {Dimension::Country, Dimension::Os, Dimension::App});
    checkTargeting(params, {Dimension::App, Dimension::Country, Dimension::Os});
    checkExplain(params);
    return 0;
}
