#include "BulkEditDialog.h"

#include "common/BackgroundJob.h"
#include "common/ValueCatalog.h"
#include "reach/ReachImpactLabel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace adserve {

BulkEditDialog::BulkEditDialog(std::shared_ptr<const CampaignCatalog> catalog, QList<qint64> selected,
                               QList<qint64> filtered, ValueCatalog &values, RecordedTrafficSource &traffic,
                               QWidget *parent)
    : QDialog(parent)
    , catalog_(std::move(catalog))
    , selected_(std::move(selected))
    , filtered_(std::move(filtered))
    , action_(new QComboBox(this))
    , dimension_(new QComboBox(this))
    , ruleType_(new QComboBox(this))
    , value_(new QLineEdit(this))
    , onSelection_(new QRadioButton(this))
    , onFiltered_(new QRadioButton(this))
    , preview_(new QLabel(this))
    , reach_(new ReachImpactLabel(traffic, ReachImpact::Counting::ServingNow, this))
    , previewSoon_(new QTimer(this))
{
    setObjectName(QStringLiteral("bulkEditDialog"));
    setWindowTitle(tr("Bulk edit"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 60); // the preview reads on a few lines
    const QLocale locale;
    action_->setObjectName(QStringLiteral("bulkAction"));
    action_->addItem(tr("Deactivate"), int(BulkEdit::Action::Deactivate));
    action_->addItem(tr("Activate"), int(BulkEdit::Action::Activate));
    action_->addItem(tr("Delete"), int(BulkEdit::Action::Delete));
    action_->addItem(tr("Add a targeting value"), int(BulkEdit::Action::AddValue));
    action_->addItem(tr("Remove a targeting value"), int(BulkEdit::Action::RemoveValue));
    dimension_->setObjectName(QStringLiteral("bulkDimension"));
    for (Dimension dimension : kDimensions)
        dimension_->addItem(dimensionName(dimension), int(dimension));
    ruleType_->setObjectName(QStringLiteral("bulkRuleType"));
    ruleType_->addItem(tr("to the EXCLUDE rules"), int(RuleType::Exclude));
    ruleType_->addItem(tr("to the INCLUDE rules"), int(RuleType::Include));
    value_->setObjectName(QStringLiteral("bulkValue"));
    value_->setPlaceholderText(tr("a value, e.g. US"));
    onSelection_->setObjectName(QStringLiteral("bulkOnSelection"));
    onSelection_->setText(tr("the %1 selected campaigns").arg(locale.toString(selected_.size())));
    onSelection_->setEnabled(!selected_.isEmpty());
    onFiltered_->setObjectName(QStringLiteral("bulkOnFiltered"));
    onFiltered_->setText(tr("all %1 campaigns the table shows").arg(locale.toString(filtered_.size())));
    (selected_.isEmpty() ? onFiltered_ : onSelection_)->setChecked(true);
    preview_->setObjectName(QStringLiteral("bulkPreview"));
    preview_->setWordWrap(true);
    preview_->setMinimumHeight(3 * fontMetrics().height()); // nothing moves as it changes
    reach_->setObjectName(QStringLiteral("bulkReach"));
    reach_->setMinimumHeight(3 * fontMetrics().height()); // its three lines: the dialog never jumps

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    apply_ = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    apply_->setObjectName(QStringLiteral("bulkApply"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("Edit"), action_);
    form->addRow(tr("Dimension"), dimension_);
    form->addRow(tr("Rules"), ruleType_);
    form->addRow(tr("Value"), value_);
    auto *scope = new QVBoxLayout;
    scope->addWidget(onSelection_);
    scope->addWidget(onFiltered_);
    form->addRow(tr("Campaigns"), scope);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(preview_);
    layout->addWidget(reach_);
    layout->addWidget(buttons);

    previewSoon_->setSingleShot(true);
    previewSoon_->setInterval(150);
    connect(previewSoon_, &QTimer::timeout, this, &BulkEditDialog::preview);
    for (QComboBox *combo : {action_, dimension_, ruleType_})
        connect(combo, &QComboBox::currentIndexChanged, this, &BulkEditDialog::inputsChanged);
    connect(dimension_, &QComboBox::currentIndexChanged, this, [this, &values] {
        value_->setCompleter(values.completer(Dimension(dimension_->currentData().toInt()), value_));
    });
    value_->setCompleter(values.completer(Dimension::Country, value_));
    connect(value_, &QLineEdit::textChanged, this, &BulkEditDialog::inputsChanged);
    connect(onSelection_, &QRadioButton::toggled, this, &BulkEditDialog::inputsChanged);
    inputsChanged();
}

BulkEdit BulkEditDialog::edit() const
{
    BulkEdit edit;
    edit.action = BulkEdit::Action(action_->currentData().toInt());
    edit.dimension = Dimension(dimension_->currentData().toInt());
    edit.ruleType = RuleType(ruleType_->currentData().toInt());
    edit.value = value_->text().trimmed();
    return edit;
}

const QList<qint64> &BulkEditDialog::ids() const
{
    return onSelection_->isChecked() ? selected_ : filtered_;
}

QString BulkEditDialog::previewText() const
{
    return preview_->text();
}

bool BulkEditDialog::isPreviewShown() const
{
    return apply_->isEnabled();
}

void BulkEditDialog::inputsChanged()
{
    const BulkEdit e = edit();
    const bool byValue = e.action == BulkEdit::Action::AddValue || e.action == BulkEdit::Action::RemoveValue;
    dimension_->setEnabled(byValue);
    value_->setEnabled(byValue);
    ruleType_->setEnabled(e.action == BulkEdit::Action::AddValue);
    const bool complete = !ids().isEmpty() && (!byValue || !e.value.isEmpty());
    apply_->setEnabled(false); // until the preview of these inputs is shown
    ++previewsAsked_;
    preview_->setText(complete ? tr("Working out what it does…") : tr("Choose a value."));
    if (!complete) {
        reach_->clear();
        return;
    }
    previewSoon_->start();
    reach_->compare([catalog = catalog_, ids = ids(), e] {
        ReachImpactLabel::Campaigns campaigns;
        for (qint64 id : ids) {
            if (const qsizetype index = catalog->indexOf(id); index >= 0) {
                const CampaignWithRules campaign = catalog->at(index);
                campaigns.before.append(campaign);
                campaigns.after.append(e.applyTo(campaign).value_or(campaign));
            }
        }
        return campaigns;
    });
}

void BulkEditDialog::preview()
{
    const int asked = previewsAsked_;
    QtConcurrent::run(BackgroundJob::pool(), [catalog = catalog_, ids = ids(), edit = edit()] {
        BulkEditPreview counts;
        for (qint64 id : ids) {
            if (const qsizetype index = catalog->indexOf(id); index >= 0)
                counts.count(edit, catalog->at(index));
        }
        return counts.describe(edit);
    }).then(this, [this, asked](const QString &text) {
        if (asked != previewsAsked_)
            return; // the inputs changed meanwhile
        preview_->setText(text);
        apply_->setEnabled(true);
    });
}

} // namespace adserve
