#pragma once

#include "IdRange.h"
#include "model/Campaign.h"

#include <QHash>
#include <QSqlQuery>

#include <functional>
#include <optional>

namespace adserve {

class SqlSession;

// Reads and writes rows of the campaigns and target_rules tables on one session. Knows the
// SQL and the row <-> struct mapping; no rules about what may be written (that is the
// store's job). Every method throws SqlFailure when a statement fails.
class CampaignRows
{
public:
    explicit CampaignRows(SqlSession &session) : session_(session) {}
    SqlSession &session() { return session_; }

    // Every campaign: a long read (SqlSession::execLong), so call it in a transaction.
    QList<Campaign> campaigns(bool includeDeleted);
    // With `lock`, the rows stay locked until the transaction ends.
    QList<Campaign> campaignsByIds(const QList<qint64> &ids, bool lock = false);
    std::optional<Campaign> campaign(qint64 id, bool lock = false);
    std::optional<qint64> campaignIdForCode(const QString &code);
    qint64 campaignCount(bool includeDeleted = true, const IdRange &range = {});
    // The ids of the first and last live campaign; none when there is none.
    std::optional<IdRange> liveIdRange();
    // Live rules ordered by id.
    QList<TargetRule> liveRules(qint64 campaignId);
    // Every rule row of the campaign, deleted ones included, ordered by id.
    QList<TargetRule> allRules(qint64 campaignId);
    // The same for several campaigns, in one statement: by campaign, each ordered by id.
    QHash<qint64, QList<TargetRule>> allRules(const QList<qint64> &campaignIds);
    // Live rules of the given live campaigns, ordered by campaign id then id.
    // What the match index needs of every live campaign (id, code, status, priority, flight
    // and day-parting) with its live rules (without their times), one campaign at a time in
    // id order as the rows arrive (CampaignRowsTargeting.cpp); `withDetails`: every field,
    // and the rules' times; `range`: only the campaigns with ids in it; `ids`: only these.
    // `visit` returns false to stop reading. A long read, so in a transaction.
    void forEachTargeting(const std::function<bool(CampaignWithRules &&)> &visit, bool withDetails = false,
                          const IdRange &range = {}, const QList<qint64> *ids = nullptr);
    QList<TargetRule> targetingRules(const QList<qint64> &campaignIds);
    QStringList knownValues(Dimension dimension);
    // Id, code and deleted flag of every campaign whose code starts with `prefix`, deleted
    // ones included, in id order: a long read, so call it in a transaction.
    void forEachWithCodePrefix(const QString &prefix,
                               const std::function<void(qint64 id, const QString &code, bool deleted)> &visit);

    qint64 insertCampaign(const Campaign &campaign);
    // Writes every column but id and created_at.
    void updateCampaign(const Campaign &campaign);
    qint64 insertRule(const TargetRule &rule);
    // Writes every column but id, campaign_id and created_at.
    void updateRule(const TargetRule &rule);
    void softDeleteRules(qint64 campaignId, const QDateTime &at);
    void softDeleteRules(const QList<qint64> &ruleIds, const QDateTime &at);
    // Deletes the campaigns' rows and every rule row of theirs (the change log keeps each row
    // as it was).
    void deleteCampaigns(const QList<qint64> &ids);

    // Multi-row inserts for bulk loads. insertCampaigns returns the new ids by code.
    QHash<QString, qint64> insertCampaigns(const QList<Campaign> &campaigns);
    void insertRules(const QList<TargetRule> &rules);

private:
    QString campaignColumns(const QString &qualifier = {}) const;
    // " AND <column> BETWEEN first AND last", or nothing for every id.
    static QString rangeCondition(const QString &column, const IdRange &range);
    QString servingColumns(const QString &qualifier = {}) const;
    static void readServing(const QSqlQuery &query, int first, Campaign &campaign);
    static void decodeServing(int priority, const QVariant &flightStart, const QVariant &flightEnd,
                              const QVariant &hours, const QVariant &timeZone, Campaign &campaign);
    QVariantList servingValues(const Campaign &campaign) const;
    QString ruleColumns(const QString &qualifier = {}, bool withTimes = true) const;
    static Campaign readCampaign(const QSqlQuery &query);
    static std::optional<TargetRule> readRule(const QSqlQuery &query, bool withTimes = true);
    // A rule's dimension and type from their names. A rule nobody can evaluate (written by
    // some other tool) is left out, not guessed at.
    static std::optional<std::pair<Dimension, RuleType>> ruleKind(qint64 ruleId, const QString &dimension,
                                                                  const QString &type);
    QList<TargetRule> readRules(QSqlQuery &query);
    QList<TargetRule> readRules(QSqlQuery &&query) { return readRules(query); }
    void bindCampaign(QSqlQuery &query, const Campaign &campaign) const;
    void bindRule(QSqlQuery &query, const TargetRule &rule) const;
    QString campaignValueRow() const;
    QString ruleValueRow() const;
    // Multi-row INSERTs of up to rowsPerInsert rows each; `statement` has %1 for the rows,
    // `bind` binds item i, `readReturned` (if any) reads what each INSERT returned.
    void insertInBatches(qsizetype count, const QString &statement, const QString &valueRow,
                         const std::function<void(QSqlQuery &, qsizetype)> &bind,
                         const std::function<void(QSqlQuery &)> &readReturned);
    qint64 insertReturningId(const QString &table, const QString &columns, const QString &valueRow,
                             const std::function<void(QSqlQuery &)> &bind);

    SqlSession &session_;
};

} // namespace adserve
