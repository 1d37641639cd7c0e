#include "DayPartingGrid.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace adserve {

namespace {

constexpr int kPadding = 6;
const char *const kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

QString dayName(int day)
{
    return QString::fromLatin1(kDayNames[day]);
}

QString twoDigits(int hour)
{
    return QStringLiteral("%1").arg(hour, 2, 10, QLatin1Char('0'));
}

size_t slot(const QPoint &cell)
{
    return size_t(cell.y() * 24 + cell.x());
}

// The i-th of `count` boundaries spread over `length`: integer edges so the cells tile exactly.
int edge(int start, int length, int count, int i)
{
    return start + i * length / count;
}

} // namespace

DayPartingGrid::DayPartingGrid(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true); // for the hover highlight of the headers
    setAccessibleName(tr("Day-parting hours"));
    setAccessibleDescription(describeWeekHours(hours_));
}

void DayPartingGrid::setHours(const WeekHours &hours)
{
    if (hours == hours_)
        return;
    hours_ = hours;
    setAccessibleDescription(describeWeekHours(hours_));
    update();
}

void DayPartingGrid::setReadOnly(bool readOnly)
{
    readOnly_ = readOnly;
    dragging_ = false;
    update();
}

QSize DayPartingGrid::headerSize() const
{
    const QFontMetrics fm = fontMetrics();
    int width = 0;
    for (int day = 0; day < 7; ++day)
        width = std::max(width, fm.horizontalAdvance(dayName(day)));
    return {width + 2 * kPadding, fm.height() + kPadding};
}

QRect DayPartingGrid::gridRect() const
{
    const QSize header = headerSize();
    // One pixel less on the right and bottom for the closing grid lines.
    return {header.width(), header.height(), width() - header.width() - 1, height() - header.height() - 1};
}

QRect DayPartingGrid::cellRect(int day, int hour) const
{
    const QRect g = gridRect();
    const int x = edge(g.left(), g.width(), 24, hour);
    const int y = edge(g.top(), g.height(), 7, day);
    return {x, y, edge(g.left(), g.width(), 24, hour + 1) - x, edge(g.top(), g.height(), 7, day + 1) - y};
}

QRect DayPartingGrid::dayHeaderRect(int day) const
{
    const QRect cell = cellRect(day, 0);
    return {0, cell.top(), cell.left(), cell.height()};
}

QRect DayPartingGrid::hourHeaderRect(int hour) const
{
    const QRect cell = cellRect(0, hour);
    return {cell.left(), 0, cell.width(), cell.top()};
}

QRect DayPartingGrid::cornerRect() const
{
    return {QPoint(0, 0), headerSize()};
}

QSize DayPartingGrid::sizeHint() const
{
    const QSize header = headerSize();
    return {header.width() + 24 * 24 + 1, header.height() + 7 * 20 + 1};
}

QSize DayPartingGrid::minimumSizeHint() const
{
    const QSize header = headerSize();
    return {header.width() + 24 * 12 + 1, header.height() + 7 * (fontMetrics().height() + 2) + 1};
}

// The cell under `pos`, or the nearest one when outside: a drag past the edge stops there.
QPoint DayPartingGrid::cellNear(const QPoint &pos) const
{
    const QRect g = gridRect();
    int hour = 0;
    while (hour < 23 && pos.x() >= edge(g.left(), g.width(), 24, hour + 1))
        ++hour;
    int day = 0;
    while (day < 6 && pos.y() >= edge(g.top(), g.height(), 7, day + 1))
        ++day;
    return {hour, day};
}

DayPartingGrid::Target DayPartingGrid::targetAt(const QPoint &pos) const
{
    const QRect g = gridRect();
    const QPoint cell = cellNear(pos);
    const bool inHours = pos.x() >= g.left() && pos.x() <= g.right();
    const bool inDays = pos.y() >= g.top() && pos.y() <= g.bottom();
    if (inHours && inDays)
        return {QRect(cell, QSize(1, 1)), false};
    if (pos.x() < 0 || pos.y() < 0)
        return {};
    if (pos.x() < g.left() && pos.y() < g.top())
        return {QRect(0, 0, 24, 7), true};
    if (pos.x() < g.left() && inDays)
        return {QRect(0, cell.y(), 24, 1), true};
    if (pos.y() < g.top() && inHours)
        return {QRect(cell.x(), 0, 1, 7), true};
    return {};
}

// The rectangle of cells between the press and the pointer; null when not dragging.
QRect DayPartingGrid::dragCells() const
{
    if (!dragging_)
        return {};
    return {QPoint(std::min(anchor_.x(), current_.x()), std::min(anchor_.y(), current_.y())),
            QPoint(std::max(anchor_.x(), current_.x()), std::max(anchor_.y(), current_.y()))};
}

bool DayPartingGrid::allOn(const QRect &cells) const
{
    for (int day = cells.top(); day <= cells.bottom(); ++day) {
        for (int hour = cells.left(); hour <= cells.right(); ++hour) {
            if (!hours_.test(slot({hour, day})))
                return false;
        }
    }
    return true;
}

void DayPartingGrid::apply(const QRect &cells, bool on)
{
    WeekHours next = hours_;
    for (int day = cells.top(); day <= cells.bottom(); ++day) {
        for (int hour = cells.left(); hour <= cells.right(); ++hour)
            next.set(slot({hour, day}), on);
    }
    if (next == hours_)
        return;
    setHours(next);
    Q_EMIT hoursChanged(hours_);
}

void DayPartingGrid::setHover(const Target &hover)
{
    if (hover.cells == hover_.cells && hover.header == hover_.header)
        return;
    hover_ = hover;
    update();
}

bool DayPartingGrid::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const Target target = targetAt(help->pos());
    const QRect cells = target.cells;
    QString text;
    if (!cells.isNull() && !target.header) {
        text = tr("%1 %2:00–%3:00: %4")
                   .arg(dayName(cells.top()), twoDigits(cells.left()), twoDigits(cells.left() + 1),
                        hours_.test(slot(cells.topLeft())) ? tr("serves") : tr("does not serve"));
    } else if (target.header && !readOnly_) {
        if (cells.width() == 24 && cells.height() == 7)
            text = tr("Click to switch every hour on or off");
        else if (cells.width() == 24)
            text = tr("Click to switch all of %1 on or off").arg(dayName(cells.top()));
        else
            text = tr("Click to switch %1:00–%2:00 on or off on every day")
                       .arg(twoDigits(cells.left()), twoDigits(cells.left() + 1));
    }
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(help->globalPos(), text, this);
    return true;
}

void DayPartingGrid::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    // The hours are the campaign's value, not a passing selection: they keep the active colours
    // when the window loses focus.
    const QPalette::ColorGroup group = isEnabled() ? QPalette::Active : QPalette::Disabled;
    const QColor highlight = palette().color(group, QPalette::Highlight);
    const QRect drag = dragCells();
    const auto shownOn = [&](const QPoint &cell) { return drag.contains(cell) ? dragTurnsOn_ : hours_.test(slot(cell)); };
    for (int day = 0; day < 7; ++day) {
        for (int hour = 0; hour < 24; ++hour)
            painter.fillRect(cellRect(day, hour), shownOn({hour, day}) ? highlight : palette().color(group, QPalette::Base));
    }

    const QRect g = gridRect();
    painter.setPen(palette().color(group, QPalette::Mid));
    for (int hour = 0; hour <= 24; ++hour) {
        const int x = edge(g.left(), g.width(), 24, hour);
        painter.drawLine(x, g.top(), x, g.top() + g.height());
    }
    for (int day = 0; day <= 7; ++day) {
        const int y = edge(g.top(), g.height(), 7, day);
        painter.drawLine(g.left(), y, g.left() + g.width(), y);
    }

    // The cells a release or a header click will change.
    const QRect outlined = dragging_ ? drag : (hover_.header && !readOnly_ ? hover_.cells : QRect());
    if (!outlined.isNull()) {
        const QRect area = cellRect(outlined.top(), outlined.left()).united(cellRect(outlined.bottom(), outlined.right()));
        painter.setPen(QPen(highlight.darker(130), 2));
        painter.drawRect(area.adjusted(1, 1, 0, 0));
    }

    if (hasFocus()) {
        const QPalette::ColorRole role = shownOn(focus_) ? QPalette::HighlightedText : QPalette::Text;
        painter.setPen(QPen(palette().color(group, role), 1, Qt::DotLine));
        painter.drawRect(cellRect(focus_.y(), focus_.x()).adjusted(2, 2, -2, -2));
    }

    paintHeaders(painter, group);
}

void DayPartingGrid::paintHeaders(QPainter &painter, QPalette::ColorGroup group)
{
    // The headers of the hovered cell's day and hour light up, to help read the grid.
    QColor hoverShade = palette().color(group, QPalette::Highlight);
    hoverShade.setAlpha(50);
    const QRect hovered = hover_.cells;

    painter.setPen(palette().color(group, QPalette::PlaceholderText));
    painter.drawText(cornerRect(), Qt::AlignCenter, tr("All"));

    painter.setPen(palette().color(group, QPalette::WindowText));
    for (int day = 0; day < 7; ++day) {
        const QRect header = dayHeaderRect(day);
        if (!hovered.isNull() && day >= hovered.top() && day <= hovered.bottom())
            painter.fillRect(header, hoverShade);
        painter.drawText(header.adjusted(kPadding, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, dayName(day));
    }

    // Every hour labelled when the cells are wide enough, else every 2nd, 3rd or 6th.
    const QRect g = gridRect();
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("00")) + 4;
    const int cellWidth = g.width() / 24;
    int step = 1;
    while (step < 6 && step * cellWidth < labelWidth)
        step = step == 3 ? 6 : step + 1;
    for (int hour = 0; hour < 24; ++hour) {
        const QRect header = hourHeaderRect(hour);
        if (!hovered.isNull() && hour >= hovered.left() && hour <= hovered.right())
            painter.fillRect(header, hoverShade);
        if (hour % step != 0)
            continue;
        // Centred on its column, but kept inside the grid where the label is wider than a cell.
        QRect label(0, header.top(), labelWidth, header.height());
        label.moveCenter(QPoint(header.center().x(), label.center().y()));
        label.moveLeft(std::clamp(label.left(), g.left(), g.right() - labelWidth));
        painter.drawText(label, Qt::AlignCenter, twoDigits(hour));
    }
}

void DayPartingGrid::mousePressEvent(QMouseEvent *event)
{
    if (readOnly_ || event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const Target target = targetAt(event->position().toPoint());
    if (target.cells.isNull())
        return;
    if (target.header) {
        apply(target.cells, !allOn(target.cells));
        return;
    }
    dragging_ = true;
    anchor_ = current_ = focus_ = target.cells.topLeft();
    dragTurnsOn_ = !hours_.test(slot(anchor_));
    update();
}

void DayPartingGrid::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    const QPoint cell = cellNear(pos);
    if (dragging_ && cell != current_) {
        current_ = cell;
        update();
    }
    setHover(targetAt(pos));
}

void DayPartingGrid::mouseReleaseEvent(QMouseEvent *event)
{
    if (!dragging_ || event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const QRect cells = dragCells();
    dragging_ = false;
    update();
    apply(cells, dragTurnsOn_);
}

void DayPartingGrid::leaveEvent(QEvent *event)
{
    setHover({});
    QWidget::leaveEvent(event);
}

void DayPartingGrid::keyPressEvent(QKeyEvent *event)
{
    QPoint next = focus_;
    switch (event->key()) {
    case Qt::Key_Left:
        next.rx() -= 1;
        break;
    case Qt::Key_Right:
        next.rx() += 1;
        break;
    case Qt::Key_Up:
        next.ry() -= 1;
        break;
    case Qt::Key_Down:
        next.ry() += 1;
        break;
    case Qt::Key_Space:
        if (!readOnly_)
            apply(QRect(focus_, QSize(1, 1)), !hours_.test(slot(focus_)));
        return;
    case Qt::Key_Escape:
        if (dragging_) { // cancels the drag: the release then changes nothing
            dragging_ = false;
            update();
            return;
        }
        [[fallthrough]];
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    focus_ = {std::clamp(next.x(), 0, 23), std::clamp(next.y(), 0, 6)};
    update();
}

} // namespace adserve
