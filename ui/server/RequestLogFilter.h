#pragma once

#include <QSortFilterProxyModel>

namespace adserve {

// Which rows of the request log show: those whose method, path or query contain a text, and
// whose status is of a class. A load run shows when any of its requests does.
class RequestLogFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum StatusClass { AnyStatus = 0, Success = 2, Redirect = 3, ClientError = 4, ServerError = 5, AnyError = 45 };

    explicit RequestLogFilter(QObject *parent = nullptr);
    void setText(const QString &text);
    void setStatusClass(int statusClass);
    bool isActive() const { return !text_.isEmpty() || statusClass_ != AnyStatus; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString text_;
    int statusClass_ = AnyStatus;
};

} // namespace adserve
