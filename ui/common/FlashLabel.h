#pragma once

#include <QLabel>

class QTimer;

namespace adserve {

// A short confirmation beside the button that caused it ("Copied"), gone after a few seconds.
class FlashLabel : public QLabel
{
    Q_OBJECT
public:
    explicit FlashLabel(QWidget *parent = nullptr);
    void flash(const QString &text, int milliseconds = 4000);

private:
    QTimer *clear_;
};

} // namespace adserve
