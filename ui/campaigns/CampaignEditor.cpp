#include "CampaignEditor.h"

#include "EditorStateCommand.h"
#include "FieldErrorLabel.h"
#include "ServingStatusLabel.h"
#include "ValueListEditor.h"
#include "common/Tones.h"
#include "common/ValueCatalog.h"
#include "lint/TargetingWarnings.h"
#include "model/CampaignValidator.h"
#include "reach/ReachImpactLabel.h"
#include "session/StudioSession.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace adserve {

namespace {

// Merge keys: one per text field, then the serving editor's from ServingKeys on; list
// edits never merge (-1).
enum MergeKey { CodeKey = 1, NameKey, ImageKey, CtaKey, ServingKeys };

// The object name of one targeting list, and the field its validation messages go to.
QString listName(Dimension d, RuleType t)
{
    return dimensionName(d) + QLatin1Char('.') + ruleTypeName(t).toLower();
}

// The platform's keys for undo and redo, and Ctrl+Shift+Z for redo on every platform.
QList<QKeySequence> historyKeys(QKeySequence::StandardKey which)
{
    QList<QKeySequence> keys = QKeySequence::keyBindings(which);
    const QKeySequence redo(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);
    if (which == QKeySequence::Redo && !keys.contains(redo))
        keys.prepend(redo);
    return keys;
}

QWidget *withError(QWidget *field, FieldErrorLabel *error)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    layout->addWidget(field);
    layout->addWidget(error);
    return box;
}

} // namespace

CampaignEditor::CampaignEditor(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , title_(new QLabel(this))
    , code_(new QLineEdit(this))
    , name_(new QLineEdit(this))
    , image_(new QLineEdit(this))
    , cta_(new QLineEdit(this))
    , status_(new QComboBox(this))
    , servingStatus_(new ServingStatusLabel(this))
    , tabs_(new QTabWidget(this))
    , serving_(new ServingTimesEditor(this))
    , warnings_(new TargetingWarnings(this))
    , impact_(new ReachImpactLabel(session.recordedTraffic(), ReachImpact::Counting::TargetingAlone, this))
    , general_(new FieldErrorLabel(QStringLiteral("general"), this))
    , conflict_(new QWidget(this))
    , conflictText_(new QLabel(conflict_))
    , save_(new QPushButton(tr("Save"), this))
    , revert_(new QPushButton(tr("Revert"), this))
    , undo_(new QUndoStack(this))
{
    setObjectName(QStringLiteral("campaignEditor"));
    code_->setObjectName(QStringLiteral("code"));
    name_->setObjectName(QStringLiteral("name"));
    image_->setObjectName(QStringLiteral("image"));
    cta_->setObjectName(QStringLiteral("cta"));
    status_->setObjectName(QStringLiteral("status"));
    save_->setObjectName(QStringLiteral("save"));
    revert_->setObjectName(QStringLiteral("revert"));
    conflict_->setObjectName(QStringLiteral("conflict"));
    tabs_->setObjectName(QStringLiteral("editorTabs"));
    serving_->setObjectName(QStringLiteral("servingTimes"));
    impact_->setObjectName(QStringLiteral("reachImpact"));
    status_->addItems({kStatusActive, kStatusInactive});
    image_->setPlaceholderText(QStringLiteral("https://…"));

    // When it serves goes beside the status, which decides it first.
    auto *statusRow = new QWidget(this);
    auto *statusLayout = new QHBoxLayout(statusRow);
    statusLayout->setContentsMargins(0, 0, 0, 0);
    statusLayout->addWidget(status_);
    statusLayout->addWidget(servingStatus_, 1);

    auto *form = new QFormLayout;
    const auto addField = [&](const QString &label, QWidget *field, const QString &key) {
        auto *error = new FieldErrorLabel(key, this);
        errors_.insert(key, error);
        fieldOrder_.append({key, field});
        form->addRow(label, withError(field, error));
    };
    addField(tr("Code"), code_, QStringLiteral("code"));
    addField(tr("Name"), name_, QStringLiteral("name"));
    addField(tr("Image URL"), image_, QStringLiteral("image"));
    addField(tr("CTA"), cta_, QStringLiteral("cta"));
    statusRow->setFocusProxy(status_);
    addField(tr("Status"), statusRow, QStringLiteral("status"));

    // Targeting and serving times as tabs: together they are taller than the editor's
    // side of the splitter.
    auto *targeting = new QWidget(tabs_);
    auto *grid = new QGridLayout(targeting);
    for (Dimension d : kDimensions) {
        const int row = int(d);
        grid->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(dimensionName(d)), targeting), row, 0, Qt::AlignTop);
        for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
            auto *editor = new ValueListEditor(ruleTypeName(t), session_.valueCatalog().completer(d, targeting),
                                               targeting);
            editor->setObjectName(listName(d, t));
            lists_[size_t(d)][t == RuleType::Include ? 0 : 1] = editor;
            grid->addWidget(editor, row, t == RuleType::Include ? 1 : 2);
            connect(editor, &ValueListEditor::changed, this, [this] { formEdited(-1); });
        }
    }
    grid->addWidget(warnings_, kDimensionCount, 0, 1, 3);
    grid->addWidget(impact_, kDimensionCount + 1, 0, 1, 3);
    connect(warnings_, &TargetingWarnings::fixed, this, [this](const QList<TargetRule> &rules) {
        for (Dimension d : kDimensions) {
            for (RuleType t : {RuleType::Include, RuleType::Exclude})
                list(d, t)->setValues(TargetingLint::valuesOf(rules, d, t));
        }
        formEdited(-1);
    });

    auto *servingPage = new QWidget(tabs_);
    auto *servingLayout = new QVBoxLayout(servingPage);
    servingLayout->addWidget(serving_);
    servingLayout->addStretch(1);
    tabs_->addTab(targeting, tr("Targeting"));
    tabs_->addTab(servingPage, tr("Serving"));
    tabs_->setTabToolTip(1, tr("Priority, flight and day-parting"));

    auto *conflictLayout = new QHBoxLayout(conflict_);
    auto *reloadButton = new QPushButton(tr("Reload (drop my edits)"), conflict_);
    reloadButton->setObjectName(QStringLiteral("reloadAfterConflict"));
    conflictText_->setWordWrap(true);
    conflictLayout->addWidget(conflictText_, 1);
    conflictLayout->addWidget(reloadButton);
    conflict_->setStyleSheet(Tones::tintStyle(Tones::Warn));
    conflict_->setVisible(false);
    connect(reloadButton, &QPushButton::clicked, this, &CampaignEditor::reload);

    // Undo and redo: a button each, and the shortcut while the focus is in the editor.
    const auto historyButton = [this](const QString &name, QAction *action, QKeySequence::StandardKey shortcut) {
        auto *button = new QToolButton(this);
        button->setObjectName(name);
        button->setDefaultAction(action);
        action->setObjectName(name + QStringLiteral("Edit"));
        action->setShortcuts(historyKeys(shortcut));
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        return button;
    };
    undoAction_ = undo_->createUndoAction(this, tr("Undo"));
    redoAction_ = undo_->createRedoAction(this, tr("Redo"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(historyButton(QStringLiteral("undo"), undoAction_, QKeySequence::Undo));
    buttons->addWidget(historyButton(QStringLiteral("redo"), redoAction_, QKeySequence::Redo));
    buttons->addStretch(1);
    buttons->addWidget(revert_);
    buttons->addWidget(save_);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(conflict_);
    layout->addLayout(form);
    layout->addWidget(tabs_);
    layout->addWidget(general_);
    layout->addStretch(1);
    layout->addLayout(buttons);

    connect(code_, &QLineEdit::textEdited, this, [this] { formEdited(CodeKey); });
    connect(name_, &QLineEdit::textEdited, this, [this] { formEdited(NameKey); });
    connect(image_, &QLineEdit::textEdited, this, [this] { formEdited(ImageKey); });
    connect(cta_, &QLineEdit::textEdited, this, [this] { formEdited(CtaKey); });
    connect(status_, &QComboBox::activated, this, [this] { formEdited(-1); });
    connect(serving_, &ServingTimesEditor::edited, this,
            [this](int mergeKey) { formEdited(mergeKey < 0 ? -1 : ServingKeys + mergeKey); });
    connect(save_, &QPushButton::clicked, this, &CampaignEditor::save);
    connect(revert_, &QPushButton::clicked, this, [this] {
        if (original_.campaign.id) {
            reload();
            return;
        }
        // Back to the new campaign as it was started: a copy stays an unsaved copy.
        const bool copy = !original_.campaign.code.isEmpty();
        load(original_);
        if (copy)
            undo_->resetClean();
    });
    connect(undo_, &QUndoStack::cleanChanged, this, [this](bool clean) {
        save_->setEnabled(loaded_);
        revert_->setEnabled(!clean);
        showTitle();
        Q_EMIT modifiedChanged(isDirty());
    });
    // The editor's undo, not a text box's own, wherever the focus is in the editor: the
    // editor's history holds every edit (typing included), a box's only its own text.
    for (QWidget *child : findChildren<QWidget *>())
        child->installEventFilter(this);
    clear();
}

bool CampaignEditor::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const QKeySequence pressed(key->keyCombination());
        if (historyKeys(QKeySequence::Undo).contains(pressed) || historyKeys(QKeySequence::Redo).contains(pressed))
            return true; // not taken by the box: the editor's shortcut fires
    }
    return QWidget::eventFilter(watched, event);
}

QString CampaignEditor::documentName() const
{
    if (!loaded_)
        return {};
    const QString code = code_->text().trimmed();
    return code.isEmpty() ? tr("New campaign") : code;
}

void CampaignEditor::showTitle()
{
    title_->setText(isDirty() ? tr("%1 — <i>modified</i>").arg(headline_) : headline_);
}

CampaignEditor::~CampaignEditor()
{
    // The undo stack reports "clean" while it is destroyed, after the buttons are gone.
    disconnect(undo_, nullptr, this, nullptr);
}

bool CampaignEditor::isDirty() const
{
    return loaded_ && !undo_->isClean();
}

void CampaignEditor::load(const CampaignWithRules &campaign)
{
    original_ = campaign;
    loaded_ = true;
    EditorState state;
    state.code = campaign.campaign.code;
    state.name = campaign.campaign.name;
    state.image = campaign.campaign.image;
    state.cta = campaign.campaign.cta;
    state.status = campaign.campaign.status;
    state.serving = ServingFields::of(campaign.campaign);
    for (const TargetRule &rule : campaign.rules) {
        QStringList &list = state.lists[size_t(rule.dimension)][rule.type == RuleType::Include ? 0 : 1];
        for (const QString &value : rule.values) {
            if (!list.contains(value))
                list.append(value);
        }
    }
    headline_ = campaign.campaign.id
                    ? tr("<b>Campaign %1</b> — updated %2")
                          .arg(campaign.campaign.id)
                          .arg(QLocale().toString(campaign.campaign.updatedAt.toLocalTime(), QLocale::ShortFormat))
                    : tr("<b>New campaign</b> (not saved yet)");
    conflict_->setVisible(false);
    setEnabled(true);
    undo_->clear();
    setState(state);
    undo_->setClean();
    save_->setEnabled(true);
    revert_->setEnabled(false);
    showTitle();
    Q_EMIT modifiedChanged(false);
    validate();
}

void CampaignEditor::startNew(const CampaignWithRules &from)
{
    CampaignWithRules fresh = from;
    fresh.campaign.id = 0;
    fresh.campaign.createdAt = fresh.campaign.updatedAt = {};
    for (TargetRule &rule : fresh.rules) {
        rule.id = 0;
        rule.code.clear();
        rule.campaignId = 0;
    }
    if (!from.campaign.code.isEmpty()) {
        // A copy needs its own code: the first free "<code>-copy[-n]".
        QString code = from.campaign.code + QStringLiteral("-copy");
        for (int n = 2; codeOwners_->idOfCode(code) != 0; ++n)
            code = from.campaign.code + QStringLiteral("-copy-%1").arg(n);
        fresh.campaign.code = code;
    }
    load(fresh);
    if (!from.campaign.code.isEmpty()) {
        // Unsaved copy: dirty from the start.
        undo_->resetClean();
    }
}

void CampaignEditor::clear()
{
    original_ = {};
    loaded_ = false;
    undo_->clear();
    setState({});
    headline_ = tr("Select a campaign, or add one.");
    showTitle();
    Q_EMIT modifiedChanged(false);
    conflict_->setVisible(false);
    showErrors({});
    setEnabled(false);
}

EditorState CampaignEditor::readForm() const
{
    EditorState s;
    s.code = code_->text();
    s.name = name_->text();
    s.image = image_->text();
    s.cta = cta_->text();
    s.status = status_->currentText();
    s.serving = serving_->fields();
    for (Dimension d : kDimensions) {
        s.lists[size_t(d)][0] = list(d, RuleType::Include)->values();
        s.lists[size_t(d)][1] = list(d, RuleType::Exclude)->values();
    }
    return s;
}

void CampaignEditor::setState(const EditorState &state)
{
    applying_ = true;
    // Only touch what differs, so the cursor in the field being typed in stays put.
    const auto setText = [](QLineEdit *edit, const QString &text) {
        if (edit->text() != text)
            edit->setText(text);
    };
    setText(code_, state.code);
    setText(name_, state.name);
    setText(image_, state.image);
    setText(cta_, state.cta);
    status_->setCurrentText(state.status);
    serving_->setFields(state.serving);
    for (Dimension d : kDimensions) {
        list(d, RuleType::Include)->setValues(state.lists[size_t(d)][0]);
        list(d, RuleType::Exclude)->setValues(state.lists[size_t(d)][1]);
    }
    state_ = state;
    applying_ = false;
    validate();
    Q_EMIT modifiedChanged(isDirty()); // an undo or redo may change the code the title shows
}

void CampaignEditor::formEdited(int mergeKey)
{
    if (applying_ || !loaded_)
        return;
    EditorState now = readForm();
    if (now == state_)
        return;
    EditorState before = std::exchange(state_, now);
    undo_->push(new EditorStateCommand(*this, std::move(before), std::move(now), mergeKey));
    validate();
    Q_EMIT modifiedChanged(isDirty());
}

CampaignWithRules CampaignEditor::edited() const
{
    CampaignWithRules c = original_;
    c.campaign.code = state_.code.trimmed();
    c.campaign.name = state_.name.trimmed();
    c.campaign.image = state_.image.trimmed();
    c.campaign.cta = state_.cta.trimmed();
    c.campaign.status = state_.status;
    state_.serving.applyTo(c.campaign);
    c.rules.clear();
    ruleOrigins_.clear();
    for (Dimension d : kDimensions) {
        for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
            const QStringList &values = state_.lists[size_t(d)][t == RuleType::Include ? 0 : 1];
            if (values.isEmpty())
                continue;
            // Keep the id and code of the campaign's first rule of this kind, so an edit
            // updates it rather than replacing it.
            TargetRule rule;
            for (const TargetRule &existing : original_.rules) {
                if (existing.dimension == d && existing.type == t) {
                    rule = existing;
                    break;
                }
            }
            rule.campaignId = c.campaign.id;
            rule.dimension = d;
            rule.type = t;
            rule.values = values;
            c.rules.append(rule);
            ruleOrigins_.append({d, t});
        }
    }
    return c;
}

bool CampaignEditor::validate()
{
    if (!loaded_) {
        showErrors({});
        servingStatus_->setCampaign(std::nullopt);
        warnings_->setRules({});
        impact_->clear();
        impactTargeting_.reset();
        return true;
    }
    const CampaignWithRules c = edited();
    servingStatus_->setCampaign(c.campaign); // follows the edits as the messages do
    warnings_->setRules(c.rules);
    // Reach is the targeting's alone: typing a name does not count it again.
    if (auto targeting = std::make_pair(original_.rules, c.rules); targeting != impactTargeting_) {
        impactTargeting_ = std::move(targeting);
        impact_->compare([before = original_, after = c] {
            return ReachImpactLabel::Campaigns{before.campaign.id ? QList{before} : QList<CampaignWithRules>{}, {after}};
        });
    }
    QList<FieldError> errors = CampaignValidator::validate(c);
    const qint64 owner = codeOwners_->idOfCode(c.campaign.code);
    if (owner && owner != c.campaign.id)
        errors.append({QStringLiteral("code"), tr("is already used by campaign %1").arg(owner)});
    showErrors(errors);
    return errors.isEmpty();
}

void CampaignEditor::showErrors(const QList<FieldError> &errors, const QString &general)
{
    QHash<QString, QStringList> byField;
    for (const FieldError &e : errors) {
        QString field = e.field;
        static const QRegularExpression rulePattern(QStringLiteral("^rules\\[(\\d+)\\]"));
        const auto match = rulePattern.match(field);
        if (match.hasMatch()) {
            const int index = match.captured(1).toInt();
            if (index < ruleOrigins_.size()) {
                const auto [d, t] = ruleOrigins_.at(index);
                field = listName(d, t);
            }
        }
        byField[field].append(e.message);
    }
    for (auto it = errors_.cbegin(); it != errors_.cend(); ++it)
        it.value()->setMessage(byField.take(it.key()).join(QStringLiteral("; ")));
    bool targetingErrors = false;
    for (Dimension d : kDimensions) {
        for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
            const QString text = byField.take(listName(d, t)).join(QStringLiteral("; "));
            list(d, t)->setError(text);
            targetingErrors = targetingErrors || !text.isEmpty();
        }
    }
    // A tab with messages is marked: they are out of sight while the other one is shown.
    // Unmarked tabs hold a blank icon of the same size, so a mark never changes their height.
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    QPixmap blank(tabs_->iconSize());
    blank.fill(Qt::transparent);
    tabs_->setTabIcon(0, targetingErrors ? warning : QIcon(blank));
    tabs_->setTabIcon(1, serving_->takeErrors(byField) ? warning : QIcon(blank));
    QStringList rest{general};
    for (auto it = byField.cbegin(); it != byField.cend(); ++it)
        rest.append(it.key() + QStringLiteral(": ") + it.value().join(QStringLiteral("; ")));
    rest.removeAll(QString());
    general_->setMessage(rest.join(QLatin1Char('\n')));
}

QString CampaignEditor::fieldError(const QString &field) const
{
    if (const FieldErrorLabel *label = errors_.value(field))
        return label->message();
    if (const FieldErrorLabel *label = serving_->errorLabel(field))
        return label->message();
    for (Dimension d : kDimensions) {
        for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
            if (field == listName(d, t))
                return list(d, t)->error();
        }
    }
    return general_->message();
}

QString CampaignEditor::conflictMessage() const
{
    return conflict_->isVisible() ? conflictText_->text() : QString();
}

bool CampaignEditor::save()
{
    if (!loaded_)
        return false;
    if (!validate()) {
        focusFirstError();
        return false;
    }
    const CampaignWithRules c = edited();
    CampaignStore &store = session_.engine().store();
    const auto result = c.campaign.id ? store.update(c, original_.campaign.updatedAt) : store.create(c);
    if (!result.ok()) {
        if (!result.fieldErrors.isEmpty()) {
            showErrors(result.fieldErrors);
        } else if (result.error == StoreError::Conflict || result.error == StoreError::NotFound) {
            // Changed or deleted by someone else since it was read: keep the edits, say so.
            conflictText_->setText(tr("Not saved: %1. Your edits are kept; reload to see the current version.")
                                       .arg(result.message));
            conflict_->setVisible(true);
        } else {
            showErrors({}, tr("Not saved: %1").arg(result.message));
        }
        return false;
    }
    load(result.value);
    Q_EMIT saved(result.value.campaign.id, result.changeId);
    return true;
}

void CampaignEditor::focusFirstError()
{
    for (const auto &[key, field] : std::as_const(fieldOrder_)) {
        if (!errors_.value(key)->message().isEmpty()) {
            field->setFocus(Qt::OtherFocusReason);
            return;
        }
    }
    for (Dimension d : kDimensions) {
        for (RuleType t : {RuleType::Include, RuleType::Exclude}) {
            if (!list(d, t)->error().isEmpty()) {
                tabs_->setCurrentIndex(0);
                list(d, t)->input()->setFocus(Qt::OtherFocusReason);
                return;
            }
        }
    }
    if (QWidget *field = serving_->firstFieldWithError()) {
        tabs_->setCurrentIndex(1);
        field->setFocus(Qt::OtherFocusReason);
    }
}

void CampaignEditor::reload()
{
    if (!original_.campaign.id)
        return;
    const auto current = session_.engine().store().campaign(original_.campaign.id);
    if (!current.ok()) {
        showErrors({}, current.message);
        return;
    }
    load(current.value);
}

} // namespace adserve
