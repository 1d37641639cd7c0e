#pragma once

#include "ContractCheck.h"
#include "Scenario.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QUrlQuery>

#include <optional>

namespace adserve {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// One request QA mode saw, and what it did with it.
struct JournalEntry
{
    qint64 id = 0;
    QDateTime time;      // when the request was read (UTC)
    QString client;      // address:port
    QByteArray method;
    QString path;
    QString query;       // as sent, percent-encoded, without '?'
    HeaderList requestHeaders; // Authorization redacted
    QByteArray requestBody;    // the first kMaxBody bytes
    QString scenario;    // in effect for the request; empty: none
    QString rule;        // that applied; "engine" when none did
    QStringList effects; // what the rule did, in words ("latency 212 ms", "reset")
    int status = 0;      // 0: no answer was sent (reset, closed, hang)
    HeaderList responseHeaders;
    QByteArray responseBody; // the first kMaxBody bytes
    qint64 responseBytes = 0;
    QString outcome;     // "answered", "reset", "closed without an answer", ...
    double handleMs = 0;  // deciding the answer (engine or scenario)
    double waitMs = 0;    // held back before the first byte
    double receiveMs = 0; // from the first to the last byte
    double totalMs = 0;
    QList<ContractFlag> flags;

    static constexpr qsizetype kMaxBody = 4096;

    QUrlQuery queryItems() const { return QUrlQuery(query); }
    QJsonObject toJson() const;
    static std::optional<JournalEntry> fromJson(const QJsonObject &json);
};

// Which journal entries a question is about: the query parameters of GET /api/v1/qa/journal.
struct JournalFilter
{
    std::optional<TextPattern> path; // glob or exact
    QByteArray method;
    QList<QPair<QString, TextPattern>> params; // name -> value or glob ("*": present)
    QString scenario;
    QString rule;
    QString status;   // "204", "5xx", "0"
    QDateTime since;
    qint64 after = 0; // entries with a higher id
    std::optional<bool> flagged;
    qint64 limit = 100;

    // nullopt with `error` on an unknown or malformed filter.
    static std::optional<JournalFilter> parse(const QUrlQuery &query, QString *error);
    bool matches(const JournalEntry &entry) const;
};

} // namespace adserve
