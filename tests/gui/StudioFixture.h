#pragma once

#include "mainwindow/MainWindow.h"
#include "session/StudioSession.h"

#include <QMap>
#include <QTemporaryDir>

#include <functional>
#include <memory>

class QWidget;
class TestPostgres;

namespace adserve::test {

// The studio as a user sees it, on a store of the test's own: a temporary SQLite file
// (with the three sample campaigns) unless DATABASE_URL / REDIS_URL are given.
class StudioFixture
{
public:
    StudioFixture();
    ~StudioFixture();

    // Opens the session on `values` (configuration keys) over the defaults, shows the window and
    // waits for the campaigns (waitForCampaigns).
    bool open(const QMap<QString, QString> &values, QString *error);
    // The same without waiting: the campaigns still load.
    bool show(const QMap<QString, QString> &values, QString *error);
    QString sqlitePath() const { return dir_.filePath(QStringLiteral("studio.sqlite")); }
    StudioSession &session() { return session_; }
    MainWindow &window() { return *window_; }
    // Waits until the campaigns panel has (re)loaded its table and the engine its index.
    bool waitForCampaigns();
    // The id of the campaign with this code in the campaigns table (0 when absent).
    qint64 campaignId(const QString &code);
    // Clicks the campaign's row in the table, as a user picks it (with Ctrl: adds it to the selection).
    bool clickCampaign(const QString &code, Qt::KeyboardModifiers modifiers = {});

    // GET from the embedded server; status and body.
    static std::pair<int, QByteArray> httpGet(const QString &url);
    // Clicks the button named `name` in `scope` (default: the window); false when there is none.
    bool click(const QString &name, QWidget *scope = nullptr);
    bool trigger(const QString &actionName);
    // Clicks the campaigns panel's tool button for the action `name`; false when there is none.
    bool clickCampaignsTool(const QString &name);
    // Replaces the text of the line edit `name` by typing it, as a user does.
    bool type(QWidget *scope, const QString &name, const QString &text, bool pressEnter = false);
    // Arranges for the next modal dialog (shown within attempts × 50 ms) to be handed to `answer`.
    static void answerNextDialog(std::function<void(QWidget *dialog)> answer, int attempts = 200);
    // Answers the next modal dialog by clicking its button `buttonName` (empty: its first button).
    static void acceptNextDialog(const QString &buttonName);

private:
    QTemporaryDir dir_;
    StudioSession session_;
    std::unique_ptr<MainWindow> window_;
};

// Studios for data-driven GUI tests, each on a store of its own holding the three sample
// campaigns: "sqlite" (a temporary file) or "postgres" (a new database on a test PostgreSQL
// started on first use).
class StudioStores
{
public:
    StudioStores();
    ~StudioStores();
    std::unique_ptr<StudioFixture> open(const QString &store, QString *error);
    // The global data rows "sqlite" and "postgres" (column "store"), for initTestCase_data().
    static void addDataRows();
    // A studio on the store of the current global data row.
    std::unique_ptr<StudioFixture> openForDataRow(QString *error);

private:
    std::unique_ptr<TestPostgres> postgres_;
    int databases_ = 0;
};

// A test class whose every test runs on a studio of its own, once per store of the global
// data rows (SQLite, PostgreSQL). A derived class with more to set up declares its own
// init() and calls this one first.
class StudioTestCase : public QObject
{
    Q_OBJECT

protected:
    StudioStores stores_;
    std::unique_ptr<StudioFixture> studio_; // each test's own, opened by init()

protected Q_SLOTS:
    void initTestCase_data() { StudioStores::addDataRows(); }
    void init();
    void cleanup() { studio_.reset(); }
};

} // namespace adserve::test
