// The cache's value format, shared with the Go service: what decodes re-encodes to bytes that
// decode to the same campaign (and encode to the same bytes); the delivery fragment is JSON.
#include "FuzzCheck.h"
#include "cache/CampaignCodec.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace adserve;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = fuzzInput(data, size);
    if (const auto id = CampaignCodec::idFromKey(input))
        FUZZ_CHECK(*id > 0 && CampaignCodec::idFromKey(CampaignCodec::cacheKey(*id)) == id);

    const auto campaign = CampaignCodec::decode(input);
    if (!campaign)
        return 0;
    FUZZ_CHECK(campaign->id > 0);
    const QByteArray encoded = CampaignCodec::encode(*campaign);
    const auto decoded = CampaignCodec::decode(encoded);
    FUZZ_CHECK(decoded == campaign);
    FUZZ_CHECK(CampaignCodec::encode(*decoded) == encoded);

    QJsonParseError error{};
    const QJsonObject fragment = QJsonDocument::fromJson(CampaignCodec::responseFragment(*campaign), &error).object();
    FUZZ_CHECK(error.error == QJsonParseError::NoError);
    FUZZ_CHECK(fragment.value(QLatin1String("cid")).toString() == campaign->code);
    FUZZ_CHECK(fragment.value(QLatin1String("img")).toString() == campaign->image);
    FUZZ_CHECK(fragment.value(QLatin1String("cta")).toString() == campaign->cta);
    return 0;
}
