#pragma once

#include <QLabel>

namespace adserve {

// One line of text that never widens its layout and never changes height: a text longer
// than the width is cut with "…" and shown whole in the tooltip. The line is reserved even
// while empty, so a message that comes and goes moves nothing around it.
class ElidedLabel : public QLabel
{
public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    void setFullText(const QString &text);
    // The whole text, as set (text() is what fits).
    QString fullText() const { return fullText_; }
    // Shown under the whole text in the tooltip.
    void setToolTipNote(const QString &note);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fit();

    QString fullText_;
    QString note_;
};

} // namespace adserve
