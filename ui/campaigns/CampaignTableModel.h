#pragma once

#include "model/Campaign.h"
#include "targeting/MatchIndex.h"

#include <QAbstractTableModel>

#include <functional>
#include <memory>
#include <vector>

class QTimer;

namespace adserve {

// The campaigns (not deleted) as table rows: code, name, status, priority, whether each
// serves now by its flight and day-parting and when that next changes (as the engine's
// index says), CTA, image URL, number of rules, updated. Sorting uses the raw values
// (kSortRole), so numbers and times sort right.
class CampaignTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // The serving columns beside the status, where a narrow table still shows them.
    enum Column { Id, Code, Name, Status, Priority, ServingNow, NextChange, Cta, Image, Rules, Updated, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole;
    static constexpr int kIdRole = Qt::UserRole + 1;
    // The index in use now; nullptr when there is none.
    using IndexSource = std::function<std::shared_ptr<const MatchIndex>()>;

    explicit CampaignTableModel(QObject *parent = nullptr);

    void setCampaigns(QList<CampaignWithRules> campaigns);
    const QList<CampaignWithRules> &campaigns() const { return campaigns_; }
    // Row of a campaign, -1 when absent.
    int rowOf(qint64 id) const;
    const CampaignWithRules &at(int row) const { return campaigns_.at(row); }

    // Where the serving columns look; they stay empty without a source.
    void setIndexSource(IndexSource source);
    // Reads the index and the clock again and updates the serving columns of the rows whose
    // standing changed (dataChanged, no reset: selection and scroll stay). Runs by itself at
    // the index's next serving boundary and at least once a minute; call it when the index changes.
    void refreshServing();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    // Where a campaign stands at now_: a ServingWindow::State, or one of these past them
    // (how "Serving now" sorts: serving first).
    enum Order : qint8 { NotWorkedOut = -1, InactiveOrder = 4, DeletedOrder, NotIndexedOrder };
    struct Standing
    {
        qint8 order = NotWorkedOut;
        qint64 nextChange = kNever; // it holds until then
    };
    // Worked out for the rows shown (or sorted by), once: servingOf() costs microseconds,
    // and a sort asks for each row many times.
    const Standing &standing(int row) const;
    Standing workOut(const Campaign &campaign) const;
    static QString orderText(qint8 order);
    QVariant servingData(int row, Column column, int role) const;
    void readServing();

    QList<CampaignWithRules> campaigns_;
    mutable std::vector<Standing> standings_; // by row
    IndexSource indexSource_;
    std::shared_ptr<const MatchIndex> index_; // as read at now_
    qint64 now_ = 0;                          // the instant standings are worked out at
    QTimer *servingTimer_;
};

} // namespace adserve
