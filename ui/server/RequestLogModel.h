#pragma once

#include "LoadRun.h"
#include "http/HttpServerPool.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QPalette>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace adserve {

// The requests the embedded server answered, newest first, as a tree: a request is a row; a
// load run is one row whose children are its requests, in the order they were answered, with
// a summary (requests, status counts, server and client time). Bounded: at most
// Limits::maxEntries rows in all (children included) and Limits::maxBytes of what they hold;
// the oldest go first (a run's oldest requests before the run itself).
class RequestLogModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, RequestColumn, StatusColumn, CampaignsColumn, ServerTimeColumn, ClientTimeColumn, ColumnCount };
    enum Role {
        FilterTextRole = Qt::UserRole + 1, // "METHOD target", what the text filter reads
        StatusClassRole,                   // 2 for 2xx … 5; 0 for a load run's row
    };
    struct Limits
    {
        qint64 maxEntries = 5000;
        qint64 maxBytes = 32 << 20;
    };

    explicit RequestLogModel(QObject *parent = nullptr);
    ~RequestLogModel() override;

    void setLimits(const Limits &limits);
    const Limits &limits() const { return limits_; }
    // Status colours readable on this palette's base (light or dark).
    void setPalette(const QPalette &palette);

    // Adds served requests, oldest first. A request a load run sent goes under that run's row.
    void append(const std::vector<RequestRecord> &records);
    // A load run the studio starts: its row appears now, its requests arrive under it.
    void beginLoadRun(const QByteArray &runId, const QString &target, qint64 planned);
    // The run's result as its client measured it (round trips).
    void finishLoadRun(const QByteArray &runId, const LoadRun::Result &result);
    void clear();

    qint64 entryCount() const { return entries_; }
    qint64 heldBytes() const { return bytes_; }
    // The request of a row; nullptr for a load run's row.
    const RequestRecord *record(const QModelIndex &index) const;
    bool isLoadRun(const QModelIndex &index) const;
    // A load run's row in words (the detail pane's text for it).
    QString loadRunText(const QModelIndex &index) const;

    // The colour of a status class (2..5; anything else: neither success nor failure).
    static QColor statusColour(int statusClass, const QPalette &palette);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Run;
    struct Node
    {
        quint64 sequence = 0; // top-level rows are numbered as they come: row = newest - sequence
        RequestRecord record; // a request's
        std::unique_ptr<Run> run; // a load run's
        std::deque<RequestRecord> children;
        qint64 bytes = 0;
    };

    Node *nodeOf(const QModelIndex &index) const; // the top-level node of a row or of a child's parent
    int rowOf(const Node &node) const;
    Node &addRun(const QByteArray &runId, const QString &target, qint64 planned);
    void summarise(Node &node);
    void evict();
    QVariant requestData(const RequestRecord &record, int column, int role) const;
    QVariant runData(const Node &node, int column, int role) const;

    Limits limits_;
    QPalette palette_;
    std::deque<Node> rows_; // newest first
    quint64 newest_ = 0;
    QHash<QByteArray, Node *> runs_;
    qint64 entries_ = 0;
    qint64 bytes_ = 0;
};

} // namespace adserve
