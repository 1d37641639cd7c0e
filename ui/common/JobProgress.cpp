#include "JobProgress.h"

#include "BackgroundJob.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace adserve {

JobProgress::JobProgress(BackgroundJob &job, QWidget *parent)
    : QWidget(parent)
    , title_(new QLabel(this))
    , bar_(new QProgressBar(this))
    , cancel_(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("jobProgress"));
    cancel_->setObjectName(QStringLiteral("cancelJob"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(bar_, 1);
    layout->addWidget(cancel_);
    setVisible(false);

    connect(cancel_, &QPushButton::clicked, &job, &BackgroundJob::cancel);
    connect(&job, &BackgroundJob::started, this, [this](const QString &title) {
        title_->setText(title);
        bar_->setRange(0, 0); // busy until the first figure arrives
        setVisible(true);
    });
    connect(&job, &BackgroundJob::progressed, this, [this](qint64 done, qint64 total) {
        if (total <= 0)
            return;
        // QProgressBar takes ints: show per-mille for very large totals.
        bar_->setRange(0, 1000);
        bar_->setValue(int(done * 1000 / total));
        bar_->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
    });
    connect(&job, &BackgroundJob::finished, this, [this] { setVisible(false); });
}

} // namespace adserve
