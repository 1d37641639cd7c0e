#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace adserve {

class StudioSession;

// In the status bar while the store's campaigns load: how far the read got, then nothing once
// they are in; if the read failed, why, with a Retry.
class LoadingStatus : public QWidget
{
    Q_OBJECT
public:
    explicit LoadingStatus(StudioSession &session, QWidget *parent = nullptr);

private:
    void showProgress();
    void showFailure(const QString &error);

    StudioSession &session_;
    QLabel *text_;
    QProgressBar *bar_;
    QPushButton *retry_;
    QTimer *poll_;
};

} // namespace adserve
