#include "DeliveryParams.h"

#include <algorithm>

namespace adserve::DeliveryParams {

namespace {

QString tooLong(const QString &name)
{
    return QStringLiteral("%1 param longer than %2 characters").arg(name).arg(kMaxParamLength);
}

} // namespace

Targeting readTargeting(const QHash<QString, QString> &params, const std::array<Dimension, kDimensionCount> &order)
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
    const auto at = [&](Dimension d) -> const QString & { return values[size_t(d)]; };
    return {TargetingQuery::from(at(Dimension::Country), at(Dimension::Os), at(Dimension::App)), problems};
}

std::pair<qint64, qint64> Explain::page(qint64 total) const
{
    // Clamped before adding: offset + limit may be past what a qint64 holds.
    const qint64 first = std::min(offset, total);
    return {first, limit == 0 ? total : first + std::min(limit, total - first)};
}

std::optional<Explain> readExplain(const QHash<QString, QString> &params, QString *problem)
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
    return explain;
}

} // namespace adserve::DeliveryParams
