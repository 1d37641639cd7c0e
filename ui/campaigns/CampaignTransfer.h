#pragma once

#include "model/Campaign.h"

#include <QByteArray>
#include <QStringList>

namespace adserve {

// Campaigns with their rules to and from files. JSON is the admin API's form
// ({"campaigns":[{...,"rules":[...]}]}, as resources/samples/campaigns.json); CSV has one
// row per campaign, one column per dimension and rule type, values separated by '|'.
namespace CampaignTransfer {

struct Parsed
{
    QList<CampaignWithRules> campaigns; // ids cleared: imported campaigns are new
    QStringList errors;                 // "campaign 3: code: is required", ...
};

QByteArray toJson(const QList<CampaignWithRules> &campaigns);
QByteArray toCsv(const QList<CampaignWithRules> &campaigns);
Parsed fromJson(const QByteArray &bytes);
Parsed fromCsv(const QByteArray &bytes);

// By the file's extension (.csv, else JSON).
Parsed readFile(const QString &path);
bool writeFile(const QString &path, const QList<CampaignWithRules> &campaigns, QString *error);

// CSV fields of one record; `pos` advances past it (and its line end). RFC 4180 quoting.
QStringList readCsvRecord(const QByteArray &bytes, qsizetype &pos);

} // namespace CampaignTransfer
} // namespace adserve
