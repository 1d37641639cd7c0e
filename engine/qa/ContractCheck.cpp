#include "ContractCheck.h"

#include "model/ValueHints.h"

namespace adserve {

namespace {
constexpr qsizetype kMaxValue = 256; // what the delivery routes accept

// Matching ignores case, so "us" is as good as "US"; names and aliases ("Canada") are not codes.
bool isKnown(Dimension dimension, const QString &value)
{
    const auto form = ValueHints::shipped().hint(dimension, value).form;
    return form == ValueHints::Form::Usual || form == ValueHints::Form::CaseVariant;
}
}

QList<ContractFlag> ContractCheck::check(const HttpRequest &request)
{
    QList<ContractFlag> flags;
    if (request.path != QLatin1String("/v1/delivery") && request.path != QLatin1String("/api/v1/delivery"))
        return flags;
    static const QStringList required{QStringLiteral("app"), QStringLiteral("country"), QStringLiteral("os")};
    QHash<QString, int> seen;
    QHash<QString, QString> first; // Go's url.Values: the first occurrence counts
    for (const auto &[name, value] : request.query.queryItems(QUrl::FullyDecoded)) {
        if (++seen[name] == 2)
            flags.append({name, QStringLiteral("given more than once: the first value counts")});
        if (seen[name] > 1)
            continue;
        first.insert(name, value);
        const QString v = value.trimmed();
        if (!required.contains(name) && name != QLatin1String("limit")) {
            flags.append({name, QStringLiteral("unknown parameter")});
            continue;
        }
        if (value.size() > kMaxValue) {
            flags.append({name, QStringLiteral("longer than %1 characters (%2)").arg(kMaxValue).arg(value.size())});
            continue;
        }
        if (v.isEmpty())
            continue; // reported as missing below
        if (name == QLatin1String("country") && !isKnown(Dimension::Country, v))
            flags.append({name, QStringLiteral("\"%1\" is not an ISO 3166-1 alpha-2 country code").arg(v)});
        else if (name == QLatin1String("os") && !isKnown(Dimension::Os, v))
            flags.append({name, QStringLiteral("\"%1\" is not a known OS name").arg(v)});
        else if (name == QLatin1String("limit") && v.toLongLong() < 1)
            flags.append({name, QStringLiteral("\"%1\" is not a whole number from 1").arg(v)});
    }
    for (const QString &name : required) {
        if (first.value(name).trimmed().isEmpty())
            flags.append({name, first.contains(name) ? QStringLiteral("required parameter is empty")
                                                     : QStringLiteral("required parameter is missing")});
    }
    return flags;
}

} // namespace adserve
