#pragma once

#include "JournalEntry.h"

#include <QJsonDocument>

namespace adserve {

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): journal entries out, as browser
// dev tools open them, and requests in, to replay them.
namespace Har {

// `serverUrl` ("http://127.0.0.1:8080") makes the entries' absolute URLs. Each entry keeps
// QA mode's own fields under "_adserve" (scenario, rule, effects, outcome, contract flags).
QJsonDocument fromJournal(const QList<JournalEntry> &entries, const QString &serverUrl);

// A request read from a HAR, to send again.
struct Request
{
    QByteArray method;
    QString target; // path and query
    HeaderList headers;
    QByteArray body;
    int originalStatus = 0; // the HAR's response status, 0 if none
};

constexpr int kMaxReplayed = 1000;
// The requests of a HAR's log.entries, in order; nullopt with `error` naming the entry and the
// field when it is not HAR or asks for something a replay does not send.
std::optional<QList<Request>> requests(const QJsonDocument &har, QString *error);

} // namespace Har

} // namespace adserve
