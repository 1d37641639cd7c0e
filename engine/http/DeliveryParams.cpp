#include "DeliveryParams.h"

#include "model/ServingTimes.h"

#include <algorithm>

namespace adserve::DeliveryParams {

namespace {

QString tooLong(const QString &name)
{
    return QStringLiteral("%1 param longer than %2 characters").arg(name).arg(kMaxParamLength);
}

// The answer's limit: the request's `name` parameter (when given) capped by the server's
// maximum (0: none). nullopt with `problem` when the parameter is malformed.
std::optional<size_t> readLimit(const QHash<QString, QString> &params, const QString &name, qint64 maxCampaigns,
                                QString *problem)
{
    qint64 limit = maxCampaigns > 0 ? maxCampaigns : -1;
    if (params.contains(name)) {
        bool ok = false;
        const qint64 asked = params.value(name).trimmed().toLongLong(&ok);
        if (!ok || asked < 1 || asked > kMaxLimit) {
            *problem = QStringLiteral("%1 must be a whole number from 1 to %2").arg(name).arg(kMaxLimit);
            return std::nullopt;
        }
        limit = limit < 0 ? asked : std::min(limit, asked);
    }
    return limit < 0 ? size_t(-1) : size_t(limit);
}

} // namespace

Targeting readTargeting(const QHash<QString, QString> &params, const std::array<Dimension, kDimensionCount> &order,
                        qint64 maxCampaigns)
{
    QList<Problem> problems;
    std::array<QString, kDimensionCount> values;
    for (Dimension d : order) {
        const QString name = dimensionName(d);
        QString &value = values[size_t(d)];
        value = params.value(name).trimmed();
        if (value.isEmpty())
            problems.append({name, QStringLiteral("missing %1 param").arg(name)});
        else if (value.size() > kMaxParamLength)
            problems.append({name, tooLong(name)});
    }
    QString limitProblem;
    const std::optional<size_t> limit = readLimit(params, QStringLiteral("limit"), maxCampaigns, &limitProblem);
    if (!limit)
        problems.append({QStringLiteral("limit"), limitProblem});
    const auto at = [&](Dimension d) -> const QString & { return values[size_t(d)]; };
    return {TargetingQuery::from(at(Dimension::Country), at(Dimension::Os), at(Dimension::App)),
            limit.value_or(size_t(-1)), problems};
}

std::pair<qint64, qint64> Explain::page(qint64 total) const
{
    // Clamped before adding: offset + limit may be past what a qint64 holds.
    const qint64 first = std::min(offset, total);
    return {first, limit == 0 ? total : first + std::min(limit, total - first)};
}

std::optional<Explain> readExplain(const QHash<QString, QString> &params, QString *problem, qint64 maxCampaigns)
{
    for (Dimension d : kDimensions) {
        const QString name = dimensionName(d);
        if (params.value(name).trimmed().size() > kMaxParamLength) {
            *problem = tooLong(name);
            return std::nullopt;
        }
    }
    Explain explain;
    explain.query = TargetingQuery::from(params.value(QStringLiteral("country")), params.value(QStringLiteral("os")),
                                         params.value(QStringLiteral("app")));
    explain.campaign = params.value(QStringLiteral("campaign")).trimmed();
    bool limitOk = true, offsetOk = true;
    const QString limitText = params.value(QStringLiteral("limit"));
    const QString offsetText = params.value(QStringLiteral("offset"));
    if (!limitText.isEmpty())
        explain.limit = limitText.toLongLong(&limitOk);
    if (!offsetText.isEmpty())
        explain.offset = offsetText.toLongLong(&offsetOk);
    if (!limitOk || explain.limit < 0) {
        *problem = QStringLiteral("limit must be a whole number, 0 for all");
        return std::nullopt;
    }
    if (!offsetOk || explain.offset < 0) {
        *problem = QStringLiteral("offset must be a non-negative whole number");
        return std::nullopt;
    }
    const std::optional<size_t> answerLimit = readLimit(params, QStringLiteral("answerLimit"), maxCampaigns, problem);
    if (!answerLimit)
        return std::nullopt;
    explain.answerLimit = *answerLimit;
    if (params.contains(QStringLiteral("at"))) {
        const std::optional<QDateTime> at = instantFromIso(params.value(QStringLiteral("at")));
        if (!at) {
            *problem = QStringLiteral("at must be an ISO 8601 time with a zone, e.g. 2026-12-24T09:00:00Z");
            return std::nullopt;
        }
        explain.at = at->toMSecsSinceEpoch();
    }
    return explain;
}

} // namespace adserve::DeliveryParams
