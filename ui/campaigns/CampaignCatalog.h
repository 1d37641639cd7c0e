#pragma once

#include "model/Campaign.h"

#include <QHash>
#include <QList>

#include <memory>

namespace adserve {

// The campaigns as the studio last read them from the store, in id order, never changed
// once made: the table, its filters and the editor's code check share one copy, and work
// off the GUI thread reads it without locks. A reload makes a new catalog.
class CampaignCatalog
{
public:
    // Built off the GUI thread: the lookups of a large store take a while.
    static std::shared_ptr<const CampaignCatalog> make(QList<CampaignWithRules> campaigns);

    const QList<CampaignWithRules> &campaigns() const { return campaigns_; }
    qsizetype size() const { return campaigns_.size(); }
    const CampaignWithRules &at(qsizetype index) const { return campaigns_.at(index); }
    // Index of the campaign with this id, -1 when absent.
    qsizetype indexOf(qint64 id) const;
    // Which campaign uses each code (the editor refuses a code taken by another).
    const QHash<QString, qint64> &idsByCode() const { return idsByCode_; }

private:
    QList<CampaignWithRules> campaigns_;
    QHash<QString, qint64> idsByCode_;
};

} // namespace adserve
