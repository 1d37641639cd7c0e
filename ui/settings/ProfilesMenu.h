#pragma once

#include <QMenu>

class QActionGroup;

namespace adserve {

class ProfileSwitcher;

// "File ▸ Connection profile": every connection profile, the one in use checked; choosing
// one switches to it. Filled afresh each time it opens, so it always shows what the profile
// manager last saved.
class ProfilesMenu : public QMenu
{
    Q_OBJECT
public:
    explicit ProfilesMenu(ProfileSwitcher &switcher, QWidget *parent = nullptr);

private:
    void fill();

    ProfileSwitcher &switcher_;
    QActionGroup *group_; // one checked at a time
};

} // namespace adserve
