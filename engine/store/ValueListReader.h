#pragma once

#include <QByteArrayView>
#include <QHash>
#include <QStringList>


namespace adserve {

// Reads rules' "values" column (a JSON array of strings, as SQLite stores it and PostgreSQL's
// array_to_json() gives it) into lists whose strings are shared by every rule naming the
// same value: a large store names a few thousand distinct values millions of times.
class ValueListReader
{
public:
    QStringList read(QByteArrayView json);

    // Calls `visit` with each element of a JSON array of plain strings (no escapes), and
    // says whether `json` was one (when not, `visit` may have seen its first elements);
    // anything else is left to a JSON parser.
    template<typename Visit>
    static bool forEachPlainString(QByteArrayView json, Visit &&visit);

private:
    QHash<QByteArray, QString> strings_;
};

template<typename Visit>
bool ValueListReader::forEachPlainString(QByteArrayView json, Visit &&visit)
{
    qsizetype i = 0;
    const qsizetype n = json.size();
    const auto skipSpaces = [&] {
        while (i < n && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r'))
            ++i;
    };
    skipSpaces();
    if (i >= n || json[i++] != '[')
        return false;
    skipSpaces();
    if (i < n && json[i] == ']')
        return true;
    while (i < n) {
        if (json[i++] != '"')
            return false;
        const qsizetype start = i;
        while (i < n && json[i] != '"') {
            if (json[i] == '\\')
                return false; // escapes: rare, left to the JSON parser
            ++i;
        }
        if (i >= n)
            return false;
        visit(json.sliced(start, i - start));
        ++i; // closing quote
        skipSpaces();
        if (i < n && json[i] == ']')
            return true;
        if (i >= n || json[i++] != ',')
            return false;
        skipSpaces();
    }
    return false;
}

} // namespace adserve
