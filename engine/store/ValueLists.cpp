#include "ValueLists.h"

#include <QFile>

namespace adserve {

namespace {

// Non-empty lines that are not # comments.
QStringList readLines(const QString &name)
{
    QFile file(QStringLiteral(":/adserve/values/") + name);
    QStringList lines;
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return lines;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (!line.isEmpty() && !line.startsWith(u'#'))
            lines.append(line);
    }
    return lines;
}

// Lines of two tab-separated fields; others are left out.
QList<std::pair<QString, QString>> readPairs(const QString &name)
{
    QList<std::pair<QString, QString>> result;
    for (const QString &line : readLines(name)) {
        const qsizetype tab = line.indexOf(u'\t');
        if (tab > 0 && !line.mid(tab + 1).trimmed().isEmpty())
            result.append({line.left(tab).trimmed(), line.mid(tab + 1).trimmed()});
    }
    return result;
}

} // namespace

QList<ValueLists::Country> ValueLists::countries()
{
    QList<Country> result;
    for (const QString &line : readLines(QStringLiteral("countries.txt"))) {
        const qsizetype tab = line.indexOf(u'\t');
        result.append({line.left(tab).trimmed(), tab < 0 ? QString() : line.mid(tab + 1).trimmed()});
    }
    return result;
}

QStringList ValueLists::operatingSystems()
{
    return readLines(QStringLiteral("os.txt"));
}

QList<std::pair<QString, QString>> ValueLists::osAliases()
{
    return readPairs(QStringLiteral("os-aliases.txt"));
}

QList<std::pair<QString, QString>> ValueLists::countryAliases()
{
    return readPairs(QStringLiteral("country-aliases.txt"));
}

QStringList ValueLists::popularApps()
{
    return readLines(QStringLiteral("apps.txt"));
}

QStringList ValueLists::appWords()
{
    return readLines(QStringLiteral("app-words.txt"));
}

} // namespace adserve
