#pragma once

#include <QByteArray>
#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <vector>

namespace adserve {

// Every campaign's reach over a window of recorded traffic (ReachCounter makes it): the
// requests its targeting matches, status, flights and day-parting aside (a campaign paused
// today is still told what it would reach): for each campaign what its Forecast calls
// matching. A value folded to OTHER counts only for campaigns with no rule in its dimension.
struct ReachReport
{
    struct CampaignReach
    {
        qint64 id = 0;
        QString code;
        bool deliverable = true; // ACTIVE and not deleted
        qint64 matching = 0;
    };
    // The (country, OS, app) triples the most campaigns compete for.
    struct ContestedTriple
    {
        QString country, os, app;
        qint64 requests = 0;
        qint32 campaigns = 0;
    };

    QList<QDate> days;
    qint64 recorded = 0;
    qsizetype triples = 0;
    std::vector<CampaignReach> campaigns; // every campaign of the index, id ascending
    QList<ContestedTriple> contested;     // most campaigns first
    bool cancelled = false;               // then nothing else is filled in

    qsizetype unreachedCount() const;
    // "recorded", "triples", "campaigns" (count), "reached", "unreached" (count and the first
    // `listed` ids), "top" (the `listed` campaigns matching most), "contested".
    QJsonObject toJson(qsizetype listed = 100) const;
    // One line per campaign: id,code,deliverable,matching,share (RFC 4180 quoting).
    QByteArray toCsv() const;
};

} // namespace adserve
