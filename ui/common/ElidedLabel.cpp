#include "ElidedLabel.h"

namespace adserve {

ElidedLabel::ElidedLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
}

void ElidedLabel::setFullText(const QString &text)
{
    fullText_ = text;
    fit();
}

void ElidedLabel::setToolTipNote(const QString &note)
{
    note_ = note;
    fit();
}

QSize ElidedLabel::sizeHint() const
{
    return {fontMetrics().horizontalAdvance(fullText_), fontMetrics().height()};
}

QSize ElidedLabel::minimumSizeHint() const
{
    return {0, fontMetrics().height()};
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    fit();
}

void ElidedLabel::fit()
{
    const QString shown = fontMetrics().elidedText(fullText_, Qt::ElideRight, std::max(contentsRect().width(), 40));
    setText(shown);
    const bool cut = shown != fullText_;
    QStringList tip;
    if (cut)
        tip.append(fullText_);
    if (!fullText_.isEmpty() && !note_.isEmpty())
        tip.append(note_);
    setToolTip(tip.join(QLatin1Char('\n')));
}

} // namespace adserve
