#include "StudioFixture.h"

#include "TestPostgres.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignTransfer.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "common/WidgetMemory.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QApplication>
#include <QEventLoop>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QSettings>
#include <QTest>
#include <QTimer>
#include <QToolBar>

namespace adserve::test {

StudioFixture::StudioFixture()
{
    // QSettings and data paths go to a test location, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    // Each test starts from a studio as first run: no window layout or inputs of an earlier test.
    QSettings().remove(WidgetMemory::group());
}

StudioFixture::~StudioFixture()
{
    window_.reset();
}

bool StudioFixture::show(const QMap<QString, QString> &values, QString *error)
{
    QMap<QString, QString> all{{QStringLiteral("ADSERVE_DB"), sqlitePath()},
                               {QStringLiteral("ADSERVE_LISTEN"), QStringLiteral("127.0.0.1:0")},
                               {QStringLiteral("ADSERVE_THREADS"), QStringLiteral("2")}};
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        all.insert(it.key(), it.value());
    const auto config = ConfigBuilder::build(all, error);
    if (!config || !session_.open(*config, error))
        return false;
    window_ = std::make_unique<MainWindow>(session_);
    window_->show();
    return true;
}

bool StudioFixture::open(const QMap<QString, QString> &values, QString *error)
{
    return show(values, error) && waitForCampaigns();
}

bool StudioFixture::waitForCampaigns()
{
    // The table and the engine's index load apart, each in the background.
    CampaignsPanel *panel = window_->campaigns();
    return QTest::qWaitFor(
        [&] {
            return session_.isLoaded() && !panel->isLoading() && panel->loader()->title().size()
                && !panel->model()->isArranging();
        },
        20000);
}

qint64 StudioFixture::campaignId(const QString &code)
{
    return window_->campaigns()->model()->catalog().idOfCode(code);
}

bool StudioFixture::clickCampaign(const QString &code, Qt::KeyboardModifiers modifiers)
{
    QTableView *table = window_->campaigns()->table();
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, CampaignTableModel::Code);
        if (index.data().toString() == code) {
            table->scrollTo(index);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, table->visualRect(index).center());
            return true;
        }
    }
    qWarning("no row for %s", qPrintable(code));
    return false;
}

std::pair<int, QByteArray> StudioFixture::httpGet(const QString &url)
{
    QNetworkAccessManager manager;
    QNetworkReply *reply = manager.get(QNetworkRequest(QUrl(url)));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return {status, body};
}

bool StudioFixture::click(const QString &name, QWidget *scope)
{
    auto *button = (scope ? scope : window_.get())->findChild<QAbstractButton *>(name);
    if (!button)
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

bool StudioFixture::clickCampaignsTool(const QString &name)
{
    CampaignsPanel *panel = window_->campaigns();
    auto *action = panel->findChild<QAction *>(name);
    auto *tools = panel->findChild<QToolBar *>();
    QWidget *button = action && tools ? tools->widgetForAction(action) : nullptr;
    if (!button)
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

bool StudioFixture::trigger(const QString &actionName)
{
    auto *action = window_->findChild<QAction *>(actionName);
    if (!action)
        return false;
    action->trigger();
    return true;
}

bool StudioFixture::type(QWidget *scope, const QString &name, const QString &text, bool pressEnter)
{
    auto *edit = scope->findChild<QLineEdit *>(name);
    if (!edit)
        return false;
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    // A completion popup would take the Enter key: a user dismisses it first too.
    if (edit->completer() && edit->completer()->popup()->isVisible())
        edit->completer()->popup()->hide();
    if (pressEnter)
        QTest::keyClick(edit, Qt::Key_Return);
    return true;
}

void StudioFixture::answerNextDialog(std::function<void(QWidget *dialog)> answer, int attempts)
{
    QTimer::singleShot(50, [answer = std::move(answer), attempts] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog) {
            if (attempts > 1)
                answerNextDialog(answer, attempts - 1); // not shown yet: look again
            return;
        }
        answer(dialog);
    });
}

void StudioFixture::acceptNextDialog(const QString &buttonName)
{
    answerNextDialog([buttonName](QWidget *dialog) {
        if (auto *button = dialog->findChild<QPushButton *>(buttonName))
            QTest::mouseClick(button, Qt::LeftButton);
    });
}

StudioStores::StudioStores() = default;
StudioStores::~StudioStores() = default;

void StudioStores::addDataRows()
{
    QTest::addColumn<QString>("store");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

std::unique_ptr<StudioFixture> StudioStores::openForDataRow(QString *error)
{
    QFETCH_GLOBAL(QString, store);
    return open(store, error);
}

std::unique_ptr<StudioFixture> StudioStores::open(const QString &store, QString *error)
{
    auto studio = std::make_unique<StudioFixture>();
    QMap<QString, QString> values;
    if (store == QLatin1String("postgres")) {
        if (!postgres_) {
            postgres_ = std::make_unique<TestPostgres>();
            if (!postgres_->start(error)) {
                postgres_.reset();
                *error = QStringLiteral("no PostgreSQL: %1").arg(*error);
                return nullptr;
            }
        }
        const QString url = postgres_->createDatabase(QStringLiteral("studio_%1").arg(++databases_), error);
        if (url.isEmpty())
            return nullptr;
        values.insert(QStringLiteral("DATABASE_URL"), url);
        // Only a new embedded store starts with the samples: put them into this one.
        auto target = DatabaseTarget::fromDatabaseUrl(url, error);
        auto samplesStore = target ? CampaignStore::open(*target, error) : nullptr;
        const auto samples = CampaignTransfer::readFile(QStringLiteral(":/adserve/samples/campaigns.json"));
        if (!samplesStore || samples.campaigns.size() != 3 || !samplesStore->insertMany(samples.campaigns).ok()) {
            *error = QStringLiteral("the sample campaigns could not be written to PostgreSQL: %1").arg(*error);
            return nullptr;
        }
    }
    if (!studio->open(values, error))
        return nullptr;
    return studio;
}

void StudioTestCase::init()
{
    QString error;
    studio_ = stores_.openForDataRow(&error);
    QVERIFY2(studio_, qPrintable(error));
}

} // namespace adserve::test
