#include "JournalEntry.h"

#include <QJsonArray>

namespace adserve {

namespace {

QJsonArray headersJson(const HeaderList &headers)
{
    QJsonArray list;
    for (const auto &[name, value] : headers)
        list.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                {QStringLiteral("value"), QString::fromUtf8(value)}});
    return list;
}

HeaderList headersFrom(const QJsonValue &json)
{
    HeaderList headers;
    for (const QJsonValue &v : json.toArray())
        headers.append({v[QLatin1String("name")].toString().toLatin1(), v[QLatin1String("value")].toString().toUtf8()});
    return headers;
}

} // namespace

QJsonObject JournalEntry::toJson() const
{
    QJsonArray params;
    for (const auto &[name, value] : queryItems().queryItems(QUrl::FullyDecoded))
        params.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    QJsonArray flagList;
    for (const ContractFlag &f : flags)
        flagList.append(QJsonObject{{QStringLiteral("param"), f.param}, {QStringLiteral("reason"), f.reason}});
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("client"), client},
        {QStringLiteral("method"), QString::fromLatin1(method)},
        {QStringLiteral("path"), path},
        {QStringLiteral("query"), query},
        {QStringLiteral("params"), params},
        {QStringLiteral("requestHeaders"), headersJson(requestHeaders)},
        {QStringLiteral("requestBody"), QString::fromUtf8(requestBody)},
        {QStringLiteral("scenario"), scenario.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(scenario)},
        {QStringLiteral("rule"), rule},
        {QStringLiteral("effects"), QJsonArray::fromStringList(effects)},
        {QStringLiteral("status"), status},
        {QStringLiteral("responseHeaders"), headersJson(responseHeaders)},
        {QStringLiteral("responseBody"), QString::fromUtf8(responseBody)},
        {QStringLiteral("responseBytes"), responseBytes},
        {QStringLiteral("outcome"), outcome},
        {QStringLiteral("timings"), QJsonObject{{QStringLiteral("handleMs"), handleMs},
                                                {QStringLiteral("waitMs"), waitMs},
                                                {QStringLiteral("receiveMs"), receiveMs},
                                                {QStringLiteral("totalMs"), totalMs}}},
        {QStringLiteral("flags"), flagList},
    };
}

std::optional<JournalEntry> JournalEntry::fromJson(const QJsonObject &json)
{
    JournalEntry e;
    e.id = json.value(QLatin1String("id")).toInteger();
    e.time = QDateTime::fromString(json.value(QLatin1String("time")).toString(), Qt::ISODateWithMs);
    if (e.id < 1 || !e.time.isValid())
        return std::nullopt;
    e.client = json.value(QLatin1String("client")).toString();
    e.method = json.value(QLatin1String("method")).toString().toLatin1();
    e.path = json.value(QLatin1String("path")).toString();
    e.query = json.value(QLatin1String("query")).toString();
    e.requestHeaders = headersFrom(json.value(QLatin1String("requestHeaders")));
    e.requestBody = json.value(QLatin1String("requestBody")).toString().toUtf8();
    e.scenario = json.value(QLatin1String("scenario")).toString();
    e.rule = json.value(QLatin1String("rule")).toString();
    for (const QJsonValue &v : json.value(QLatin1String("effects")).toArray())
        e.effects.append(v.toString());
    e.status = json.value(QLatin1String("status")).toInt();
    e.responseHeaders = headersFrom(json.value(QLatin1String("responseHeaders")));
    e.responseBody = json.value(QLatin1String("responseBody")).toString().toUtf8();
    e.responseBytes = json.value(QLatin1String("responseBytes")).toInteger();
    e.outcome = json.value(QLatin1String("outcome")).toString();
    const QJsonObject t = json.value(QLatin1String("timings")).toObject();
    e.handleMs = t.value(QLatin1String("handleMs")).toDouble();
    e.waitMs = t.value(QLatin1String("waitMs")).toDouble();
    e.receiveMs = t.value(QLatin1String("receiveMs")).toDouble();
    e.totalMs = t.value(QLatin1String("totalMs")).toDouble();
    for (const QJsonValue &v : json.value(QLatin1String("flags")).toArray())
        e.flags.append({v[QLatin1String("param")].toString(), v[QLatin1String("reason")].toString()});
    return e;
}

std::optional<JournalFilter> JournalFilter::parse(const QUrlQuery &query, QString *error)
{
    JournalFilter f;
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (name == QLatin1String("path")) {
            f.path = TextPattern::parse(value, Qt::CaseSensitive, error);
            if (!f.path) {
                error->prepend(QStringLiteral("path: "));
                return std::nullopt;
            }
        } else if (name == QLatin1String("method")) {
            f.method = value.toLatin1().toUpper();
        } else if (name == QLatin1String("param")) {
            const qsizetype eq = value.indexOf(QLatin1Char('='));
            if (eq == 0 || value.isEmpty()) {
                *error = QStringLiteral("param: expected name=value (or a glob), or a name alone");
                return std::nullopt;
            }
            const auto pattern = TextPattern::parse(eq < 0 ? QStringLiteral("*") : value.mid(eq + 1), Qt::CaseInsensitive, error);
            if (!pattern) {
                error->prepend(QStringLiteral("param: "));
                return std::nullopt;
            }
            f.params.append({eq < 0 ? value : value.left(eq), *pattern});
        } else if (name == QLatin1String("scenario")) {
            f.scenario = value;
        } else if (name == QLatin1String("rule")) {
            f.rule = value;
        } else if (name == QLatin1String("status")) {
            static const QRegularExpression form(QStringLiteral("^([0-9]{1,3}|[1-5]xx)$"));
            if (!form.match(value).hasMatch()) {
                *error = QStringLiteral("status: expected a status (204), a class (5xx), or 0 for no answer");
                return std::nullopt;
            }
            f.status = value;
        } else if (name == QLatin1String("since")) {
            f.since = QDateTime::fromString(value, Qt::ISODateWithMs);
            if (!f.since.isValid() || f.since.timeSpec() == Qt::LocalTime) {
                *error = QStringLiteral("since: expected an ISO 8601 time with a zone (2026-12-24T09:00:00Z)");
                return std::nullopt;
            }
        } else if (name == QLatin1String("after") || name == QLatin1String("limit")) {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < 0 || (name == QLatin1String("limit") && (n < 1 || n > 1000))) {
                *error = name == QLatin1String("limit") ? QStringLiteral("limit: a whole number from 1 to 1000")
                                                        : QStringLiteral("after: an entry id");
                return std::nullopt;
            }
            (name == QLatin1String("limit") ? f.limit : f.after) = n;
        } else if (name == QLatin1String("flagged")) {
            if (value != QLatin1String("true") && value != QLatin1String("false")) {
                *error = QStringLiteral("flagged: true or false");
                return std::nullopt;
            }
            f.flagged = value == QLatin1String("true");
        } else {
            *error = QStringLiteral("unknown filter \"%1\" (path, method, param, scenario, rule, status, since, after, "
                                    "flagged, limit)").arg(name);
            return std::nullopt;
        }
    }
    return f;
}

bool JournalFilter::matches(const JournalEntry &e) const
{
    if (e.id <= after || (since.isValid() && e.time < since))
        return false;
    if (!method.isEmpty() && e.method != method)
        return false;
    if (path && !path->matches(e.path))
        return false;
    if (!scenario.isEmpty() && e.scenario != scenario)
        return false;
    if (!rule.isEmpty() && e.rule != rule)
        return false;
    if (!status.isEmpty()) {
        const QString given = QString::number(e.status);
        if (status.endsWith(QLatin1String("xx")) ? !(e.status >= 100 && given.front() == status.front()) : given != status)
            return false;
    }
    if (flagged && *flagged == e.flags.isEmpty())
        return false;
    if (!params.isEmpty()) {
        const QUrlQuery items = e.queryItems();
        for (const auto &[name, value] : params) {
            if (!items.hasQueryItem(name) || !value.matches(items.queryItemValue(name, QUrl::FullyDecoded)))
                return false;
        }
    }
    return true;
}

} // namespace adserve
