#include "ProfilesMenu.h"

#include "ProfileSwitcher.h"

#include <QActionGroup>

namespace adserve {

ProfilesMenu::ProfilesMenu(ProfileSwitcher &switcher, QWidget *parent)
    : QMenu(tr("Connection &profile"), parent)
    , switcher_(switcher)
    , group_(new QActionGroup(this))
{
    setObjectName(QStringLiteral("connectionProfiles"));
    connect(this, &QMenu::aboutToShow, this, &ProfilesMenu::fill);
}

void ProfilesMenu::fill()
{
    clear();
    const QString current = switcher_.currentName();
    for (const ConnectionProfile &profile : switcher_.profiles()) {
        QAction *action = addAction(QString(profile.name).replace(QLatin1Char('&'), QStringLiteral("&&")));
        action->setCheckable(true);
        action->setChecked(profile.name == current);
        action->setActionGroup(group_);
        // Queued: the switch may ask about unsaved edits, which must not happen inside the menu.
        connect(action, &QAction::triggered, this, [this, name = profile.name] {
            QMetaObject::invokeMethod(
                this, [this, name] { switcher_.choose(name, parentWidget()); }, Qt::QueuedConnection);
        });
    }
}

} // namespace adserve
