// The admin API's campaign and rule JSON: what the decoder accepts, the validator checks, and
// what the API answers with reads back as the same campaign.
#include "FuzzCheck.h"
#include "model/CampaignJson.h"
#include "model/CampaignValidator.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace adserve;

namespace {

// Through bytes, as a client sends back what a GET gave it.
QJsonObject sentBack(const QJsonObject &json)
{
    return QJsonDocument::fromJson(QJsonDocument(json).toJson(QJsonDocument::Compact)).object();
}

void checkFieldErrors(const QList<FieldError> &errors)
{
    for (const FieldError &e : errors)
        FUZZ_CHECK(!e.field.isEmpty() && !e.message.isEmpty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(fuzzInput(data, size));
    QList<FieldError> errors;
    if (doc.isArray()) { // rules alone, as POST .../rules takes them one at a time
        for (const QJsonValue &value : doc.array()) {
            const auto rule = CampaignJson::ruleFromJson(value, QStringLiteral("rule"), errors);
            if (rule) {
                checkFieldErrors(CampaignValidator::validateRule(*rule));
                QList<FieldError> again;
                FUZZ_CHECK(CampaignJson::ruleFromJson(sentBack(CampaignJson::toJson(*rule)), {}, again) == rule);
            }
        }
        checkFieldErrors(errors);
        return 0;
    }
    const auto campaign = CampaignJson::fromJson(doc.object(), {}, errors);
    checkFieldErrors(errors);
    FUZZ_CHECK(campaign.has_value() == errors.isEmpty());
    if (!campaign)
        return 0;
    checkFieldErrors(CampaignValidator::validate(*campaign));
    QList<FieldError> again;
    const auto reread = CampaignJson::fromJson(sentBack(CampaignJson::toJson(*campaign)), {}, again);
    FUZZ_CHECK(reread == campaign);
    return 0;
}
