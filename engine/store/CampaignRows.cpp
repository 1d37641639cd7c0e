#include "CampaignRows.h"

#include "SqlSession.h"

#include <QLoggingCategory>

namespace adserve {

namespace {

Q_LOGGING_CATEGORY(lcRows, "adserve.store")


// Rows per multi-row INSERT. SQLite (through QSQLITE) looks up every parameter's name in a
// list as long as the statement's parameters, so its statements stay short.
// (measured: 8 rows a statement is about twice as fast as 500).
qsizetype rowsPerInsert(const SqlDialect &dialect)
{
    return dialect.isPostgres() ? 500 : 8;
}

const QString kCampaignInsertColumns =
    QStringLiteral("code, name, image, cta, status, created_at, updated_at, deleted, deleted_at, "
                   "priority, flight_start, flight_end, serving_hours, time_zone");
const QString kRuleInsertColumns =
    QStringLiteral("code, campaign_id, dimension, rule_type, \"values\", created_at, updated_at, deleted, deleted_at");

QString qualified(const QString &qualifier, const QString &column)
{
    return qualifier.isEmpty() ? column : qualifier + u'.' + column;
}

QString repeatedRows(const QString &row, qsizetype count)
{
    QStringList rows;
    rows.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        rows.append(row);
    return rows.join(u',');
}

} // namespace

QString CampaignRows::campaignColumns(const QString &q) const
{
    const SqlDialect &d = session_.dialect();
    return QStringList{qualified(q, QStringLiteral("id")),
                       qualified(q, QStringLiteral("code")),
                       qualified(q, QStringLiteral("name")),
                       qualified(q, QStringLiteral("image")),
                       qualified(q, QStringLiteral("cta")),
                       qualified(q, QStringLiteral("status")),
                       d.timestamp(qualified(q, QStringLiteral("created_at"))),
                       d.timestamp(qualified(q, QStringLiteral("updated_at"))),
                       qualified(q, QStringLiteral("deleted")),
                       d.timestamp(qualified(q, QStringLiteral("deleted_at"))),
                       servingColumns(q)}
        .join(QLatin1String(", "));
}

// Priority, flight and day-parting: nullable columns the Go service never reads or writes
// (NULL: priority 0, no flight bound, no day-parting).
QString CampaignRows::servingColumns(const QString &q) const
{
    const SqlDialect &d = session_.dialect();
    return QStringList{qualified(q, QStringLiteral("priority")),
                       d.timestamp(qualified(q, QStringLiteral("flight_start"))),
                       d.timestamp(qualified(q, QStringLiteral("flight_end"))),
                       qualified(q, QStringLiteral("serving_hours")),
                       qualified(q, QStringLiteral("time_zone"))}
        .join(QLatin1String(", "));
}

void CampaignRows::readServing(const QSqlQuery &query, int first, Campaign &c)
{
    decodeServing(query.value(first).toInt(), query.value(first + 1), query.value(first + 2), query.value(first + 3),
                  query.value(first + 4), c);
}

void CampaignRows::decodeServing(int priority, const QVariant &flightStart, const QVariant &flightEnd,
                                 const QVariant &hours, const QVariant &timeZone, Campaign &c)
{
    c.priority = priority;
    c.serving.flightStart = SqlDialect::decodeTimestamp(flightStart);
    c.serving.flightEnd = SqlDialect::decodeTimestamp(flightEnd);
    c.serving.dayParting = dayPartingFromText(hours.isNull() ? QString() : hours.toString(), timeZone.toString());
}

QString CampaignRows::ruleColumns(const QString &q, bool withTimes) const
{
    const SqlDialect &d = session_.dialect();
    QStringList columns{qualified(q, QStringLiteral("id")),
                        qualified(q, QStringLiteral("code")),
                        qualified(q, QStringLiteral("campaign_id")),
                        qualified(q, QStringLiteral("dimension")),
                        qualified(q, QStringLiteral("rule_type")),
                        d.values(qualified(q, QStringLiteral("\"values\"")))};
    if (withTimes) {
        columns += {d.timestamp(qualified(q, QStringLiteral("created_at"))),
                    d.timestamp(qualified(q, QStringLiteral("updated_at"))),
                    QStringLiteral("COALESCE(%1, false)").arg(qualified(q, QStringLiteral("deleted"))),
                    d.timestamp(qualified(q, QStringLiteral("deleted_at")))};
    }
    return columns.join(QLatin1String(", "));
}

Campaign CampaignRows::readCampaign(const QSqlQuery &query)
{
    Campaign c;
    c.id = query.value(0).toLongLong();
    c.code = query.value(1).toString();
    c.name = query.value(2).toString();
    c.image = query.value(3).toString();
    c.cta = query.value(4).toString();
    c.status = query.value(5).toString();
    c.createdAt = SqlDialect::decodeTimestamp(query.value(6));
    c.updatedAt = SqlDialect::decodeTimestamp(query.value(7));
    c.deleted = query.value(8).toBool();
    c.deletedAt = SqlDialect::decodeTimestamp(query.value(9));
    readServing(query, 10, c);
    return c;
}

std::optional<std::pair<Dimension, RuleType>> CampaignRows::ruleKind(qint64 ruleId, const QString &dimension, const QString &type)
{
    const auto d = dimensionFromName(dimension);
    const auto t = ruleTypeFromName(type);
    if (d && t)
        return std::pair{*d, *t};
    qCWarning(lcRows) << "ignoring target rule" << ruleId << "with dimension" << dimension << "and rule type" << type;
    return std::nullopt;
}

std::optional<TargetRule> CampaignRows::readRule(const QSqlQuery &query, bool withTimes)
{
    TargetRule r;
    r.id = query.value(0).toLongLong();
    r.code = query.value(1).toString();
    r.campaignId = query.value(2).toLongLong();
    const auto kind = ruleKind(r.id, query.value(3).toString(), query.value(4).toString());
    if (!kind)
        return std::nullopt;
    std::tie(r.dimension, r.type) = *kind;
    r.values = SqlDialect::decodeValues(query.value(5));
    if (!withTimes)
        return r;
    r.createdAt = SqlDialect::decodeTimestamp(query.value(6));
    r.updatedAt = SqlDialect::decodeTimestamp(query.value(7));
    r.deleted = query.value(8).toBool();
    r.deletedAt = SqlDialect::decodeTimestamp(query.value(9));
    return r;
}

QList<TargetRule> CampaignRows::readRules(QSqlQuery &query)
{
    QList<TargetRule> rules;
    while (session_.next(query)) {
        if (auto rule = readRule(query))
            rules.append(std::move(*rule));
    }
    return rules;
}

QList<Campaign> CampaignRows::campaigns(bool includeDeleted)
{
    QSqlQuery query = session_.execLong(QStringLiteral("SELECT %1 FROM campaigns %2 ORDER BY id")
                                            .arg(campaignColumns(),
                                                 includeDeleted ? QString() : QStringLiteral("WHERE NOT deleted")));
    QList<Campaign> result;
    while (session_.next(query))
        result.append(readCampaign(query));
    return result;
}

QList<Campaign> CampaignRows::campaignsByIds(const QList<qint64> &ids, bool lock)
{
    const SqlDialect &d = session_.dialect();
    QSqlQuery query = session_.exec(QStringLiteral("SELECT %1 FROM campaigns WHERE %2 ORDER BY id%3")
                                        .arg(campaignColumns(), d.inIds(QStringLiteral("id")), lock ? d.forUpdate() : QString()),
                                    {d.encodeIds(ids)});
    QList<Campaign> result;
    result.reserve(ids.size());
    while (session_.next(query))
        result.append(readCampaign(query));
    return result;
}

std::optional<Campaign> CampaignRows::campaign(qint64 id, bool lock)
{
    QSqlQuery &query = session_.execPrepared(QStringLiteral("SELECT %1 FROM campaigns WHERE id = ?%2")
                                                 .arg(campaignColumns(), lock ? session_.dialect().forUpdate() : QString()),
                                             {id});
    if (!session_.next(query))
        return std::nullopt;
    Campaign campaign = readCampaign(query);
    query.finish(); // one row: the statement is done before the next one runs
    return campaign;
}

std::optional<qint64> CampaignRows::campaignIdForCode(const QString &code)
{
    QSqlQuery query = session_.exec(QStringLiteral("SELECT id FROM campaigns WHERE code = ?"), {code});
    if (!session_.next(query))
        return std::nullopt;
    return query.value(0).toLongLong();
}

qint64 CampaignRows::campaignCount(bool includeDeleted, const IdRange &range)
{
    QSqlQuery query = session_.exec(QStringLiteral("SELECT count(*) FROM campaigns WHERE %1%2")
                                        .arg(includeDeleted ? QStringLiteral("true") : QStringLiteral("NOT deleted"),
                                             rangeCondition(QStringLiteral("id"), range)));
    return session_.next(query) ? query.value(0).toLongLong() : 0;
}

std::optional<IdRange> CampaignRows::liveIdRange()
{
    // Two ends read along the primary key: min() and max() under a WHERE would scan the table.
    const auto end = [this](const char *order) -> std::optional<qint64> {
        QSqlQuery query = session_.exec(
            QStringLiteral("SELECT id FROM campaigns WHERE NOT deleted ORDER BY id %1 LIMIT 1").arg(QLatin1String(order)));
        if (!session_.next(query))
            return std::nullopt;
        return query.value(0).toLongLong();
    };
    const auto first = end("ASC");
    const auto last = end("DESC");
    if (!first || !last || *last < *first)
        return std::nullopt; // none, or the last one was deleted between the two reads
    return IdRange{*first, *last};
}

QString CampaignRows::rangeCondition(const QString &column, const IdRange &range)
{
    if (range.isAll())
        return {};
    return QStringLiteral(" AND %1 BETWEEN %2 AND %3").arg(column).arg(range.first).arg(range.last);
}

QList<TargetRule> CampaignRows::liveRules(qint64 campaignId)
{
    return readRules(session_.exec(QStringLiteral("SELECT %1 FROM target_rules "
                                                  "WHERE campaign_id = ? AND NOT COALESCE(deleted, false) ORDER BY id")
                                       .arg(ruleColumns()),
                                   {campaignId}));
}

QList<TargetRule> CampaignRows::allRules(qint64 campaignId)
{
    return readRules(session_.execPrepared(
        QStringLiteral("SELECT %1 FROM target_rules WHERE campaign_id = ? ORDER BY id").arg(ruleColumns()), {campaignId}));
}

QHash<qint64, QList<TargetRule>> CampaignRows::allRules(const QList<qint64> &campaignIds)
{
    const SqlDialect &d = session_.dialect();
    QHash<qint64, QList<TargetRule>> byCampaign;
    for (TargetRule &rule : readRules(session_.exec(QStringLiteral("SELECT %1 FROM target_rules WHERE %2 ORDER BY campaign_id, id")
                                                        .arg(ruleColumns(), d.inIds(QStringLiteral("campaign_id"))),
                                                    {d.encodeIds(campaignIds)})))
        byCampaign[rule.campaignId].append(std::move(rule));
    return byCampaign;
}

namespace {
const QString kTargetingRules = QStringLiteral(
    "SELECT %1 FROM target_rules r JOIN campaigns c ON c.id = r.campaign_id "
    "WHERE NOT COALESCE(r.deleted, false) AND NOT c.deleted%2 ORDER BY r.campaign_id, r.id");
}

QList<TargetRule> CampaignRows::targetingRules(const QList<qint64> &campaignIds)
{
    const SqlDialect &d = session_.dialect();
    return readRules(session_.exec(
        kTargetingRules.arg(ruleColumns(QStringLiteral("r")), QStringLiteral(" AND ") + d.inIds(QStringLiteral("c.id"))),
        {d.encodeIds(campaignIds)}));
}

QStringList CampaignRows::knownValues(Dimension dimension)
{
    QSqlQuery query = session_.exec(
        QStringLiteral("SELECT DISTINCT v.value FROM target_rules r, %1 "
                       "WHERE lower(r.dimension) = ? AND NOT COALESCE(r.deleted, false) ORDER BY 1")
            .arg(session_.dialect().eachValue(QStringLiteral("r.\"values\""))),
        {dimensionName(dimension)});
    QStringList values;
    while (session_.next(query))
        values.append(query.value(0).toString());
    return values;
}

void CampaignRows::forEachWithCodePrefix(const QString &prefix,
                                         const std::function<void(qint64, const QString &, bool)> &visit)
{
    // substr, not LIKE: exact and case-sensitive on both databases, whatever the prefix holds.
    QSqlQuery query = session_.exec(
        QStringLiteral("SELECT id, code, deleted FROM campaigns WHERE substr(code, 1, %1) = ? ORDER BY id")
            .arg(prefix.size()),
        {prefix});
    while (session_.next(query))
        visit(query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toBool());
}

QString CampaignRows::campaignValueRow() const
{
    const SqlDialect &d = session_.dialect();
    return QStringLiteral("(?, ?, ?, ?, ?, %1, %1, %2, %1, ?, %1, %1, ?, ?)").arg(d.timestampParam(), d.boolParam());
}

QString CampaignRows::ruleValueRow() const
{
    const SqlDialect &d = session_.dialect();
    return QStringLiteral("(?, ?, ?, ?, %1, %2, %2, %3, %2)").arg(d.valuesParam(), d.timestampParam(), d.boolParam());
}

void CampaignRows::bindCampaign(QSqlQuery &query, const Campaign &c) const
{
    const SqlDialect &d = session_.dialect();
    query.addBindValue(c.code);
    query.addBindValue(c.name);
    query.addBindValue(c.image);
    query.addBindValue(c.cta);
    query.addBindValue(c.status);
    query.addBindValue(d.encodeTimestamp(c.createdAt));
    query.addBindValue(d.encodeTimestamp(c.updatedAt));
    query.addBindValue(c.deleted);
    query.addBindValue(d.encodeTimestamp(c.deletedAt));
    for (const QVariant &value : servingValues(c))
        query.addBindValue(value);
}

QVariantList CampaignRows::servingValues(const Campaign &c) const
{
    const SqlDialect &d = session_.dialect();
    const std::optional<DayParting> &parting = c.serving.dayParting;
    return {c.priority != 0 ? QVariant(c.priority) : QVariant(QMetaType::fromType<int>()),
            d.encodeTimestamp(c.serving.flightStart),
            d.encodeTimestamp(c.serving.flightEnd),
            parting ? QVariant(weekHoursText(parting->hours)) : QVariant(QMetaType::fromType<QString>()),
            parting ? QVariant(QString::fromUtf8(parting->timeZone)) : QVariant(QMetaType::fromType<QString>())};
}

void CampaignRows::bindRule(QSqlQuery &query, const TargetRule &r) const
{
    const SqlDialect &d = session_.dialect();
    query.addBindValue(r.code);
    query.addBindValue(r.campaignId);
    query.addBindValue(dimensionName(r.dimension));
    query.addBindValue(ruleTypeName(r.type));
    query.addBindValue(d.encodeValues(r.values));
    query.addBindValue(d.encodeTimestamp(r.createdAt));
    query.addBindValue(d.encodeTimestamp(r.updatedAt));
    query.addBindValue(r.deleted);
    query.addBindValue(d.encodeTimestamp(r.deletedAt));
}

qint64 CampaignRows::insertCampaign(const Campaign &campaign)
{
    return insertReturningId(QStringLiteral("campaigns"), kCampaignInsertColumns, campaignValueRow(),
                             [&](QSqlQuery &query) { bindCampaign(query, campaign); });
}

void CampaignRows::updateCampaign(const Campaign &c)
{
    const SqlDialect &d = session_.dialect();
    session_.execPrepared(QStringLiteral("UPDATE campaigns SET code = ?, name = ?, image = ?, cta = ?, "
                                         "status = ?, updated_at = %1, deleted = %2, deleted_at = %1, "
                                         "priority = ?, flight_start = %1, flight_end = %1, "
                                         "serving_hours = ?, time_zone = ? WHERE id = ?")
                              .arg(d.timestampParam(), d.boolParam()),
                          QVariantList{c.code, c.name, c.image, c.cta, c.status, d.encodeTimestamp(c.updatedAt), c.deleted,
                                       d.encodeTimestamp(c.deletedAt)}
                              + servingValues(c) + QVariantList{c.id});
}

qint64 CampaignRows::insertRule(const TargetRule &rule)
{
    return insertReturningId(QStringLiteral("target_rules"), kRuleInsertColumns, ruleValueRow(),
                             [&](QSqlQuery &query) { bindRule(query, rule); });
}

qint64 CampaignRows::insertReturningId(const QString &table, const QString &columns, const QString &valueRow,
                                       const std::function<void(QSqlQuery &)> &bind)
{
    QSqlQuery query = session_.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES %3 RETURNING id").arg(table, columns, valueRow));
    bind(query);
    session_.exec(query);
    if (!session_.next(query))
        throw SqlFailure{QSqlError(QStringLiteral("INSERT ... RETURNING id gave no id"), {}, QSqlError::StatementError),
                         query.lastQuery()};
    return query.value(0).toLongLong();
}

void CampaignRows::updateRule(const TargetRule &r)
{
    const SqlDialect &d = session_.dialect();
    session_.execPrepared(QStringLiteral("UPDATE target_rules SET code = ?, dimension = ?, rule_type = ?, "
                                         "\"values\" = %1, updated_at = %2, deleted = %3, deleted_at = %2 WHERE id = ?")
                              .arg(d.valuesParam(), d.timestampParam(), d.boolParam()),
                          {r.code, dimensionName(r.dimension), ruleTypeName(r.type), d.encodeValues(r.values),
                           d.encodeTimestamp(r.updatedAt), r.deleted, d.encodeTimestamp(r.deletedAt), r.id});
}

void CampaignRows::softDeleteRules(qint64 campaignId, const QDateTime &at)
{
    const SqlDialect &d = session_.dialect();
    session_.exec(QStringLiteral("UPDATE target_rules SET deleted = true, deleted_at = %1, updated_at = %1 "
                                 "WHERE campaign_id = ? AND NOT COALESCE(deleted, false)")
                      .arg(d.timestampParam()),
                  {d.encodeTimestamp(at), d.encodeTimestamp(at), campaignId});
}

void CampaignRows::softDeleteRules(const QList<qint64> &ruleIds, const QDateTime &at)
{
    if (ruleIds.isEmpty())
        return;
    const SqlDialect &d = session_.dialect();
    session_.exec(QStringLiteral("UPDATE target_rules SET deleted = true, deleted_at = %1, updated_at = %1 WHERE %2")
                      .arg(d.timestampParam(), d.inIds(QStringLiteral("id"))),
                  {d.encodeTimestamp(at), d.encodeTimestamp(at), d.encodeIds(ruleIds)});
}

void CampaignRows::deleteCampaigns(const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    const SqlDialect &d = session_.dialect();
    const QVariant bound = d.encodeIds(ids);
    session_.exec(QStringLiteral("DELETE FROM target_rules WHERE %1").arg(d.inIds(QStringLiteral("campaign_id"))), {bound});
    session_.exec(QStringLiteral("DELETE FROM campaigns WHERE %1").arg(d.inIds(QStringLiteral("id"))), {bound});
}

QHash<QString, qint64> CampaignRows::insertCampaigns(const QList<Campaign> &campaigns)
{
    QHash<QString, qint64> ids;
    ids.reserve(campaigns.size());
    insertInBatches(
        campaigns.size(),
        QStringLiteral("INSERT INTO campaigns (%1) VALUES %2 RETURNING id, code").arg(kCampaignInsertColumns),
        campaignValueRow(), [&](QSqlQuery &query, qsizetype i) { bindCampaign(query, campaigns.at(i)); },
        [&](QSqlQuery &query) {
            while (session_.next(query))
                ids.insert(query.value(1).toString(), query.value(0).toLongLong());
        });
    return ids;
}

void CampaignRows::insertRules(const QList<TargetRule> &rules)
{
    insertInBatches(
        rules.size(), QStringLiteral("INSERT INTO target_rules (%1) VALUES %2").arg(kRuleInsertColumns),
        ruleValueRow(), [&](QSqlQuery &query, qsizetype i) { bindRule(query, rules.at(i)); }, {});
}

void CampaignRows::insertInBatches(qsizetype count, const QString &statement, const QString &valueRow,
                                   const std::function<void(QSqlQuery &, qsizetype)> &bind,
                                   const std::function<void(QSqlQuery &)> &readReturned)
{
    std::optional<QSqlQuery> fullBatch; // prepared once, reused for every full batch
    const qsizetype kRowsPerInsert = rowsPerInsert(session_.dialect());
    for (qsizetype start = 0; start < count; start += kRowsPerInsert) {
        const qsizetype rows = std::min(kRowsPerInsert, count - start);
        const QString sql = statement.arg(repeatedRows(valueRow, rows));
        std::optional<QSqlQuery> partial;
        if (rows < kRowsPerInsert)
            partial = session_.prepare(sql);
        else if (!fullBatch)
            fullBatch = session_.prepare(sql);
        QSqlQuery &query = partial ? *partial : *fullBatch;
        for (qsizetype i = start; i < start + rows; ++i)
            bind(query, i);
        session_.exec(query);
        if (readReturned)
            readReturned(query);
    }
}

} // namespace adserve
