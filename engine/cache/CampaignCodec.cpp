#include "CampaignCodec.h"

#include "model/JsonValues.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <charconv>
#include <cstring>

namespace adserve::CampaignCodec {

namespace {

const QByteArray kPrefix = QByteArrayLiteral("campaign:");

QJsonValue field(const QJsonObject &object, const char *name)
{
    const QString wanted = QString::fromLatin1(name);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key().compare(wanted, Qt::CaseInsensitive) == 0)
            return it.value();
    }
    return QJsonValue(QJsonValue::Undefined);
}

std::optional<QDateTime> parseTime(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QDateTime();
    if (value.isObject()) { // gorm.DeletedAt / sql.NullTime style
        const QJsonObject object = value.toObject();
        if (!field(object, "Valid").toBool())
            return QDateTime();
        return parseTime(field(object, "Time"));
    }
    if (!value.isString())
        return std::nullopt;
    QString text = value.toString();
    // Qt reads at most millisecond precision: drop digits past the third.
    static const QRegularExpression fraction(QStringLiteral("\\.(\\d{1,3})\\d*"));
    text.replace(fraction, QStringLiteral(".\\1"));
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
    // Go writes only years 1 to 9999 (RFC 3339); an offset can move a time just outside.
    if (!time.isValid() || time.date().year() < 1 || time.date().year() > 9999)
        return std::nullopt;
    return time;
}

std::optional<qint64> parseId(const QJsonValue &value)
{
    if (value.isDouble()) {
        const auto id = JsonValues::nonNegativeInteger(value);
        return id && *id > 0 ? id : std::nullopt;
    }
    if (value.isString()) {
        bool ok = false;
        const qint64 id = value.toString().toLongLong(&ok);
        if (ok && id > 0)
            return id;
    }
    return std::nullopt;
}

// RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's time.Time marshals.
QByteArray goTime(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    QByteArray out = utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")).toLatin1();
    const int ms = utc.time().msec();
    if (ms != 0) {
        QByteArray frac = QByteArray::number(ms).rightJustified(3, '0');
        while (frac.endsWith('0'))
            frac.chop(1);
        out += '.' + frac;
    }
    out += 'Z';
    return out;
}

// A JSON string literal escaped exactly as Go's encoding/json escapes it.
void appendJsonString(QByteArray &out, const QString &value)
{
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = value.toUtf8();
    out += '"';
    for (int i = 0; i < utf8.size(); ++i) {
        const unsigned char c = uchar(utf8[i]);
        switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else if (c == 0xE2 && i + 2 < utf8.size() && uchar(utf8[i + 1]) == 0x80
                   && (uchar(utf8[i + 2]) == 0xA8 || uchar(utf8[i + 2]) == 0xA9)) {
            // U+2028 / U+2029, which Go also escapes.
            out += uchar(utf8[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += char(c);
        }
    }
    out += '"';
}

void appendTimeOrNull(QByteArray &out, const QDateTime &time)
{
    if (!time.isValid()) {
        out += "null";
        return;
    }
    out += '"';
    out += goTime(time);
    out += '"';
}

} // namespace

QByteArray keyPrefix()
{
    return kPrefix;
}

QByteArray cacheKey(qint64 campaignId)
{
    // On the hot path for every campaign of every request: one allocation, no temporaries.
    char digits[24];
    const char *end = std::to_chars(digits, digits + sizeof digits, campaignId).ptr;
    QByteArray key(kPrefix.size() + (end - digits), Qt::Uninitialized);
    std::memcpy(key.data(), kPrefix.constData(), size_t(kPrefix.size()));
    std::memcpy(key.data() + kPrefix.size(), digits, size_t(end - digits));
    return key;
}

std::optional<qint64> idFromKey(const QByteArray &key)
{
    if (!key.startsWith(kPrefix))
        return std::nullopt;
    bool ok = false;
    const qint64 id = key.mid(kPrefix.size()).toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

QByteArray encode(const Campaign &c)
{
    QByteArray out;
    out.reserve(256);
    out += "{\"ID\":" + QByteArray::number(c.id);
    out += ",\"Code\":";
    appendJsonString(out, c.code);
    out += ",\"Name\":";
    appendJsonString(out, c.name);
    out += ",\"Image\":";
    appendJsonString(out, c.image);
    out += ",\"CTA\":";
    appendJsonString(out, c.cta);
    out += ",\"Status\":";
    appendJsonString(out, c.status);
    out += ",\"CreatedAt\":";
    appendTimeOrNull(out, c.createdAt);
    out += ",\"UpdatedAt\":";
    appendTimeOrNull(out, c.updatedAt);
    out += c.deleted ? ",\"Deleted\":true" : ",\"Deleted\":false";
    out += ",\"DeletedAt\":";
    appendTimeOrNull(out, c.deletedAt);
    out += '}';
    return out;
}

std::optional<Campaign> decode(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject object = doc.object();
    Campaign c;
    const auto id = parseId(field(object, "ID"));
    const QJsonValue code = field(object, "Code");
    const QJsonValue status = field(object, "Status");
    if (!id || !code.isString() || !status.isString())
        return std::nullopt;
    c.id = *id;
    c.code = JsonValues::string(code);
    c.name = JsonValues::string(field(object, "Name"));
    c.image = JsonValues::string(field(object, "Image"));
    c.cta = JsonValues::string(field(object, "CTA"));
    c.status = JsonValues::string(status);
    const QJsonValue deleted = field(object, "Deleted");
    if (!deleted.isUndefined() && !deleted.isNull() && !deleted.isBool())
        return std::nullopt;
    c.deleted = deleted.toBool(false);
    const auto created = parseTime(field(object, "CreatedAt"));
    const auto updated = parseTime(field(object, "UpdatedAt"));
    const auto deletedAt = parseTime(field(object, "DeletedAt"));
    if (!created || !updated || !deletedAt)
        return std::nullopt;
    c.createdAt = *created;
    c.updatedAt = *updated;
    c.deletedAt = *deletedAt;
    // A soft-deleted row carries a deletion time even where the flag is absent.
    if (c.deletedAt.isValid())
        c.deleted = true;
    return c;
}

QByteArray responseFragment(const Campaign &campaign)
{
    QByteArray out;
    out.reserve(64 + campaign.code.size() + campaign.image.size());
    out += "{\"cid\":";
    appendJsonString(out, campaign.code);
    out += ",\"img\":";
    appendJsonString(out, campaign.image);
    out += ",\"cta\":";
    appendJsonString(out, campaign.cta);
    out += '}';
    return out;
}

} // namespace adserve::CampaignCodec
