#include "PatternDeletionDialog.h"

#include "KeyBrowsing.h"
#include "common/BackgroundJob.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace adserve {

PatternDeletionDialog::PatternDeletionDialog(const QString &suggestion, CacheBackend &backend, CampaignStore &store,
                                             QWidget *parent)
    : QDialog(parent)
    , backend_(backend)
    , store_(store)
    , pattern_(new QLineEdit(suggestion, this))
    , matches_(new QLabel(this))
    , continue_(new QPushButton(tr("Preview the keys…"), this))
    , counter_(new BackgroundJob(this))
    , soon_(new QTimer(this))
{
    setObjectName(QStringLiteral("patternDeletionDialog"));
    setWindowTitle(tr("Delete cache keys by pattern"));
    pattern_->setObjectName(QStringLiteral("deletePattern"));
    pattern_->setPlaceholderText(tr("a Redis pattern (campaign:4*) or a campaign code (*sale*)"));
    pattern_->setClearButtonEnabled(true);
    pattern_->selectAll(); // a suggestion: typing replaces it
    matches_->setObjectName(QStringLiteral("patternMatches"));
    continue_->setObjectName(QStringLiteral("previewPatternKeys"));
    continue_->setEnabled(false);
    soon_->setSingleShot(true);
    soon_->setInterval(300);

    auto *hint = new QLabel(tr("Which keys to delete. The key browser's search is filled in as a suggestion: "
                               "check it, or type another. A pattern with ':' is a Redis pattern (* ? [..]); "
                               "anything else is matched against campaign codes."),
                            this);
    hint->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(continue_, QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout;
    form->addRow(tr("Pattern"), pattern_);
    form->addRow(QString(), matches_);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
    resize(520, 200);

    connect(pattern_, &QLineEdit::textChanged, this, [this] {
        continue_->setEnabled(false);
        matches_->setText(tr("counting…"));
        soon_->start();
    });
    connect(soon_, &QTimer::timeout, this, &PatternDeletionDialog::count);
    connect(counter_, &BackgroundJob::finished, this, [this] {
        if (std::exchange(again_, false))
            count();
    });
    count();
}

PatternDeletionDialog::~PatternDeletionDialog()
{
    // Not "count again" on the way out: the cancel below finishes the job too.
    disconnect(counter_, nullptr, this, nullptr);
    counter_->cancelAndWait();
}

void PatternDeletionDialog::count()
{
    if (counter_->isRunning()) {
        again_ = true;
        counter_->cancel();
        return;
    }
    const QString text = pattern_->text().trimmed();
    if (text.isEmpty()) {
        matches_->setText(tr("Type a pattern: an empty one would match every key."));
        return;
    }
    matches_->setText(tr("counting…"));
    counter_->start(tr("Counting keys"), [this, text](JobControl &control) {
        auto keys = KeyBrowsing::allKeys(backend_, store_, KeySearch(text), control);
        const bool cancelled = control.cancelled();
        return BackgroundJob::Finish([this, text, keys, cancelled] {
            if (cancelled)
                return;
            if (!keys.ok()) {
                matches_->setText(tr("cannot count: %1").arg(keys.error));
                return;
            }
            countedFor_ = text;
            keys_ = keys.value;
            showCount();
        });
    });
}

void PatternDeletionDialog::showCount()
{
    if (countedFor_ != pattern_->text().trimmed())
        return; // typed since: a new count comes
    matches_->setText(keys_.isEmpty() ? tr("No key matches.") : tr("%n key(s) match.", nullptr, int(keys_.size())));
    continue_->setEnabled(!keys_.isEmpty());
}

} // namespace adserve
