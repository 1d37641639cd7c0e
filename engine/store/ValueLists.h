#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace adserve {

// The value lists shipped in resources/values: what requests' country, os and app usually
// are. For completion in the studio and for generating realistic campaigns.
class ValueLists
{
public:
    struct Country
    {
        QString code; // ISO 3166-1 alpha-2
        QString name;
    };

    static QList<Country> countries();
    // Most used first.
    static QStringList operatingSystems();
    // Other names of those operating systems: (other name, the name in operatingSystems()).
    static QList<std::pair<QString, QString>> osAliases();
    // Other names of countries besides their short names: (other name, ISO code).
    static QList<std::pair<QString, QString>> countryAliases();
    // Well-known app ids, most popular first.
    static QStringList popularApps();
    // Words to make plausible vendor and app names from.
    static QStringList appWords();
};

} // namespace adserve
