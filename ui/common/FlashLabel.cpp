#include "FlashLabel.h"

#include <QTimer>

namespace adserve {

FlashLabel::FlashLabel(QWidget *parent)
    : QLabel(parent)
    , clear_(new QTimer(this))
{
    clear_->setSingleShot(true);
    connect(clear_, &QTimer::timeout, this, &QLabel::clear);
}

void FlashLabel::flash(const QString &text, int milliseconds)
{
    setText(text);
    clear_->start(milliseconds);
}

} // namespace adserve
