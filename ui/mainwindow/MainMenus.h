#pragma once

#include <QObject>

class QAction;
class QActionGroup;
class QMenu;

namespace adserve {

class MainWindow;
class StudioSession;

// The window's menu bar, after desktop conventions and Qt's standard keys:
// File (save, import / export, connection settings, quit), Edit (the editor's undo and
// redo, new, duplicate, delete, find), View (the panels, the theme) and Help (the user
// guide, About). Campaign actions are the Campaigns panel's own toolbar actions, so a menu
// and its button never disagree.
class MainMenus : public QObject
{
    Q_OBJECT
public:
    MainMenus(MainWindow &window, StudioSession &session);

    // The theme the user chose, from the settings: applied at start-up.
    static void applyRememberedTheme();
    QMenu *fileMenu() const { return file_; }

private:
    void buildFile();
    void buildEdit();
    void buildView();
    void buildHelp();
    // Ctrl+F: the search field of the panel shown (the campaigns filter where it has none).
    void find();
    // Adds the Campaigns panel's toolbar action `name` (its tips included) to `menu` as `text`,
    // with a shortcut.
    QAction *campaignAction(QMenu *menu, const char *name, const QString &text, const QKeySequence &keys);

    MainWindow &window_;
    StudioSession &session_;
    QMenu *file_ = nullptr;
};

} // namespace adserve
