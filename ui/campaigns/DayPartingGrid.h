#pragma once

#include "model/ServingTimes.h"

#include <QWidget>

namespace adserve {

// The hours of a week a campaign serves in, as a 7 × 24 grid the user paints with the mouse:
// a press on an off cell turns on, on an on cell turns off, the rectangle dragged over (shown
// while dragging, applied on release). The day, hour and corner headers toggle a row, a column
// or everything; the arrow keys move a focus cell and Space toggles it. Each finished gesture
// is one hoursChanged, so one undo step for the editor.
class DayPartingGrid : public QWidget
{
    Q_OBJECT
public:
    explicit DayPartingGrid(QWidget *parent = nullptr);

    WeekHours hours() const { return hours_; }
    // Does not emit hoursChanged: that is for the user's changes.
    void setHours(const WeekHours &hours);
    bool isReadOnly() const { return readOnly_; }
    void setReadOnly(bool readOnly);

    // Geometry, for hit-testing and for tests. Day 0 is Monday.
    QRect cellRect(int day, int hour) const;
    QRect dayHeaderRect(int day) const;
    QRect hourHeaderRect(int hour) const;
    QRect cornerRect() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void hoursChanged(const adserve::WeekHours &hours);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    // Cells are addressed as QPoint(hour, day), so a QRect of cells matches the screen.
    struct Target
    {
        QRect cells; // null: outside the grid and its headers
        bool header = false;
    };

    QSize headerSize() const;
    QRect gridRect() const;
    Target targetAt(const QPoint &pos) const;
    QPoint cellNear(const QPoint &pos) const;
    QRect dragCells() const;
    bool allOn(const QRect &cells) const;
    void apply(const QRect &cells, bool on);
    void setHover(const Target &hover);
    void paintHeaders(QPainter &painter, QPalette::ColorGroup group);

    WeekHours hours_;
    bool readOnly_ = false;
    bool dragging_ = false;
    bool dragTurnsOn_ = false;
    QPoint anchor_;  // where the drag began
    QPoint current_; // the cell under the pointer while dragging
    QPoint focus_;   // the keyboard's cell
    Target hover_;
};

} // namespace adserve
