#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace adserve {

class BackgroundJob;

// A progress bar with a Cancel button for one BackgroundJob; hidden while it is idle.
class JobProgress : public QWidget
{
    Q_OBJECT
public:
    explicit JobProgress(BackgroundJob &job, QWidget *parent = nullptr);

private:
    QLabel *title_;
    QProgressBar *bar_;
    QPushButton *cancel_;
};

} // namespace adserve
