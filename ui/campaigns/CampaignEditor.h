#pragma once

#include "CampaignCatalog.h"
#include "ServingTimesEditor.h"
#include "model/Campaign.h"
#include "store/StoreResult.h"

#include <QHash>
#include <QWidget>

#include <array>
#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QUndoStack;

namespace adserve {

class FieldErrorLabel;
class ReachImpactLabel;
class ServingStatusLabel;
class StudioSession;
class TargetingWarnings;
class ValueListEditor;

// What the editor shows: the campaign's fields, per dimension one INCLUDE and one EXCLUDE
// list, and its priority, flight and day-parting. Undo/redo steps between such states.
struct EditorState
{
    QString code, name, image, cta, status = kStatusActive;
    std::array<std::array<QStringList, 2>, kDimensionCount> lists; // [dimension][include, exclude]
    ServingFields serving;
    bool operator==(const EditorState &) const = default;
};

// Edits one campaign, its targeting and when it serves, with validation messages at the
// fields (and a mark on the tab holding them), a line saying when it serves, undo/redo,
// and a save that never overwrites a change someone else made meanwhile: the store's
// update is conditional on the updated_at the editor read, and a conflict is shown with
// the choice to reload.
class CampaignEditor : public QWidget
{
    Q_OBJECT
public:
    explicit CampaignEditor(StudioSession &session, QWidget *parent = nullptr);
    ~CampaignEditor() override;

    void load(const CampaignWithRules &campaign);
    // A new, unsaved campaign (optionally a copy of another).
    void startNew(const CampaignWithRules &from = {});
    void clear();

    qint64 campaignId() const { return original_.campaign.id; }
    // The campaign as last loaded or saved, before the edits.
    const CampaignWithRules &original() const { return original_; }
    bool hasCampaign() const { return loaded_; }
    bool isDirty() const;
    // The campaign as edited, with rules rebuilt from the lists.
    CampaignWithRules edited() const;
    // The campaigns as last read, for the "unique code" check at the field.
    void setCodeOwners(std::shared_ptr<const CampaignCatalog> campaigns) { codeOwners_ = std::move(campaigns); }

    // Saves through the store; false when invalid, in conflict or failed (all shown).
    bool save();
    // Re-reads the campaign from the store, dropping the edits.
    void reload();
    // Shown field messages, "" when none: for tests and tooltips.
    QString fieldError(const QString &field) const;
    QString conflictMessage() const;
    // What is being edited, for the window's title: the code as typed ("" when nothing is).
    QString documentName() const;
    // The editor's own undo and redo (Ctrl+Z, Ctrl+Shift+Z anywhere in the editor), for menus.
    QAction *undoAction() const { return undoAction_; }
    QAction *redoAction() const { return redoAction_; }

Q_SIGNALS:
    // Saved as change `changeId` of the change log.
    void saved(qint64 campaignId, qint64 changeId);
    // The form changed: an edit, an undo or redo, a save, a revert, another campaign loaded.
    void modifiedChanged(bool modified);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    friend class EditorStateCommand;
    EditorState readForm() const;
    void formEdited(int mergeKey);
    // Shows the messages at the fields; true when there are none.
    bool validate();
    // Save with messages: the focus goes to the first field with one (its tab shown).
    void focusFirstError();
    // The headline, marked while there are unsaved edits.
    void showTitle();
    void showErrors(const QList<FieldError> &errors, const QString &general = {});
    void setState(const EditorState &state);
    ValueListEditor *list(Dimension d, RuleType t) const { return lists_[size_t(d)][t == RuleType::Include ? 0 : 1]; }

    StudioSession &session_;
    CampaignWithRules original_;
    bool loaded_ = false;
    EditorState state_;
    bool applying_ = false;
    std::shared_ptr<const CampaignCatalog> codeOwners_ = CampaignCatalog::make({});
    // Index of each rule of edited() -> the list it came from.
    mutable QList<std::pair<Dimension, RuleType>> ruleOrigins_;

    QLabel *title_;
    QString headline_;
    QLineEdit *code_, *name_, *image_, *cta_;
    QComboBox *status_;
    ServingStatusLabel *servingStatus_;
    QHash<QString, FieldErrorLabel *> errors_;
    QList<std::pair<QString, QWidget *>> fieldOrder_; // the form's fields, top to bottom, by error key
    QTabWidget *tabs_; // targeting, serving times
    std::array<std::array<ValueListEditor *, 2>, kDimensionCount> lists_{};
    ServingTimesEditor *serving_;
    TargetingWarnings *warnings_; // the linter, as the targeting is typed
    ReachImpactLabel *impact_;    // the reach before and after the edits
    std::optional<std::pair<QList<TargetRule>, QList<TargetRule>>> impactTargeting_; // what impact_ counted
    FieldErrorLabel *general_;
    QWidget *conflict_;
    QLabel *conflictText_;
    QPushButton *save_, *revert_;
    QUndoStack *undo_;
    QAction *undoAction_;
    QAction *redoAction_;
};

} // namespace adserve
