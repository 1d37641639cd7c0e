#pragma once

#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

namespace adserve {

// Keeps what the user set in widgets from one run of the studio to the next, in QSettings
// under "remembered/<key>": a line edit's or a combo box's text, a spin box's value, a check
// or radio button, a tab widget's tab, a splitter's sizes, a header's column widths and sort,
// a main window's geometry and state. restore() once the widgets exist, save() before they go.
class WidgetMemory
{
public:
    // Settings keys start with this (tests clear it).
    static QString group() { return QStringLiteral("remembered"); }

    void keep(QWidget *widget, const QString &key);
    // Widgets with nothing remembered stay as they are.
    void restore() const;
    void save() const;

private:
    QList<std::pair<QPointer<QWidget>, QString>> widgets_;
};

} // namespace adserve
