#include "RequestLogModel.h"

#include "RequestDetails.h"
#include "common/Tones.h"
#include "http/HttpStatus.h"

#include <QColor>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace adserve {

namespace {

// What a row costs besides the bytes its record holds: the node, the record's fixed part.
constexpr qint64 kRowOverhead = 256;

qint64 costOf(const RequestRecord &record)
{
    return kRowOverhead + record.heldBytes();
}

QString millis(qint64 micros, int decimals)
{
    return QString::number(double(micros) / 1000.0, 'f', decimals);
}

QString requestLine(const RequestRecord &record)
{
    return QString::fromLatin1(record.method) + QLatin1Char(' ') + record.target;
}

QString percentiles(qint64 p50, qint64 p99, int decimals)
{
    return RequestLogModel::tr("p50 %1 · p99 %2 ms").arg(millis(p50, decimals), millis(p99, decimals));
}

} // namespace

// A load run's row: what is known of all its requests, also of those no longer kept.
struct RequestLogModel::Run
{
    QByteArray id;
    QString target;
    qint64 planned = 0; // 0: not started by this studio
    QDateTime started;
    qint64 answered = 0; // by the server, as recorded
    std::map<int, qint64> statuses;
    qint64 serverP50 = 0, serverP99 = 0; // of the requests kept
    struct Client
    {
        qint64 requests = 0, failures = 0, p50 = 0, p99 = 0;
        double throughput = 0;
        bool cancelled = false;
    };
    std::optional<Client> client; // once the run finished

    int worstClass() const { return statuses.empty() ? 0 : statuses.rbegin()->first / 100; }
};

RequestLogModel::RequestLogModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

RequestLogModel::~RequestLogModel() = default;

void RequestLogModel::setLimits(const Limits &limits)
{
    limits_ = limits;
    evict();
}

void RequestLogModel::setPalette(const QPalette &palette)
{
    palette_ = palette;
    if (!rows_.empty())
        Q_EMIT dataChanged(index(0, StatusColumn), index(int(rows_.size()) - 1, StatusColumn), {Qt::ForegroundRole});
}

QColor RequestLogModel::statusColour(int statusClass, const QPalette &palette)
{
    switch (statusClass) {
    case 2: return Tones::text(Tones::Good, palette);
    case 3: return Tones::text(Tones::Info, palette);
    case 4: return Tones::text(Tones::Warn, palette);
    case 5: return Tones::text(Tones::Bad, palette);
    default: return Tones::text(Tones::Muted, palette);
    }
}

void RequestLogModel::append(const std::vector<RequestRecord> &records)
{
    if (records.empty())
        return;
    // New top-level rows first, in one insertion: plain requests, and runs seen for the first time.
    std::vector<const RequestRecord *> top;
    QSet<QByteArray> newRuns;
    std::vector<std::pair<QByteArray, const RequestRecord *>> children;
    for (const RequestRecord &record : records) {
        const QByteArray run = RequestDetails::loadRunId(record);
        if (run.isEmpty()) {
            top.push_back(&record);
            continue;
        }
        children.emplace_back(run, &record);
        if (!runs_.contains(run) && !newRuns.contains(run)) {
            newRuns.insert(run);
            top.push_back(&record);
        }
    }
    if (!top.empty()) {
        beginInsertRows({}, 0, int(top.size()) - 1);
        for (const RequestRecord *record : top) {
            const QByteArray run = RequestDetails::loadRunId(*record);
            if (!run.isEmpty()) {
                Node &node = addRun(run, record->target, 0);
                node.run->started = record->time;
                continue;
            }
            Node &node = rows_.emplace_front();
            node.sequence = ++newest_;
            node.record = *record;
            node.bytes = costOf(*record);
            ++entries_;
            bytes_ += node.bytes;
        }
        endInsertRows();
    }
    // Then each run's requests, in one insertion per run.
    std::map<Node *, std::vector<const RequestRecord *>> byRun;
    for (const auto &[run, record] : children)
        byRun[runs_.value(run)].push_back(record);
    for (auto &[node, list] : byRun) {
        const QModelIndex parent = index(rowOf(*node), 0);
        const int first = int(node->children.size());
        beginInsertRows(parent, first, first + int(list.size()) - 1);
        for (const RequestRecord *record : list) {
            node->children.push_back(*record);
            const qint64 cost = costOf(*record);
            node->bytes += cost;
            bytes_ += cost;
            ++entries_;
            ++node->run->answered;
            ++node->run->statuses[record->status];
        }
        endInsertRows();
        summarise(*node);
    }
    evict();
}

void RequestLogModel::beginLoadRun(const QByteArray &runId, const QString &target, qint64 planned)
{
    if (runs_.contains(runId))
        return;
    beginInsertRows({}, 0, 0);
    Node &node = addRun(runId, target, planned);
    node.run->started = QDateTime::currentDateTime();
    endInsertRows();
    evict();
}

RequestLogModel::Node &RequestLogModel::addRun(const QByteArray &runId, const QString &target, qint64 planned)
{
    Node &node = rows_.emplace_front();
    node.sequence = ++newest_;
    node.run = std::make_unique<Run>();
    node.run->id = runId;
    node.run->target = target;
    node.run->planned = planned;
    node.bytes = kRowOverhead + target.size() * 2;
    ++entries_;
    bytes_ += node.bytes;
    runs_.insert(runId, &node);
    return node;
}

void RequestLogModel::finishLoadRun(const QByteArray &runId, const LoadRun::Result &result)
{
    Node *node = runs_.value(runId);
    if (!node)
        return;
    node->run->client = Run::Client{result.requests, result.failures, result.percentile(50), result.percentile(99),
                                    result.throughput(), result.cancelled};
    const int row = rowOf(*node);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void RequestLogModel::summarise(Node &node)
{
    std::vector<qint64> micros;
    micros.reserve(node.children.size());
    for (const RequestRecord &record : node.children)
        micros.push_back(record.micros);
    std::sort(micros.begin(), micros.end());
    node.run->serverP50 = percentile(micros, 50);
    node.run->serverP99 = percentile(micros, 99);
    const int row = rowOf(node);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void RequestLogModel::evict()
{
    const auto over = [this] { return entries_ > limits_.maxEntries || bytes_ > limits_.maxBytes; };
    while (over() && !rows_.empty()) {
        Node &oldest = rows_.back();
        if (!oldest.children.empty()) {
            // A run goes request by request, oldest first; its row stays while it has any.
            qint64 entries = entries_, bytes = bytes_;
            size_t count = 0;
            while (count < oldest.children.size() && (entries > limits_.maxEntries || bytes > limits_.maxBytes)) {
                bytes -= costOf(oldest.children[count++]);
                --entries;
            }
            beginRemoveRows(index(rowOf(oldest), 0), 0, int(count) - 1);
            oldest.children.erase(oldest.children.begin(), oldest.children.begin() + qsizetype(count));
            oldest.bytes -= bytes_ - bytes;
            entries_ = entries;
            bytes_ = bytes;
            endRemoveRows();
            summarise(oldest);
            continue;
        }
        // Rows without children, oldest first, in one removal.
        qint64 entries = entries_, bytes = bytes_;
        int count = 0;
        for (auto it = rows_.rbegin(); it != rows_.rend() && it->children.empty()
                                       && (entries > limits_.maxEntries || bytes > limits_.maxBytes); ++it) {
            bytes -= it->bytes;
            --entries;
            ++count;
        }
        const int last = int(rows_.size()) - 1;
        beginRemoveRows({}, last - count + 1, last);
        for (int i = 0; i < count; ++i) {
            if (rows_.back().run)
                runs_.remove(rows_.back().run->id);
            rows_.pop_back();
        }
        entries_ = entries;
        bytes_ = bytes;
        endRemoveRows();
    }
}

void RequestLogModel::clear()
{
    beginResetModel();
    rows_.clear();
    runs_.clear();
    entries_ = 0;
    bytes_ = 0;
    endResetModel();
}

RequestLogModel::Node *RequestLogModel::nodeOf(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    if (index.internalPointer())
        return static_cast<Node *>(index.internalPointer());
    return const_cast<Node *>(&rows_[size_t(index.row())]);
}

int RequestLogModel::rowOf(const Node &node) const
{
    return int(newest_ - node.sequence);
}

const RequestRecord *RequestLogModel::record(const QModelIndex &index) const
{
    const Node *node = nodeOf(index);
    if (!node)
        return nullptr;
    if (index.internalPointer())
        return &node->children[size_t(index.row())];
    return node->run ? nullptr : &node->record;
}

bool RequestLogModel::isLoadRun(const QModelIndex &index) const
{
    const Node *node = nodeOf(index);
    return node && !index.internalPointer() && node->run;
}

QModelIndex RequestLogModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, nullptr);
    return createIndex(row, column, nodeOf(parent));
}

QModelIndex RequestLogModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || !child.internalPointer())
        return {};
    return createIndex(rowOf(*static_cast<const Node *>(child.internalPointer())), 0, nullptr);
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(rows_.size());
    if (parent.internalPointer() || parent.column() != 0)
        return 0; // requests have no children
    return int(rows_[size_t(parent.row())].children.size());
}

int RequestLogModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    if (!index.internalPointer() && node->run)
        return runData(*node, index.column(), role);
    return requestData(*record(index), index.column(), role);
}

QVariant RequestLogModel::requestData(const RequestRecord &record, int column, int role) const
{
    switch (role) {
    case FilterTextRole: return requestLine(record);
    case StatusClassRole: return record.status / 100;
    case Qt::ForegroundRole:
        return column == StatusColumn ? QVariant(statusColour(record.status / 100, palette_)) : QVariant();
    case Qt::TextAlignmentRole:
        return column >= CampaignsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (column == StatusColumn)
            return QStringLiteral("%1 %2").arg(record.status).arg(QString::fromLatin1(reasonPhrase(record.status)));
        if (column == TimeColumn)
            return QLocale().toString(record.time, QLocale::LongFormat);
        return {};
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn: return record.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case RequestColumn: return requestLine(record);
        case StatusColumn: return record.status ? QString::number(record.status) : QStringLiteral("—");
        case CampaignsColumn: return record.campaigns < 0 ? QString() : QString::number(record.campaigns);
        case ServerTimeColumn: return tr("%1 ms").arg(millis(record.micros, 3));
        default: return {};
        }
    default: return {};
    }
}

QVariant RequestLogModel::runData(const Node &node, int column, int role) const
{
    const Run &run = *node.run;
    switch (role) {
    case FilterTextRole: return run.target;
    case StatusClassRole: return 0;
    case Qt::ForegroundRole:
        return column == StatusColumn ? QVariant(statusColour(run.worstClass(), palette_)) : QVariant();
    case Qt::TextAlignmentRole:
        return column >= CampaignsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole: return column == StatusColumn || column == RequestColumn ? loadRunText(index(rowOf(node), 0)) : QVariant();
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn: return run.started.toString(QStringLiteral("HH:mm:ss.zzz"));
        case RequestColumn:
            return run.planned && !run.client ? tr("Load run: %1 of %2 requests · %3").arg(run.answered).arg(run.planned).arg(run.target)
                                              : tr("Load run: %1 requests · %2").arg(run.answered).arg(run.target);
        case StatusColumn: {
            QStringList counts;
            for (const auto &[status, count] : run.statuses)
                counts.append(QStringLiteral("%1 ×%2").arg(status).arg(count));
            return counts.join(QStringLiteral(" · "));
        }
        case ServerTimeColumn: return node.children.empty() ? QString() : percentiles(run.serverP50, run.serverP99, 3);
        case ClientTimeColumn:
            if (run.client)
                return percentiles(run.client->p50, run.client->p99, 2);
            return run.planned ? tr("running…") : QString();
        default: return {};
        }
    default: return {};
    }
}

QString RequestLogModel::loadRunText(const QModelIndex &index) const
{
    if (!isLoadRun(index))
        return {};
    const Node &node = *nodeOf(index);
    const Run &run = *node.run;
    QString text = tr("Load run %1: GET %2\n").arg(QString::fromLatin1(run.id), run.target);
    text += tr("Started %1. %2 requests answered by the server").arg(QLocale().toString(run.started, QLocale::LongFormat)).arg(run.answered);
    if (run.planned)
        text += tr(" of %1 planned").arg(run.planned);
    text += tr("; %1 kept in the log (the oldest go first when it is full).\n\nStatuses:\n").arg(node.children.size());
    for (const auto &[status, count] : run.statuses)
        text += QStringLiteral("  %1 %2: %3\n").arg(status).arg(QString::fromLatin1(reasonPhrase(status))).arg(count);
    text += tr("\nServer time (in the server, no network), of the requests kept: %1\n")
                .arg(percentiles(run.serverP50, run.serverP99, 3));
    if (run.client) {
        text += tr("Client time (round trip measured by the load run's client): %1\n"
                   "%2 requests/s · %3 failed%4\n")
                    .arg(percentiles(run.client->p50, run.client->p99, 2))
                    .arg(run.client->throughput, 0, 'f', 0)
                    .arg(run.client->failures)
                    .arg(run.client->cancelled ? tr(" · cancelled") : QString());
    } else if (run.planned) {
        text += tr("Client time: when the run has finished.\n");
    }
    return text;
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case TimeColumn: return tr("Time");
        case RequestColumn: return tr("Request");
        case StatusColumn: return tr("Status");
        case CampaignsColumn: return tr("Campaigns");
        case ServerTimeColumn: return tr("Server time");
        case ClientTimeColumn: return tr("Client time");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ServerTimeColumn:
            return tr("Measured inside the server: from reading the request to handing the answer to the connection. "
                      "No network and no client in it, so it is far below what a client sees.");
        case ClientTimeColumn:
            return tr("Measured by the load run's client: the whole round trip (waiting for a connection, sending, the "
                      "server's work, receiving). Shown for load runs, as p50 and p99.");
        case CampaignsColumn: return tr("Campaigns in a delivery answer");
        default: return {};
        }
    }
    return {};
}

} // namespace adserve
