#pragma once

#include <QDialog>

class QLabel;

namespace adserve {

class BackgroundJob;
class StudioSession;

// Help ▸ About: the versions of adserve, Qt and hiredis, and of the store and the cache in
// use as their servers report them (asked in the background: "checking…" until they answer),
// for a bug report. "Copy" puts it all on the clipboard as text.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    AboutDialog(StudioSession &session, QWidget *parent = nullptr);

    // The versions as plain text, one "name: version" per line.
    QString versionsText() const;
    BackgroundJob *job() const { return job_; }

private:
    void askServers(StudioSession &session);

    QLabel *store_;
    QLabel *cache_;
    QList<std::pair<QString, QLabel *>> rows_;
    BackgroundJob *job_;
};

} // namespace adserve
