#include "WidgetMemory.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMainWindow>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>

namespace adserve {

namespace {

QVariant valueOf(const QWidget *widget)
{
    if (const auto *w = qobject_cast<const QMainWindow *>(widget))
        return QVariantList{w->saveGeometry(), w->saveState()};
    if (const auto *w = qobject_cast<const QLineEdit *>(widget))
        return w->text();
    if (const auto *w = qobject_cast<const QComboBox *>(widget))
        return w->currentText();
    if (const auto *w = qobject_cast<const QSpinBox *>(widget))
        return w->value();
    if (const auto *w = qobject_cast<const QAbstractButton *>(widget))
        return w->isChecked();
    if (const auto *w = qobject_cast<const QTabWidget *>(widget))
        return w->currentIndex();
    if (const auto *w = qobject_cast<const QSplitter *>(widget))
        return w->saveState();
    if (const auto *w = qobject_cast<const QHeaderView *>(widget))
        return w->saveState();
    return {};
}

void setValue(QWidget *widget, const QVariant &value)
{
    if (auto *w = qobject_cast<QMainWindow *>(widget)) {
        const QVariantList parts = value.toList();
        if (parts.size() == 2) {
            w->restoreGeometry(parts[0].toByteArray());
            w->restoreState(parts[1].toByteArray());
        }
    } else if (auto *w = qobject_cast<QLineEdit *>(widget)) {
        w->setText(value.toString());
    } else if (auto *w = qobject_cast<QComboBox *>(widget)) {
        if (const int index = w->findText(value.toString()); index >= 0)
            w->setCurrentIndex(index);
        else if (w->isEditable())
            w->setEditText(value.toString());
    } else if (auto *w = qobject_cast<QSpinBox *>(widget)) {
        w->setValue(value.toInt());
    } else if (auto *w = qobject_cast<QAbstractButton *>(widget)) {
        w->setChecked(value.toBool());
    } else if (auto *w = qobject_cast<QTabWidget *>(widget)) {
        w->setCurrentIndex(std::clamp(value.toInt(), 0, w->count() - 1));
    } else if (auto *w = qobject_cast<QSplitter *>(widget)) {
        w->restoreState(value.toByteArray());
    } else if (auto *w = qobject_cast<QHeaderView *>(widget)) {
        // The sort comes back as an indicator only: the view is asked to sort by it.
        if (w->restoreState(value.toByteArray())) {
            if (auto *view = qobject_cast<QTableView *>(w->parentWidget()); view && view->isSortingEnabled())
                view->sortByColumn(w->sortIndicatorSection(), w->sortIndicatorOrder());
        }
    }
}

QString settingsKey(const QString &key)
{
    return WidgetMemory::group() + QLatin1Char('/') + key;
}

} // namespace

void WidgetMemory::keep(QWidget *widget, const QString &key)
{
    widgets_.append({widget, key});
}

void WidgetMemory::restore() const
{
    const QSettings settings;
    for (const auto &[widget, key] : widgets_) {
        if (const QVariant value = settings.value(settingsKey(key)); widget && value.isValid())
            setValue(widget, value);
    }
}

void WidgetMemory::save() const
{
    QSettings settings;
    for (const auto &[widget, key] : widgets_) {
        if (const QVariant value = widget ? valueOf(widget) : QVariant(); value.isValid())
            settings.setValue(settingsKey(key), value);
    }
}

} // namespace adserve
