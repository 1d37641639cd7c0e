// The Campaigns panel's toolbar, kept apart from the panel's behaviour: each tool with what it
// does, as a tooltip and in the status bar (the menus reuse these actions).
#include "BulkEditRunner.h"
#include "CampaignsPanel.h"
#include "model/Campaign.h"

#include <QAction>
#include <QToolBar>

namespace adserve {

QToolBar *CampaignsPanel::makeTools()
{
    auto *tools = new QToolBar(this);
    const auto action = [&](const QString &name, const QString &text, const QString &tip, auto slot) {
        QAction *a = tools->addAction(text, this, slot);
        a->setObjectName(name);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        return a;
    };
    action(QStringLiteral("addCampaign"), tr("Add"), tr("Start a new campaign in the editor"), &CampaignsPanel::addCampaign);
    action(QStringLiteral("duplicateCampaign"), tr("Duplicate"), tr("Start a new campaign as a copy of the selected one"),
           &CampaignsPanel::duplicateSelection);
    action(QStringLiteral("deleteCampaign"), tr("Delete"),
           tr("Delete the selected campaigns after asking; Undo bulk edit brings them back"), [this] { deleteSelection(true); });
    tools->addSeparator();
    action(QStringLiteral("activateCampaign"), tr("Activate"), tr("Make the selected campaigns ACTIVE: they serve where their targeting fits"),
           [this] { setStatusOfSelection(kStatusActive); });
    action(QStringLiteral("deactivateCampaign"), tr("Deactivate"), tr("Make the selected campaigns INACTIVE: they stop serving at once"),
           [this] { setStatusOfSelection(kStatusInactive); });
    action(QStringLiteral("bulkEdit"), tr("Bulk edit…"),
           tr("Activate, deactivate, delete or change the targeting of the selection or of every campaign the filter "
              "shows, with a preview; one transaction, undoable"),
           &CampaignsPanel::askBulkEdit);
    tools->addAction(bulk_->undoAction());
    action(QStringLiteral("targetingReport"), tr("Targeting report…"),
           tr("Unusual targeting values, duplicates and campaigns that can never serve, over every campaign, with "
              "one-click fixes"),
           &CampaignsPanel::showTargetingReport);
    action(QStringLiteral("showReach"), tr("Reach"),
           tr("What the selected campaign would reach over the recorded traffic, and where it loses requests"), [this] {
               if (const QList<qint64> ids = selectedIds(); !ids.isEmpty())
                   Q_EMIT showReach(ids.first());
               else
                   Q_EMIT message(tr("Select a campaign to see its reach."));
           });
    tools->addSeparator();
    action(QStringLiteral("importCampaigns"), tr("Import…"), tr("Read campaigns from a JSON or CSV file into the store"),
           &CampaignsPanel::askImport);
    action(QStringLiteral("exportCampaigns"), tr("Export…"), tr("Write every campaign to a JSON or CSV file"),
           &CampaignsPanel::askExport);
    action(QStringLiteral("generateCampaigns"), tr("Generate…"),
           tr("Write synthetic campaigns into the store, for load tests (one transaction; Remove generated takes them back)"),
           &CampaignsPanel::askGenerate);
    action(QStringLiteral("removeGeneratedCampaigns"), tr("Remove generated…"),
           tr("Remove every campaign the generator wrote, after a count and a confirmation"), &CampaignsPanel::askRemoveGenerated);
    tools->addSeparator();
    action(QStringLiteral("reloadCampaigns"), tr("Reload"), tr("Read the campaigns from the store again"), &CampaignsPanel::reload);
    return tools;
}

} // namespace adserve
