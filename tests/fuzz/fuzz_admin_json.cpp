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

// The store keeps text as UTF-8: a string that UTF-8 cannot hold (a lone surrogate) would
// come back as something else.
void checkStoredAsIs(const TargetRule &rule)
{
    for (const QString &text : QStringList{rule.code} + rule.values)
        FUZZ_CHECK(QString::fromUtf8(text.toUtf8()) == text);
}

void checkStoredAsIs(const CampaignWithRules &campaign)
{
    const Campaign &c = campaign.campaign;
    for (const QString &text : {c.code, c.name, c.image, c.cta, c.status})
        FUZZ_CHECK(QString::fromUtf8(text.toUtf8()) == text);
    for (const TargetRule &rule : campaign.rules)
        checkStoredAsIs(rule);
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
                checkStoredAsIs(*rule);
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
    checkStoredAsIs(*campaign);
    checkFieldErrors(CampaignValidator::validate(*campaign));
    QList<FieldError> again;
    const auto reread = CampaignJson::fromJson(sentBack(CampaignJson::toJson(*campaign)), {}, again);
    FUZZ_CHECK(reread == campaign);
    return 0;
}
