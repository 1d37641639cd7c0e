#pragma once

#include <QDialog>

class QTextBrowser;

namespace adserve {

// Help ▸ User guide: the README with its screenshots, built into the studio so it reads
// offline and always matches the version in use. Links to the web open in the browser.
class UserGuide : public QDialog
{
    Q_OBJECT
public:
    explicit UserGuide(QWidget *parent = nullptr);

    QTextBrowser *browser() const { return browser_; }

private:
    QTextBrowser *browser_;
};

} // namespace adserve
