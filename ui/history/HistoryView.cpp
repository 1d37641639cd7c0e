#include "HistoryView.h"

#include "changes/CampaignRestore.h"
#include "common/BackgroundJob.h"
#include "session/StudioSession.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace adserve {

namespace {

constexpr int kPage = 50;

QString when(const QDateTime &at)
{
    return at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString shown(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QObject::tr("yes") : QObject::tr("no");
    if (value.isString())
        return value.toString().toHtmlEscaped();
    return QObject::tr("<i>none</i>");
}

QString kindText(const QString &kind)
{
    if (kind == QLatin1String("created"))
        return QObject::tr("created");
    if (kind == QLatin1String("deleted"))
        return QObject::tr("deleted");
    if (kind == QLatin1String("undeleted"))
        return QObject::tr("brought back");
    if (kind == QLatin1String("activated"))
        return QObject::tr("activated");
    if (kind == QLatin1String("deactivated"))
        return QObject::tr("deactivated");
    return QObject::tr("edited");
}

// An entry of the timeline: when, who, what kind of change; under it, what changed.
QString timelineText(const CampaignChange &c)
{
    constexpr int kSummaryLength = 110;
    QString line = QStringLiteral("%1 · %2 · %3").arg(when(c.at), c.actor, kindText(c.kind));
    if (!c.note.isEmpty())
        line += QStringLiteral(" (%1)").arg(c.note);
    QString summary = c.summary();
    if (summary.size() > kSummaryLength)
        summary = summary.left(kSummaryLength - 1) + QStringLiteral("…");
    return line + QLatin1Char('\n') + summary;
}

} // namespace

QString HistoryView::toHtml(const CampaignChange &change)
{
    QString html;
    if (!change.fields.isEmpty()) {
        html += QStringLiteral("<table cellspacing=0 cellpadding=3><tr><th align=left>%1</th><th align=left>%2</th>"
                               "<th align=left>%3</th></tr>")
                    .arg(tr("field"), tr("before"), tr("after"));
        for (const FieldChange &f : change.fields)
            html += QStringLiteral("<tr><td>%1</td><td style='color:#a33'>%2</td><td style='color:#282'>%3</td></tr>")
                        .arg(f.field, shown(f.before), shown(f.after));
        html += QStringLiteral("</table>");
    }
    if (!change.rules.isEmpty()) {
        html += QStringLiteral("<p><b>%1</b></p><ul>").arg(tr("Targeting"));
        for (const RuleChange &r : change.rules) {
            switch (r.kind) {
            case RuleChange::Kind::Added:
                html += QStringLiteral("<li style='color:#282'>+ %1</li>").arg(r.after->describe().toHtmlEscaped());
                break;
            case RuleChange::Kind::Removed:
                html += QStringLiteral("<li style='color:#a33'>− %1</li>").arg(r.before->describe().toHtmlEscaped());
                break;
            case RuleChange::Kind::Changed:
                html += QStringLiteral("<li>%1 → %2</li>")
                            .arg(r.before->describe().toHtmlEscaped(), r.after->describe().toHtmlEscaped());
                break;
            }
        }
        html += QStringLiteral("</ul>");
    }
    if (change.isEmpty())
        html += QStringLiteral("<p><i>%1</i></p>").arg(tr("Nothing that decides delivery changed."));
    return html;
}

HistoryView::HistoryView(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , heading_(new QLabel(this))
    , timeline_(new QListWidget(this))
    , details_(new QTextBrowser(this))
    , restore_(new QPushButton(tr("Restore this version…"), this))
    , older_(new QPushButton(tr("Older changes"), this))
    , loader_(new BackgroundJob(this))
{
    setObjectName(QStringLiteral("history"));
    timeline_->setObjectName(QStringLiteral("timeline"));
    details_->setObjectName(QStringLiteral("changeDetails"));
    restore_->setObjectName(QStringLiteral("restore"));
    older_->setObjectName(QStringLiteral("olderChanges"));
    restore_->setToolTip(tr("Make the campaign and its targeting as they were right after the selected change. "
                            "The restore is a change of its own: it can be undone the same way."));
    older_->setToolTip(tr("Show the changes before the oldest one listed"));
    heading_->setWordWrap(true);
    timeline_->setAlternatingRowColors(true);
    details_->setOpenLinks(false);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(timeline_);
    splitter->addWidget(details_);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(older_);
    buttons->addStretch();
    buttons->addWidget(restore_);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);

    connect(timeline_, &QListWidget::currentRowChanged, this, &HistoryView::showSelected);
    connect(restore_, &QPushButton::clicked, this, [this] { restoreSelected(); });
    connect(older_, &QPushButton::clicked, this, [this] {
        if (!changes_.isEmpty())
            load(changes_.last().changeId);
    });
    connect(&session_, &StudioSession::aboutToClose, loader_, &BackgroundJob::cancelAndWait);
    showCampaign(0);
}

void HistoryView::showCampaign(qint64 campaignId, const QString &code)
{
    if (campaignId != campaignId_ || !code.isEmpty())
        code_ = code.isEmpty() ? QStringLiteral("campaign %1").arg(campaignId) : code;
    // Read again (a change was made): the change picked stays picked, so Restore restores it;
    // one picked before a read still under way stays the one to pick.
    const int row = timeline_->currentRow();
    if (campaignId != campaignId_)
        reselect_ = 0;
    else if (row >= 0 && row < changes_.size())
        reselect_ = changes_.at(row).changeId;
    campaignId_ = campaignId;
    changes_.clear();
    timeline_->clear();
    details_->clear();
    more_ = false;
    if (!campaignId) {
        heading_->setText(tr("Select a campaign to see its history."));
        restore_->setEnabled(false);
        older_->setEnabled(false);
        return;
    }
    heading_->setText(tr("Reading the history of %1…").arg(code_));
    load(0);
}

void HistoryView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void HistoryView::refresh()
{
    if (campaignId_)
        showCampaign(campaignId_, code_);
}

void HistoryView::load(qint64 beforeChangeId)
{
    const quint64 read = ++reads_; // a read under way now shows nothing when it ends
    if (loader_->isRunning()) {
        // It cannot be stopped inside its query, and waiting for it here froze the window
        // while the store was busy (a bulk edit, a reload): this read follows it instead.
        loader_->cancel();
        loader_->whenDone([this, beforeChangeId] { load(beforeChangeId); });
        return;
    }
    ChangeLog &log = session_.engine().changes().log();
    const qint64 id = campaignId_;
    loader_->start(tr("Reading history"), [this, &log, id, beforeChangeId, read](JobControl &) -> BackgroundJob::Finish {
        const auto entries = log.campaignChanges(id, beforeChangeId, kPage);
        const QList<CampaignChange> page = entries.ok() ? ChangeHistory::changes(entries.value) : QList<CampaignChange>();
        return [this, id, entries, page, read] {
            if (read != reads_ || id != campaignId_) // asked for again, or no campaign shown now
                return;
            if (!entries.ok()) {
                heading_->setText(tr("The history could not be read: %1").arg(entries.message));
                return;
            }
            for (const CampaignChange &change : page) {
                auto *item = new QListWidgetItem(timelineText(change), timeline_);
                item->setToolTip(change.summary());
                item->setData(Qt::UserRole, change.changeId);
            }
            changes_ += page;
            more_ = page.size() == kPage;
            older_->setEnabled(more_);
            const QString count = changes_.size() == 1 ? tr("1 change") : tr("%1 changes").arg(changes_.size());
            heading_->setText(changes_.isEmpty() ? tr("No change of %1 is in the change log.").arg(code_)
                                                 : tr("%1 of %2, newest first%3")
                                                       .arg(count, code_, more_ ? tr("; older ones below") : QString()));
            if (const qint64 picked = std::exchange(reselect_, 0)) {
                // Not on the first page any more: nothing is picked rather than another change.
                const auto at = std::find_if(changes_.cbegin(), changes_.cend(),
                                             [picked](const CampaignChange &c) { return c.changeId == picked; });
                if (at != changes_.cend())
                    timeline_->setCurrentRow(int(at - changes_.cbegin()));
            } else if (timeline_->currentRow() < 0 && timeline_->count() > 0) {
                timeline_->setCurrentRow(0);
            }
        };
    });
}

void HistoryView::showSelected()
{
    const int row = timeline_->currentRow();
    restore_->setEnabled(row >= 0);
    if (row < 0 || row >= changes_.size()) {
        details_->clear();
        return;
    }
    const CampaignChange &change = changes_.at(row);
    details_->setHtml(QStringLiteral("<p><b>%1</b><br>%2 %3, change %4%5</p>")
                          .arg(kindText(change.kind).toHtmlEscaped(), when(change.at),
                               tr("by %1").arg(change.actor.toHtmlEscaped()))
                          .arg(change.changeId)
                          .arg(change.note.isEmpty() ? QString() : QStringLiteral("<br><i>%1</i>").arg(change.note.toHtmlEscaped()))
                      + toHtml(change));
    restore_->setToolTip(row == 0 ? tr("This is the campaign as it is now.")
                                  : tr("Make the campaign as it was right after this change (%1).").arg(when(change.at)));
}

bool HistoryView::restoreSelected(bool confirm)
{
    const int row = timeline_->currentRow();
    if (row < 0 || row >= changes_.size())
        return false;
    const qint64 changeId = changes_.at(row).changeId;
    CampaignRestore restorer(session_.engine().store());
    if (confirm) {
        const auto plan = restorer.preview(campaignId_, changeId);
        if (!plan.ok()) {
            Q_EMIT message(tr("Cannot restore: %1").arg(plan.message));
            return false;
        }
        QDialog dialog(this);
        dialog.setObjectName(QStringLiteral("restorePreview"));
        dialog.setWindowTitle(tr("Restore campaign %1").arg(plan.value.current.campaign.code));
        auto *text = new QTextBrowser(&dialog);
        text->setObjectName(QStringLiteral("restoreEffect"));
        text->setHtml(QStringLiteral("<p>%1</p>")
                          .arg(tr("Restoring makes <b>%1</b> as it was right after the change of %2 by %3. It will:")
                                   .arg(plan.value.current.campaign.code.toHtmlEscaped(), when(changes_.at(row).at),
                                        changes_.at(row).actor.toHtmlEscaped()))
                      + toHtml(plan.value.effect)
                      + QStringLiteral("<p>%1</p>").arg(tr("The restore is recorded as a new change, so it can be undone.")));
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
        QPushButton *go = buttons->addButton(tr("Restore"), QDialogButtonBox::AcceptRole);
        go->setObjectName(QStringLiteral("confirmRestore"));
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        auto *layout = new QVBoxLayout(&dialog);
        layout->addWidget(text);
        layout->addWidget(buttons);
        dialog.resize(520, 360);
        if (dialog.exec() != QDialog::Accepted)
            return false;
    }
    const auto result = restorer.restore(campaignId_, changeId, {});
    if (!result.ok()) {
        Q_EMIT message(tr("Not restored: %1").arg(result.message));
        return false;
    }
    Q_EMIT restored(campaignId_, result.changeId);
    refresh();
    return true;
}

} // namespace adserve
