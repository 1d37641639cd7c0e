#include "CampaignTransfer.h"

#include "model/CampaignJson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <functional>

namespace adserve::CampaignTransfer {

namespace {

const QStringList kFixedColumns{QStringLiteral("code"), QStringLiteral("name"), QStringLiteral("image"),
                                QStringLiteral("cta"), QStringLiteral("status")};
const QChar kValueSeparator = QLatin1Char('|');

// "country_include", "os_exclude", ...
QString listColumn(Dimension d, RuleType t)
{
    return dimensionName(d) + QLatin1Char('_') + ruleTypeName(t).toLower();
}

QByteArray csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r'))
        bytes = '"' + bytes.replace("\"", "\"\"") + '"';
    return bytes;
}

// Optional, after the lists: when it serves and how it ranks (empty: the default). Times in
// ISO 8601 with a zone, the hours as weekHoursText() writes them.
const QStringList kServingColumns{QStringLiteral("priority"), QStringLiteral("flight_start"),
                                  QStringLiteral("flight_end"), QStringLiteral("time_zone"),
                                  QStringLiteral("serving_hours")};

QStringList allColumns()
{
    QStringList columns = kFixedColumns;
    for (Dimension d : kDimensions) {
        columns << listColumn(d, RuleType::Include) << listColumn(d, RuleType::Exclude);
    }
    return columns + kServingColumns;
}

QString isoOrEmpty(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

QByteArrayList servingFields(const Campaign &c)
{
    const std::optional<DayParting> &parting = c.serving.dayParting;
    return {csvField(c.priority ? QString::number(c.priority) : QString()), csvField(isoOrEmpty(c.serving.flightStart)),
            csvField(isoOrEmpty(c.serving.flightEnd)),
            csvField(parting ? QString::fromUtf8(parting->timeZone) : QString()),
            csvField(parting ? weekHoursText(parting->hours) : QString())};
}

// Reads the serving columns of a row into `c`; what cannot be read is a message in `errors`.
void readServing(const std::function<QString(const QString &)> &field, Campaign &c, QStringList &errors)
{
    if (const QString priority = field(QStringLiteral("priority")); !priority.isEmpty()) {
        bool ok = false;
        c.priority = priority.toInt(&ok);
        if (!ok)
            errors.append(QObject::tr("priority: \"%1\" is not a whole number").arg(priority));
    }
    for (auto [column, time] : {std::pair{QStringLiteral("flight_start"), &c.serving.flightStart},
                                std::pair{QStringLiteral("flight_end"), &c.serving.flightEnd}}) {
        const QString text = field(column);
        if (text.isEmpty())
            continue;
        const std::optional<QDateTime> instant = instantFromIso(text);
        if (!instant)
            errors.append(QObject::tr("%1: \"%2\" is not an ISO 8601 time with a zone").arg(column, text));
        *time = instant.value_or(QDateTime());
    }
    const QString hours = field(QStringLiteral("serving_hours"));
    if (hours.isEmpty())
        return;
    c.serving.dayParting = dayPartingFromText(hours, field(QStringLiteral("time_zone")));
    if (!weekHoursFromText(hours))
        errors.append(QObject::tr("serving_hours: 7 groups of 24 digits expected"));
}

CampaignWithRules asNew(CampaignWithRules c)
{
    c.campaign.id = 0;
    c.campaign.createdAt = c.campaign.updatedAt = c.campaign.deletedAt = {};
    c.campaign.deleted = false;
    for (TargetRule &rule : c.rules) {
        rule.id = 0;
        rule.campaignId = 0;
        rule.code.clear();
    }
    return c;
}

} // namespace

QByteArray toJson(const QList<CampaignWithRules> &campaigns)
{
    QJsonArray array;
    for (const CampaignWithRules &c : campaigns)
        array.append(CampaignJson::toJson(c));
    return QJsonDocument(QJsonObject{{QStringLiteral("campaigns"), array}}).toJson(QJsonDocument::Indented);
}

QByteArray toCsv(const QList<CampaignWithRules> &campaigns)
{
    QByteArray out = allColumns().join(QLatin1Char(',')).toUtf8() + "\r\n";
    for (const CampaignWithRules &c : campaigns) {
        QByteArrayList fields{csvField(c.campaign.code), csvField(c.campaign.name), csvField(c.campaign.image),
                              csvField(c.campaign.cta), csvField(c.campaign.status)};
        for (Dimension d : kDimensions) {
            for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
                QStringList values;
                for (const TargetRule &rule : c.rules) {
                    if (rule.dimension == d && rule.type == t)
                        values += rule.values;
                }
                fields.append(csvField(values.join(kValueSeparator)));
            }
        }
        fields += servingFields(c.campaign);
        out += fields.join(',') + "\r\n";
    }
    return out;
}

Parsed fromJson(const QByteArray &bytes)
{
    Parsed parsed;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        parsed.errors.append(QObject::tr("not JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset));
        return parsed;
    }
    const QJsonArray array = doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("campaigns")).toArray();
    if (!doc.isArray() && !doc.object().value(QStringLiteral("campaigns")).isArray()) {
        parsed.errors.append(QObject::tr("expected {\"campaigns\":[...]} or an array of campaigns"));
        return parsed;
    }
    for (qsizetype i = 0; i < array.size(); ++i) {
        QList<FieldError> errors;
        const auto campaign = array.at(i).isObject()
                                  ? CampaignJson::fromJson(array.at(i).toObject(), CampaignWithRules{}, errors)
                                  : std::nullopt;
        if (!array.at(i).isObject())
            errors.append({QString(), QObject::tr("is not an object")});
        for (const FieldError &e : std::as_const(errors))
            parsed.errors.append(QObject::tr("campaign %1: %2 %3").arg(i + 1).arg(e.field, e.message).simplified());
        if (campaign && errors.isEmpty())
            parsed.campaigns.append(asNew(*campaign));
    }
    return parsed;
}

QStringList readCsvRecord(const QByteArray &bytes, qsizetype &pos)
{
    QStringList fields;
    QByteArray field;
    bool quoted = false;
    while (pos < bytes.size()) {
        const char c = bytes.at(pos++);
        if (quoted) {
            if (c == '"' && pos < bytes.size() && bytes.at(pos) == '"') {
                field += '"';
                ++pos;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.append(QString::fromUtf8(field));
            field.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && pos < bytes.size() && bytes.at(pos) == '\n')
                ++pos;
            break;
        } else {
            field += c;
        }
    }
    fields.append(QString::fromUtf8(field));
    return fields;
}

Parsed fromCsv(const QByteArray &bytes)
{
    Parsed parsed;
    qsizetype pos = 0;
    const QStringList header = readCsvRecord(bytes, pos);
    QHash<QString, int> column;
    for (int i = 0; i < header.size(); ++i)
        column.insert(header.at(i).trimmed().toLower(), i);
    for (const QString &required : kFixedColumns.mid(0, 4)) {
        if (!column.contains(required))
            parsed.errors.append(QObject::tr("header: the column \"%1\" is missing").arg(required));
    }
    if (!parsed.errors.isEmpty())
        return parsed;
    int row = 0;
    while (pos < bytes.size()) {
        const QStringList fields = readCsvRecord(bytes, pos);
        if (fields.size() == 1 && fields.first().trimmed().isEmpty())
            continue;
        ++row;
        const auto field = [&](const QString &name) {
            return fields.value(column.value(name, -1)).trimmed();
        };
        CampaignWithRules c;
        c.campaign.code = field(QStringLiteral("code"));
        c.campaign.name = field(QStringLiteral("name"));
        c.campaign.image = field(QStringLiteral("image"));
        c.campaign.cta = field(QStringLiteral("cta"));
        if (column.contains(QStringLiteral("status")) && !field(QStringLiteral("status")).isEmpty())
            c.campaign.status = field(QStringLiteral("status")).toUpper();
        for (Dimension d : kDimensions) {
            for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
                const QStringList values = field(listColumn(d, t)).split(kValueSeparator, Qt::SkipEmptyParts);
                if (!values.isEmpty())
                    c.rules.append(TargetRule{0, {}, 0, d, t, values, {}, {}, false, {}});
            }
        }
        QStringList problems;
        readServing(field, c.campaign, problems);
        for (const QString &problem : std::as_const(problems))
            parsed.errors.append(QObject::tr("campaign %1: %2").arg(row).arg(problem));
        if (problems.isEmpty())
            parsed.campaigns.append(c);
    }
    return parsed;
}

Parsed readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {{}, {QObject::tr("%1: %2").arg(path, file.errorString())}};
    const QByteArray bytes = file.readAll();
    return path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? fromCsv(bytes) : fromJson(bytes);
}

bool writeFile(const QString &path, const QList<CampaignWithRules> &campaigns, QString *error)
{
    QSaveFile file(path);
    const QByteArray bytes = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? toCsv(campaigns)
                                                                                       : toJson(campaigns);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QObject::tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace adserve::CampaignTransfer
