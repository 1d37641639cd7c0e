#include "ReachReport.h"

#include "ReachJson.h"

#include <QJsonArray>

#include <algorithm>

namespace adserve {

namespace {

using ReachJson::shareOf;

QByteArray csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    // A spreadsheet would run a field starting like a formula (CSV injection).
    if (!bytes.isEmpty() && QByteArrayLiteral("=+-@\t\r").contains(bytes.front()))
        bytes.prepend('\'');
    if (!bytes.contains(',') && !bytes.contains('"') && !bytes.contains('\n') && !bytes.contains('\r'))
        return bytes;
    bytes.replace('"', "\"\"");
    return '"' + bytes + '"';
}

} // namespace

qsizetype ReachReport::unreachedCount() const
{
    return qsizetype(std::count_if(campaigns.begin(), campaigns.end(), [](const CampaignReach &c) { return c.matching == 0; }));
}

QJsonObject ReachReport::toJson(qsizetype listed) const
{
    std::vector<const CampaignReach *> reached;
    QJsonArray unreached;
    for (const CampaignReach &campaign : campaigns) {
        if (campaign.matching > 0)
            reached.push_back(&campaign);
        else if (unreached.size() < listed)
            unreached.append(campaign.id);
    }
    const size_t shown = std::min(reached.size(), size_t(std::max<qsizetype>(listed, 0)));
    std::partial_sort(reached.begin(), reached.begin() + qsizetype(shown), reached.end(), [](const auto *a, const auto *b) {
        return a->matching != b->matching ? a->matching > b->matching : a->id < b->id;
    });
    QJsonArray top;
    for (size_t i = 0; i < shown; ++i) {
        top.append(QJsonObject{{"id", reached[i]->id},
                               {"code", reached[i]->code},
                               {"deliverable", reached[i]->deliverable},
                               {"matching", reached[i]->matching},
                               {"share", shareOf(reached[i]->matching, recorded)}});
    }
    QJsonArray contestedList;
    for (const ContestedTriple &triple : contested) {
        contestedList.append(QJsonObject{{"country", triple.country},
                                         {"os", triple.os},
                                         {"app", triple.app},
                                         {"requests", triple.requests},
                                         {"campaigns", triple.campaigns}});
    }
    return {{"window", ReachJson::daysJson(days)},
            {"cancelled", cancelled},
            {"recorded", recorded},
            {"triples", triples},
            {"campaigns", qint64(campaigns.size())},
            {"reached", qint64(reached.size())},
            {"unreached", QJsonObject{{"count", unreachedCount()}, {"ids", unreached}}},
            {"top", top},
            {"contested", contestedList}};
}

QByteArray ReachReport::toCsv() const
{
    QByteArray csv = "id,code,deliverable,matching,share\r\n";
    csv.reserve(csv.size() + qsizetype(campaigns.size()) * 48);
    for (const CampaignReach &campaign : campaigns) {
        csv += QByteArray::number(campaign.id) + ',' + csvField(campaign.code) + ',' + (campaign.deliverable ? "true" : "false")
               + ',' + QByteArray::number(campaign.matching) + ','
               + QByteArray::number(shareOf(campaign.matching, recorded), 'g', 6) + "\r\n";
    }
    return csv;
}

} // namespace adserve
