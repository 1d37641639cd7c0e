#pragma once

#include "CampaignEditor.h"

#include <QUndoCommand>

namespace adserve {

// One undoable edit: the editor's state before and after. Consecutive edits of the same
// field (typing) merge into one step.
class EditorStateCommand : public QUndoCommand
{
public:
    EditorStateCommand(CampaignEditor &editor, EditorState before, EditorState after, int mergeKey)
        : editor_(editor), before_(std::move(before)), after_(std::move(after)), mergeKey_(mergeKey)
    {
        setText(QObject::tr("edit"));
    }
    void undo() override { editor_.setState(before_); }
    void redo() override
    {
        // The first redo is the edit the user just made: the form already shows it.
        if (!firstRedo_)
            editor_.setState(after_);
        firstRedo_ = false;
    }
    int id() const override { return mergeKey_; }
    bool mergeWith(const QUndoCommand *other) override
    {
        after_ = static_cast<const EditorStateCommand *>(other)->after_;
        return true;
    }

private:
    CampaignEditor &editor_;
    EditorState before_, after_;
    int mergeKey_;
    bool firstRedo_ = true;
};

} // namespace adserve
