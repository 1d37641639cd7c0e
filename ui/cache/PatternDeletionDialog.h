#pragma once

#include "KeySearch.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace adserve {

class BackgroundJob;
class CacheBackend;
class CampaignStore;

// The first step of "Delete by pattern": which keys. The pattern is asked for here (the key
// browser's search is only a suggestion), as a Redis pattern or a campaign code, and how many
// keys it matches is counted in the background as it is typed. Continuing hands the keys
// found to the confirmation that lists them.
class PatternDeletionDialog : public QDialog
{
    Q_OBJECT
public:
    PatternDeletionDialog(const QString &suggestion, CacheBackend &backend, CampaignStore &store,
                          QWidget *parent = nullptr);
    ~PatternDeletionDialog() override;

    KeySearch search() const { return KeySearch(countedFor_); }
    // The keys the pattern matched when last counted (what Continue goes on with).
    const QList<QByteArray> &keys() const { return keys_; }

private:
    void count();
    void showCount();

    CacheBackend &backend_;
    CampaignStore &store_;
    QLineEdit *pattern_;
    QLabel *matches_;
    QPushButton *continue_;
    BackgroundJob *counter_;
    QTimer *soon_;      // counts once typing pauses
    bool again_ = false; // typed while a count ran
    QString countedFor_;
    QList<QByteArray> keys_;
};

} // namespace adserve
