#include "UserGuide.h"

#include <QTextBrowser>
#include <QVBoxLayout>

namespace adserve {

UserGuide::UserGuide(QWidget *parent)
    : QDialog(parent)
    , browser_(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("userGuide"));
    setWindowTitle(tr("adserve studio — User guide"));
    browser_->setObjectName(QStringLiteral("guideText"));
    browser_->setOpenExternalLinks(true);
    // Relative links (the screenshots) resolve beside it, in the same resources.
    browser_->setSource(QUrl(QStringLiteral("qrc:/guide/README.md")), QTextDocument::MarkdownResource);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(browser_);
    resize(900, 760);
}

} // namespace adserve
