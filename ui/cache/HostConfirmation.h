#pragma once

#include "CacheTarget.h"

#include <QWidget>

class QLineEdit;

namespace adserve {

// "Type the host name to confirm": the step before a destructive action on a cache that is
// not on this machine, so a production Redis is never changed by a reflex click. Confirmed
// once the typed text is the host (case and surrounding spaces aside).
class TypedHostField : public QWidget
{
    Q_OBJECT
public:
    TypedHostField(const QString &host, QWidget *parent = nullptr);
    bool confirmed() const;

Q_SIGNALS:
    void confirmedChanged(bool confirmed);

private:
    QString host_;
    QLineEdit *typed_;
};

// Asks for the host name before `action` ("Set the TTL of 3 keys") when `target` is not local;
// true at once for a local one. The dialog's field is "typedHost", its button "confirmOnHost".
bool confirmOnHost(QWidget *parent, const CacheTarget &target, const QString &action);

} // namespace adserve
