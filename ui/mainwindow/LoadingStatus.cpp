#include "LoadingStatus.h"

#include "session/StudioSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>

namespace adserve {

LoadingStatus::LoadingStatus(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , text_(new QLabel(this))
    , bar_(new QProgressBar(this))
    , retry_(new QPushButton(tr("Retry"), this))
    , poll_(new QTimer(this))
{
    setObjectName(QStringLiteral("loadingStatus"));
    text_->setObjectName(QStringLiteral("loadingText"));
    bar_->setObjectName(QStringLiteral("loadingProgress"));
    retry_->setObjectName(QStringLiteral("retryLoading"));
    bar_->setMaximumWidth(160);
    bar_->setTextVisible(false);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(text_);
    layout->addWidget(bar_);
    layout->addWidget(retry_);
    poll_->setInterval(250);
    connect(poll_, &QTimer::timeout, this, &LoadingStatus::showProgress);
    connect(retry_, &QPushButton::clicked, this, [this] {
        session_.retryLoading();
        showProgress();
        poll_->start();
    });
    connect(&session_, &StudioSession::indexLoaded, this, [this] {
        poll_->stop();
        hide();
    });
    connect(&session_, &StudioSession::indexLoadFailed, this, &LoadingStatus::showFailure);
    session_.forEachEngine(this, [this] {
        if (session_.isLoaded()) {
            hide();
            return;
        }
        showProgress();
        poll_->start();
    });
}

void LoadingStatus::showProgress()
{
    const Engine::LoadProgress progress = session_.engine().loadProgress();
    const QLocale locale;
    // Until the store said how many campaigns it has, the bar just says "busy".
    bar_->setRange(0, progress.total > 0 ? 1000 : 0);
    bar_->setValue(progress.total > 0 ? int(1000 * progress.read / progress.total) : 0);
    text_->setText(progress.total > 0 ? tr("Loading campaigns: %1 of %2").arg(locale.toString(progress.read),
                                                                              locale.toString(progress.total))
                                      : tr("Loading campaigns…"));
    text_->setToolTip(tr("The campaigns table, the Simulator and the embedded server work with the store's campaigns "
                         "once they are loaded"));
    bar_->show();
    retry_->hide();
    show();
}

void LoadingStatus::showFailure(const QString &error)
{
    poll_->stop();
    text_->setText(tr("Campaigns not loaded: %1").arg(error));
    text_->setToolTip(error);
    bar_->hide();
    retry_->show();
    show();
}

} // namespace adserve
