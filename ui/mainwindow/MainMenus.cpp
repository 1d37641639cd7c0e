#include "MainMenus.h"

#include "AboutDialog.h"
#include "MainWindow.h"
#include "UserGuide.h"
#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignsPanel.h"
#include "common/Theme.h"
#include "settings/ProfilesMenu.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>

namespace adserve {

namespace {

const QString kThemeKey = QStringLiteral("view/theme");

// Per panel (by object name), the field Ctrl+F goes to.
const QList<std::pair<QString, QString>> kSearchFields = {
    {QStringLiteral("campaignsPanel"), QStringLiteral("filter")},
    {QStringLiteral("simulatorPanel"), QStringLiteral("simCountry")},
    {QStringLiteral("reachPanel"), QStringLiteral("reachCampaign")},
    {QStringLiteral("cachePanel"), QStringLiteral("keyPattern")},
    {QStringLiteral("serverPanel"), QStringLiteral("logFilter")},
};

} // namespace

MainMenus::MainMenus(MainWindow &window, StudioSession &session)
    : QObject(&window)
    , window_(window)
    , session_(session)
{
    buildFile();
    buildEdit();
    buildView();
    buildHelp();
}

void MainMenus::applyRememberedTheme()
{
    Theme::apply(Theme::fromName(QSettings().value(kThemeKey).toString()));
}

QAction *MainMenus::campaignAction(QMenu *menu, const char *name, const QString &text, const QKeySequence &keys)
{
    auto *action = window_.campaigns()->findChild<QAction *>(QLatin1String(name));
    Q_ASSERT(action);
    // The toolbar keeps its short label; the menu, out of the panel's context, names the object.
    action->setIconText(action->iconText());
    action->setText(text);
    if (!keys.isEmpty())
        action->setShortcut(keys);
    menu->addAction(action);
    return action;
}

void MainMenus::buildFile()
{
    file_ = window_.menuBar()->addMenu(tr("&File"));
    CampaignEditor *editor = window_.campaigns()->editor();
    QAction *save = file_->addAction(tr("&Save campaign"), this, [this, editor] {
        window_.tabs()->setCurrentWidget(window_.campaigns()); // where its messages show
        editor->save();
    });
    save->setObjectName(QStringLiteral("saveCampaign"));
    save->setShortcut(QKeySequence::Save);
    save->setStatusTip(tr("Save the campaign being edited (the first field to fix gets the focus)"));
    connect(editor, &CampaignEditor::modifiedChanged, save, [save, editor] { save->setEnabled(editor->hasCampaign()); });
    save->setEnabled(editor->hasCampaign());
    file_->addSeparator();
    campaignAction(file_, "importCampaigns", tr("&Import campaigns…"), {});
    campaignAction(file_, "exportCampaigns", tr("&Export campaigns…"), {});
    file_->addSeparator();
    QAction *settings = file_->addAction(tr("&Connection settings…"), &window_, &MainWindow::editSettings);
    settings->setObjectName(QStringLiteral("connectionSettings"));
    settings->setStatusTip(tr("Manage the connection profiles: the store and the cache the studio works on"));
    file_->addMenu(new ProfilesMenu(window_.profiles(), &window_));
    file_->addSeparator();
    QAction *quit = file_->addAction(tr("&Quit"), QKeySequence::Quit, &window_, &QWidget::close);
    quit->setObjectName(QStringLiteral("quit"));
    quit->setStatusTip(tr("Close the studio (it asks first about unsaved edits)"));
}

void MainMenus::buildEdit()
{
    QMenu *edit = window_.menuBar()->addMenu(tr("&Edit"));
    CampaignsPanel *campaigns = window_.campaigns();
    CampaignEditor *editor = campaigns->editor();
    // The editor's own history: Ctrl+Z works anywhere in the Campaigns panel.
    for (QAction *action : {editor->undoAction(), editor->redoAction()}) {
        campaigns->addAction(action);
        edit->addAction(action);
    }
    editor->undoAction()->setStatusTip(tr("Undo the last edit in the campaign editor"));
    editor->redoAction()->setStatusTip(tr("Redo the edit undone last in the campaign editor"));
    edit->addSeparator();
    const auto toCampaigns = [this] { window_.tabs()->setCurrentWidget(window_.campaigns()); };
    connect(campaignAction(edit, "addCampaign", tr("&New campaign"), QKeySequence::New), &QAction::triggered, this, toCampaigns);
    connect(campaignAction(edit, "duplicateCampaign", tr("D&uplicate campaign"), QKeySequence(Qt::CTRL | Qt::Key_D)), &QAction::triggered, this, toCampaigns);
    // Delete acts on the table only: in a text box the key deletes text.
    QAction *remove = campaignAction(edit, "deleteCampaign", tr("&Delete campaigns"), QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetShortcut);
    campaigns->table()->addAction(remove);
    edit->addSeparator();
    QAction *find = edit->addAction(tr("&Find"), this, &MainMenus::find);
    find->setObjectName(QStringLiteral("find"));
    find->setShortcut(QKeySequence::Find);
    find->setStatusTip(tr("Go to the search field of the panel shown"));
}

void MainMenus::buildView()
{
    QMenu *view = window_.menuBar()->addMenu(tr("&View"));
    QTabWidget *tabs = window_.tabs();
    for (int i = 0; i < tabs->count(); ++i) {
        QAction *show = view->addAction(tabs->tabText(i), this, [tabs, i] { tabs->setCurrentIndex(i); });
        show->setObjectName(QStringLiteral("showPanel%1").arg(i + 1));
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        show->setStatusTip(tr("Show the %1 panel").arg(tabs->tabText(i)));
    }
    view->addSeparator();
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(theme);
    const std::pair<Theme::Mode, QString> modes[] = {
        {Theme::Mode::System, tr("&System")}, {Theme::Mode::Light, tr("&Light")}, {Theme::Mode::Dark, tr("&Dark")}};
    for (const auto &[mode, text] : modes) {
        QAction *choose = theme->addAction(text);
        choose->setObjectName(QStringLiteral("theme_") + Theme::name(mode));
        choose->setCheckable(true);
        choose->setChecked(Theme::current() == mode);
        choose->setStatusTip(mode == Theme::Mode::System ? tr("Look like the other applications of the desktop")
                                                         : tr("Use the %1 theme, whatever the desktop's").arg(Theme::name(mode)));
        themes->addAction(choose);
        connect(choose, &QAction::triggered, this, [mode = mode] {
            Theme::apply(mode);
            QSettings().setValue(kThemeKey, Theme::name(mode));
        });
    }
}

void MainMenus::buildHelp()
{
    QMenu *help = window_.menuBar()->addMenu(tr("&Help"));
    QAction *guide = help->addAction(tr("&User guide"), this, [this] {
        auto *guide = window_.findChild<UserGuide *>();
        if (!guide)
            guide = new UserGuide(&window_); // kept: it opens again where it was left
        guide->show();
        guide->raise();
    });
    guide->setObjectName(QStringLiteral("userGuide"));
    guide->setShortcut(QKeySequence::HelpContents);
    guide->setStatusTip(tr("Read how to use the studio (offline)"));
    help->addSeparator();
    QAction *about = help->addAction(tr("&About adserve studio"), this, [this] {
        AboutDialog dialog(session_, &window_);
        dialog.exec();
    });
    about->setObjectName(QStringLiteral("about"));
    about->setStatusTip(tr("Versions of adserve, Qt, hiredis, the store and the cache"));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setObjectName(QStringLiteral("aboutQt"));
}

void MainMenus::find()
{
    QWidget *panel = window_.tabs()->currentWidget();
    for (const auto &[panelName, fieldName] : kSearchFields) {
        if (panel->objectName() != panelName)
            continue;
        if (auto *field = panel->findChild<QLineEdit *>(fieldName)) {
            field->setFocus(Qt::ShortcutFocusReason);
            field->selectAll();
            return;
        }
    }
    window_.tabs()->setCurrentWidget(window_.campaigns());
    auto *filter = window_.campaigns()->findChild<QLineEdit *>(QStringLiteral("filter"));
    filter->setFocus(Qt::ShortcutFocusReason);
    filter->selectAll();
}

} // namespace adserve
