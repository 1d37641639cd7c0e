#include "Tones.h"

#include <QApplication>
#include <QPalette>
#include <QWidget>

namespace adserve::Tones {

namespace {

const char *const kToneProperty = "adserveTextTone";

QString rgba(const QColor &c)
{
    return QStringLiteral("rgba(%1, %2, %3, %4)").arg(c.red()).arg(c.green()).arg(c.blue()).arg(c.alpha());
}

} // namespace

QColor text(Tone tone)
{
    return text(tone, QApplication::palette());
}

QColor text(Tone tone, const QPalette &palette)
{
    // Each at least 4.5:1 against its kind of base (WCAG AA).
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (tone) {
    case Good: return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x7f, 0x2a);
    case Bad: return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x00, 0x20);
    case Warn: return dark ? QColor(0xff, 0xd5, 0x4f) : QColor(0x8a, 0x5a, 0x00);
    case Info: return dark ? QColor(0x90, 0xca, 0xf9) : QColor(0x15, 0x65, 0xc0);
    case Muted: return palette.color(QPalette::PlaceholderText);
    }
    return {};
}

QColor tint(Tone tone)
{
    switch (tone) {
    case Good: return QColor(76, 175, 80, 72);
    case Bad: return QColor(244, 67, 54, 72);
    case Warn: return QColor(255, 152, 0, 72);
    case Info: return QColor(33, 150, 243, 64);
    case Muted: return QColor(128, 128, 128, 40);
    }
    return {};
}

QString textStyle(Tone tone)
{
    return QStringLiteral("color: %1").arg(text(tone).name());
}

QString tintStyle(Tone tone)
{
    return QStringLiteral("background: %1").arg(rgba(tint(tone)));
}

void setTextTone(QWidget *widget, Tone tone)
{
    widget->setProperty(kToneProperty, int(tone));
    widget->setStyleSheet(textStyle(tone));
}

void reapplyAll()
{
    for (QWidget *widget : QApplication::allWidgets()) {
        if (const QVariant tone = widget->property(kToneProperty); tone.isValid())
            widget->setStyleSheet(textStyle(Tone(tone.toInt())));
    }
}

} // namespace adserve::Tones
