#pragma once

#include "CampaignCatalog.h"
#include "CampaignStanding.h"
#include "CampaignView.h"
#include "targeting/MatchIndex.h"

#include <QAbstractTableModel>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QTimer;

namespace adserve {

// The campaigns of a catalog as table rows: code, name, status, priority, whether each
// serves now by its flight and day-parting and when that next changes (as the engine's
// index says), CTA, image URL, number of rules, updated.
//
// Filtering and sorting run off the GUI thread, whatever the store's size: the latest
// catalog, filter and sort asked for are arranged on a thread of the model's own, and the
// rows shown stay as they are until the new ones arrive, as a whole (a reset). Nothing the
// GUI thread does here grows with the store but the rows it paints.
class CampaignTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // The serving columns beside the status, where a narrow table still shows them.
    enum Column { Id, Code, Name, Status, Priority, ServingNow, NextChange, Cta, Image, Rules, Updated, ColumnCount };
    static constexpr int kIdRole = Qt::UserRole + 1;
    // The index in use now; nullptr when there is none.
    using IndexSource = std::function<std::shared_ptr<const MatchIndex>()>;

    explicit CampaignTableModel(QObject *parent = nullptr);
    ~CampaignTableModel() override;

    // What to show; each is arranged in the background (see isArranging()).
    void setCatalog(std::shared_ptr<const CampaignCatalog> catalog);
    void setFilter(const CampaignFilter &filter);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    // Shows no campaign at once (another store is being opened); filter and sort stay.
    void clear();
    CampaignFilter filter() const { return wanted_.filter; }
    // Whether rows asked for are still being worked out (the shown ones are older).
    bool isArranging() const { return arranging_; }

    // The catalog shown (never null).
    const CampaignCatalog &catalog() const { return *shown_.catalog; }
    std::shared_ptr<const CampaignCatalog> sharedCatalog() const { return shown_.catalog; }
    // Row of a campaign, -1 when absent or filtered out.
    int rowOf(qint64 id) const;
    qint64 idAt(int row) const;
    CampaignWithRules at(int row) const;

    // Where the serving columns look; they stay empty without a source.
    void setIndexSource(IndexSource source);
    // Reads the index and the clock again and updates the serving columns of the rows whose
    // standing changed (dataChanged, no reset: selection and scroll stay; sorted by a serving
    // column, the rows are arranged again). Runs by itself at the index's next serving
    // boundary and at least once a minute; call it when the index changes.
    void refreshServing();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    void arrangingChanged(bool arranging);
    // New rows are shown (after a reset: views restore their selection here).
    void arranged();

private:
    struct View
    {
        std::shared_ptr<const CampaignCatalog> catalog;
        CampaignFilter filter;
        CampaignSort sort;
    };
    // What an arrangement hands to the GUI thread.
    struct Arranged
    {
        std::shared_ptr<const CampaignRows> rows;
        std::shared_ptr<std::vector<CampaignStanding>> standings; // for a new catalog: none worked out yet
    };
    void arrange();
    void show(const View &view, Arranged work);
    const CampaignStanding &standing(int catalogIndex) const;
    QVariant servingData(int catalogIndex, Column column, int role) const;
    void readServing();

    View wanted_;                                // the latest asked for
    View shown_;                                 // what rows_ arranges
    std::shared_ptr<const CampaignRows> rows_;   // never null
    std::shared_ptr<std::atomic<bool>> cancel_;  // of the arrangement under way
    bool arranging_ = false;
    QThreadPool arranger_;                       // one thread: arrangements queue, superseded ones stop early

    mutable std::vector<CampaignStanding> standings_; // by catalog index, worked out when shown
    IndexSource indexSource_;
    std::shared_ptr<const MatchIndex> index_; // as read at now_
    qint64 now_ = 0;                          // the instant standings are worked out at
    QTimer *servingTimer_;
};

} // namespace adserve
