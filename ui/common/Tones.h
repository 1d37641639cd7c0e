#pragma once

#include <QColor>
#include <QString>

class QPalette;
class QWidget;

namespace adserve {

// The studio's few meaningful colours, readable in a light and a dark theme alike: text
// colours follow the theme in use (Theme re-applies them when it changes), and tints are
// translucent, so a cell's background says good or bad over either base while its text
// keeps the theme's colour.
namespace Tones {

enum Tone { Good, Bad, Warn, Info, Muted };

QColor text(Tone tone); // for the studio's palette
QColor text(Tone tone, const QPalette &palette);
QColor tint(Tone tone);
// "color: …" for a style sheet.
QString textStyle(Tone tone);
QString tintStyle(Tone tone);
// Colours a widget's text and keeps it coloured across theme changes.
void setTextTone(QWidget *widget, Tone tone);
// Re-applies the text tones of every widget after a theme change.
void reapplyAll();

} // namespace Tones

} // namespace adserve
