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
    QList<std::pair<QString, QString>> result;
    for (const QString &line : readLines(QStringLiteral("os-aliases.txt"))) {
        const qsizetype tab = line.indexOf(u'\t');
        if (tab > 0)
            result.append({line.left(tab).trimmed(), line.mid(tab + 1).trimmed()});
    }
    return result;
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
