// CampaignRows' read of every campaign's targeting: the largest read there is (a million
// campaigns and their rules at start-up), so its rows come as bytes (RawRows) and repeated
// names and values are read once.
#include "CampaignRows.h"

#include "RawRows.h"
#include "SqlSession.h"
#include "ValueListReader.h"

#include <algorithm>

namespace adserve {

namespace {

// Columns of the targeting read.
enum Column { Id, Code, Status, Priority, FlightStart, FlightEnd, ServingHours, TimeZone,
              RuleId, RuleCode, RuleDimension, RuleType_, RuleValues,
              // with details only
              Name, Image, Cta, CreatedAt, UpdatedAt, RuleCreatedAt, RuleUpdatedAt };

} // namespace

void CampaignRows::forEachTargeting(const std::function<bool(CampaignWithRules &&)> &visit, bool withDetails,
                                    const IdRange &range, const QList<qint64> *ids)
{
    const SqlDialect &d = session_.dialect();
    const QString details = !withDetails ? QString()
        : QStringLiteral(", c.name, c.image, c.cta, %1, %2, %3, %4")
              .arg(d.timestamp(QStringLiteral("c.created_at")), d.timestamp(QStringLiteral("c.updated_at")),
                   d.timestamp(QStringLiteral("r.created_at")), d.timestamp(QStringLiteral("r.updated_at")));
    const auto which = [&](const QString &column) -> QString {
        QString condition = rangeCondition(column, range);
        if (ids)
            condition += QStringLiteral(" AND ") + d.inIdsWritten(column, *ids);
        return condition;
    };
    // One read, campaigns with their rules, in order: nothing of the store is held whole.
    // A campaign's few rules are put in id order here: asked of PostgreSQL, that order costs
    // it a sort of every row (SQLite gives it anyway, walking the rules' index).
    const auto rows = RawRows::execLong(
        session_,
        QStringLiteral("SELECT c.id, c.code, c.status, %1, r.id, r.code, r.dimension, r.rule_type, %2%3 "
                       "FROM campaigns c LEFT JOIN target_rules r "
                       "ON r.campaign_id = c.id AND NOT COALESCE(r.deleted, false)%5 "
                       "WHERE NOT c.deleted%4 ORDER BY c.id")
            .arg(servingColumns(QStringLiteral("c")), d.values(QStringLiteral("r.\"values\"")), details,
                 which(QStringLiteral("c.id")),
                 // the rules' side too: PostgreSQL's merge join would otherwise walk the rules
                 // of the parts before this one
                 which(QStringLiteral("r.campaign_id"))));
    const auto nullable = [&rows](int column) { return rows->isNull(column) ? QVariant() : QVariant(rows->string(column)); };
    const auto time = [&](int column) { return SqlDialect::decodeTimestamp(nullable(column)); };
    // Rows repeat a few dimension and type names, each looked up once, and a few thousand values.
    QHash<QByteArray, std::optional<std::pair<Dimension, RuleType>>> kinds;
    QByteArray kindKey;
    ValueListReader values;
    CampaignWithRules pending;
    const auto handOver = [&] {
        const auto byId = [](const TargetRule &a, const TargetRule &b) { return a.id < b.id; };
        if (!std::is_sorted(pending.rules.cbegin(), pending.rules.cend(), byId))
            std::sort(pending.rules.begin(), pending.rules.end(), byId);
        return visit(std::move(pending));
    };
    bool started = false;
    while (rows->next()) {
        const qint64 id = rows->integer(Id);
        if (!started || id != pending.campaign.id) {
            if (started && !handOver())
                return; // the reader stops here (a PostgreSQL copy left half-read is drained)
            started = true;
            pending = {};
            pending.rules.reserve(4); // a campaign names each dimension once or twice
            Campaign &c = pending.campaign;
            c.id = id;
            c.code = rows->string(Code);
            const QByteArrayView status = rows->text(Status);
            c.status = status == "ACTIVE" ? kStatusActive : QString::fromUtf8(status); // shared, not one copy each
            if (rows->isNull(FlightStart) && rows->isNull(FlightEnd) && rows->isNull(ServingHours))
                c.priority = int(rows->integer(Priority)); // most campaigns: no flight, no day-parting
            else
                decodeServing(int(rows->integer(Priority)), nullable(FlightStart), nullable(FlightEnd),
                              nullable(ServingHours), nullable(TimeZone), c);
            if (withDetails) {
                c.name = rows->string(Name);
                c.image = rows->string(Image);
                c.cta = rows->string(Cta);
                c.createdAt = time(CreatedAt);
                c.updatedAt = time(UpdatedAt);
            }
        }
        if (rows->isNull(RuleId))
            continue; // a campaign without rules
        TargetRule r;
        r.id = rows->integer(RuleId);
        r.code = rows->string(RuleCode);
        r.campaignId = id;
        kindKey.resize(0); // keeps its capacity
        kindKey.append(rows->text(RuleDimension)).append('\n').append(rows->text(RuleType_));
        auto kind = kinds.constFind(kindKey);
        if (kind == kinds.cend())
            kind = kinds.insert(kindKey, ruleKind(r.id, rows->string(RuleDimension), rows->string(RuleType_)));
        if (!*kind)
            continue;
        std::tie(r.dimension, r.type) = **kind;
        r.values = values.read(rows->text(RuleValues));
        if (withDetails) {
            r.createdAt = time(RuleCreatedAt);
            r.updatedAt = time(RuleUpdatedAt);
        }
        pending.rules.append(std::move(r));
    }
    if (started)
        handOver();
}

} // namespace adserve
