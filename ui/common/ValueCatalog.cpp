#include "ValueCatalog.h"

#include "store/CampaignStore.h"
#include "store/ValueLists.h"

#include <QSet>

namespace adserve::ValueCatalog {

QStringList builtIn(Dimension dimension)
{
    switch (dimension) {
    case Dimension::Country: {
        QStringList codes;
        for (const ValueLists::Country &country : ValueLists::countries())
            codes.append(country.code);
        return codes;
    }
    case Dimension::Os:
        return ValueLists::operatingSystems();
    case Dimension::App:
        return ValueLists::popularApps();
    }
    return {};
}

QStringList known(const CampaignStore &store, Dimension dimension)
{
    QStringList values = builtIn(dimension);
    const auto fromStore = store.knownValues(dimension);
    if (fromStore.ok())
        values += fromStore.value;
    QSet<QString> seen;
    QStringList unique;
    for (const QString &v : std::as_const(values)) {
        const QString key = normalizeValue(v);
        if (!key.isEmpty() && !seen.contains(key)) {
            seen.insert(key);
            unique.append(v.trimmed());
        }
    }
    unique.sort(Qt::CaseInsensitive);
    return unique;
}

} // namespace adserve::ValueCatalog
