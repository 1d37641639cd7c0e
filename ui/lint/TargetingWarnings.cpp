#include "TargetingWarnings.h"

#include "common/ElidedLabel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QStyle>
#include <QToolButton>

namespace adserve {

TargetingWarnings::TargetingWarnings(QWidget *parent)
    : QWidget(parent)
    , icon_(new QLabel(this))
    , text_(new ElidedLabel(this))
    , fix_(new QToolButton(this))
    , all_(new QToolButton(this))
{
    setObjectName(QStringLiteral("targetingWarnings"));
    text_->setObjectName(QStringLiteral("targetingWarningText"));
    fix_->setObjectName(QStringLiteral("fixTargetingWarning"));
    all_->setObjectName(QStringLiteral("allTargetingWarnings"));
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon_->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize, iconSize));
    icon_->setFixedWidth(iconSize);
    fix_->setText(tr("Fix"));
    all_->setPopupMode(QToolButton::InstantPopup);
    all_->setMenu(new QMenu(all_));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(icon_);
    layout->addWidget(text_, 1);
    layout->addWidget(fix_);
    layout->addWidget(all_);
    // Room for the buttons even while there are none: the form never moves.
    setFixedHeight(sizeHint().height());

    connect(fix_, &QToolButton::clicked, this, [this] {
        for (qsizetype i = 0; i < findings_.size(); ++i) {
            if (findings_[i].fixable) {
                fix(i);
                return;
            }
        }
    });
    refresh();
}

void TargetingWarnings::setRules(const QList<TargetRule> &rules)
{
    rules_ = rules;
    findings_ = TargetingLint::check(rules);
    refresh();
}

bool TargetingWarnings::fix(qsizetype index)
{
    if (index < 0 || index >= findings_.size())
        return false;
    const auto rules = TargetingLint::fix(rules_, findings_.at(index));
    if (rules)
        Q_EMIT fixed(*rules);
    return rules.has_value();
}

bool TargetingWarnings::fixAll()
{
    std::optional<QList<TargetRule>> rules;
    for (int k = 0; k < TargetingLint::kKindCount; ++k) {
        if (auto next = TargetingLint::fixAll(rules.value_or(rules_), LintFinding::Kind(k)))
            rules = std::move(next);
    }
    if (rules)
        Q_EMIT fixed(*rules);
    return rules.has_value();
}

void TargetingWarnings::refresh()
{
    const auto first = std::find_if(findings_.cbegin(), findings_.cend(), [](const LintFinding &f) { return f.fixable; });
    const LintFinding *shown = first != findings_.cend() ? &*first : findings_.isEmpty() ? nullptr : &findings_.first();
    icon_->setVisible(shown != nullptr);
    text_->setToolTipNote(shown ? tr("(a warning, not an error: the campaign can be saved as it is)") : QString());
    text_->setFullText(shown ? shown->message : tr("No targeting warnings"));
    text_->setStyleSheet(shown ? QString() : QStringLiteral("color: palette(mid)"));
    fix_->setVisible(shown && shown->fixable);
    fix_->setToolTip(shown && shown->fixable ? (shown->suggestion.isEmpty() ? tr("Remove \"%1\"").arg(shown->value)
                                                                              : tr("Write \"%1\"").arg(shown->suggestion))
                                             : QString());
    all_->setVisible(!findings_.isEmpty());
    all_->setText(tr("%n warning(s)", nullptr, int(findings_.size())));
    QMenu *menu = all_->menu();
    menu->clear();
    bool anyFixable = false;
    for (qsizetype i = 0; i < findings_.size(); ++i) {
        const LintFinding &finding = findings_.at(i);
        QAction *action = menu->addAction(finding.fixable ? tr("Fix: %1").arg(finding.message) : finding.message,
                                          this, [this, i] { fix(i); });
        action->setEnabled(finding.fixable);
        anyFixable = anyFixable || finding.fixable;
    }
    if (anyFixable) {
        menu->addSeparator();
        menu->addAction(tr("Fix all"), this, &TargetingWarnings::fixAll)->setObjectName(QStringLiteral("fixAllTargetingWarnings"));
    }
}

} // namespace adserve
