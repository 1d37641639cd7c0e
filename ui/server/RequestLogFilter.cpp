#include "RequestLogFilter.h"

#include "RequestLogModel.h"

namespace adserve {

RequestLogFilter::RequestLogFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true); // a run shows when one of its requests does
    setAutoAcceptChildRows(false);
    setDynamicSortFilter(true);
}

void RequestLogFilter::setText(const QString &text)
{
    text_ = text.trimmed();
    invalidateFilter();
}

void RequestLogFilter::setStatusClass(int statusClass)
{
    statusClass_ = statusClass;
    invalidateFilter();
}

bool RequestLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!isActive())
        return true;
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    if (statusClass_ != AnyStatus) {
        const int statusClass = row.data(RequestLogModel::StatusClassRole).toInt();
        const bool matches = statusClass_ == AnyError ? statusClass == 4 || statusClass == 5 : statusClass == statusClass_;
        if (!matches)
            return false;
    }
    return text_.isEmpty() || row.data(RequestLogModel::FilterTextRole).toString().contains(text_, Qt::CaseInsensitive);
}

} // namespace adserve
