#include "ValueHints.h"

#include "store/ValueLists.h"

namespace adserve {

ValueHints::ValueHints()
{
    auto &countries = usual_[size_t(Dimension::Country)];
    auto &codes = known_[size_t(Dimension::Country)];
    for (const ValueLists::Country &country : ValueLists::countries()) {
        codes.insert(normalizeValue(country.code), country.code);
        if (!country.name.isEmpty())
            countries.insert(normalizeValue(country.name), country.code);
    }
    for (const auto &[alias, code] : ValueLists::countryAliases())
        countries.insert(normalizeValue(alias), code);
    auto &systems = usual_[size_t(Dimension::Os)];
    auto &names = known_[size_t(Dimension::Os)];
    for (const QString &os : ValueLists::operatingSystems())
        names.insert(normalizeValue(os), os);
    for (const auto &[alias, os] : ValueLists::osAliases())
        systems.insert(normalizeValue(alias), os);
}

const ValueHints &ValueHints::shipped()
{
    static const ValueHints hints;
    return hints;
}

ValueHints::Hint ValueHints::hint(Dimension dimension, const QString &value) const
{
    const auto &known = known_[size_t(dimension)];
    const auto &other = usual_[size_t(dimension)];
    if (known.isEmpty())
        return {}; // apps: any id is as good as another
    const QString normalized = normalizeValue(value);
    if (const auto it = known.constFind(normalized); it != known.cend())
        return {value.trimmed() == it.value() ? Form::Usual : Form::CaseVariant, it.value()};
    if (const auto it = other.constFind(normalized); it != other.cend())
        return {dimension == Dimension::Country ? Form::CountryName : Form::OsAlias, it.value()};
    return {Form::Unknown, {}};
}

QString ValueHints::meaning(Dimension dimension, const QString &value) const
{
    const Hint h = hint(dimension, value);
    return h.usual.isEmpty() ? normalizeValue(value) : h.usual;
}

QString ValueHints::formCode(Form form)
{
    switch (form) {
    case Form::Usual: return QStringLiteral("usual");
    case Form::CaseVariant: return QStringLiteral("case-variant");
    case Form::CountryName: return QStringLiteral("country-name");
    case Form::OsAlias: return QStringLiteral("os-alias");
    case Form::Unknown: return QStringLiteral("unknown");
    }
    return {};
}

} // namespace adserve
