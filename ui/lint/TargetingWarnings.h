#pragma once

#include "model/TargetingLint.h"

#include <QWidget>

class QLabel;
class QToolButton;

namespace adserve {

class ElidedLabel;

// The linter's findings on the targeting being edited, in one line of constant height (it
// never pushes the fields below): the first finding with a one-click Fix, and a menu with
// every finding, each with its fix, and "Fix all". Fixing hands the fixed rules back.
class TargetingWarnings : public QWidget
{
    Q_OBJECT
public:
    explicit TargetingWarnings(QWidget *parent = nullptr);

    // The rules as edited; the findings follow.
    void setRules(const QList<TargetRule> &rules);
    const QList<LintFinding> &findings() const { return findings_; }
    // Fixes the finding at `index` of findings(), or every fixable one; false when none was.
    bool fix(qsizetype index);
    bool fixAll();

Q_SIGNALS:
    // The rules with a fix made: the editor shows them (an undoable edit).
    void fixed(const QList<TargetRule> &rules);

private:
    void refresh();

    QList<TargetRule> rules_;
    QList<LintFinding> findings_;
    QLabel *icon_;
    ElidedLabel *text_;
    QToolButton *fix_;
    QToolButton *all_;
};

} // namespace adserve
