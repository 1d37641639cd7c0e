#include "QaPanel.h"

#include "ScenarioEditor.h"
#include "qa/Har.h"
#include "qa/QaMode.h"
#include "session/StudioSession.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace adserve {

namespace {

constexpr int kJournalRows = 500;

// What "New" starts from: one delivery in ten fails.
QJsonObject newScenario()
{
    return {{QStringLiteral("rules"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("fail")},
                                    {QStringLiteral("when"), QJsonObject{{QStringLiteral("path"), QStringLiteral("*/delivery")}}},
                                    {QStringLiteral("probability"), 0.1},
                                    {QStringLiteral("answer"), QJsonObject{{QStringLiteral("status"), 500}}}}}}};
}

} // namespace

QaPanel::QaPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , state_(new QLabel(this))
    , active_(new QComboBox(this))
    , scenarios_(new QListWidget(this))
    , name_(new QLineEdit(this))
    , editor_(new ScenarioEditor(this))
    , save_(new QPushButton(tr("Save"), this))
    , delete_(new QPushButton(tr("Delete"), this))
    , filter_(new QLineEdit(this))
    , journal_(new QTableWidget(0, 8, this))
    , journalCount_(new QLabel(this))
    , detail_(new QPlainTextEdit(this))
    , message_(new QLabel(this))
{
    setObjectName(QStringLiteral("qaPanel"));
    active_->setObjectName(QStringLiteral("qaActive"));
    scenarios_->setObjectName(QStringLiteral("qaScenarios"));
    name_->setObjectName(QStringLiteral("qaScenarioName"));
    save_->setObjectName(QStringLiteral("qaSaveScenario"));
    delete_->setObjectName(QStringLiteral("qaDeleteScenario"));
    filter_->setObjectName(QStringLiteral("qaFilter"));
    journal_->setObjectName(QStringLiteral("qaJournal"));
    journalCount_->setObjectName(QStringLiteral("qaJournalCount"));
    detail_->setObjectName(QStringLiteral("qaJournalDetail"));
    message_->setObjectName(QStringLiteral("qaMessage"));
    message_->setWordWrap(true);
    state_->setWordWrap(true);
    detail_->setReadOnly(true);
    name_->setPlaceholderText(tr("name, e.g. flaky"));
    filter_->setPlaceholderText(tr("filter, e.g. path=/v1/delivery&param=os=ios&status=5xx"));
    journal_->setHorizontalHeaderLabels(
        {tr("Time"), tr("Request"), tr("Scenario"), tr("Rule"), tr("Status"), tr("Outcome"), tr("ms"), tr("Flags")});
    journal_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    journal_->setSelectionBehavior(QAbstractItemView::SelectRows);
    journal_->verticalHeader()->setVisible(false);
    journal_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Every request goes through"), this));
    top->addWidget(active_);
    top->addWidget(state_, 1);

    auto *editorBox = new QGroupBox(tr("Scenarios"), this);
    auto *newButton = new QPushButton(tr("New"), editorBox);
    auto *editorButtons = new QHBoxLayout;
    editorButtons->addWidget(name_, 1);
    editorButtons->addWidget(newButton);
    editorButtons->addWidget(save_);
    editorButtons->addWidget(delete_);
    auto *editorRight = new QVBoxLayout;
    editorRight->addLayout(editorButtons);
    editorRight->addWidget(editor_, 1);
    auto *editorLayout = new QHBoxLayout(editorBox);
    editorLayout->addWidget(scenarios_);
    editorLayout->addLayout(editorRight, 2);

    auto *journalBox = new QGroupBox(tr("Request journal"), this);
    auto *refresh = new QPushButton(tr("Refresh"), journalBox);
    auto *exportHar = new QPushButton(tr("Export HAR…"), journalBox);
    auto *exportJson = new QPushButton(tr("Export JSON…"), journalBox);
    auto *replay = new QPushButton(tr("Replay HAR…"), journalBox);
    auto *clear = new QPushButton(tr("Clear"), journalBox);
    refresh->setObjectName(QStringLiteral("qaRefreshJournal"));
    auto *journalButtons = new QHBoxLayout;
    journalButtons->addWidget(filter_, 1);
    for (QPushButton *b : {refresh, exportHar, exportJson, replay, clear})
        journalButtons->addWidget(b);
    auto *journalSplit = new QSplitter(journalBox);
    journalSplit->addWidget(journal_);
    journalSplit->addWidget(detail_);
    auto *journalLayout = new QVBoxLayout(journalBox);
    journalLayout->addLayout(journalButtons);
    journalLayout->addWidget(journalSplit, 1);
    journalLayout->addWidget(journalCount_);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(editorBox, 1);
    layout->addWidget(journalBox, 2);
    layout->addWidget(message_);

    connect(active_, &QComboBox::activated, this, [this] { activate(active_->currentData().toString()); });
    connect(scenarios_, &QListWidget::currentTextChanged, this, &QaPanel::showScenario);
    connect(newButton, &QPushButton::clicked, this, [this] {
        scenarios_->setCurrentRow(-1);
        name_->clear();
        editor_->setScenario(newScenario(), false);
        save_->setEnabled(true);
        delete_->setEnabled(true);
        name_->setFocus();
    });
    connect(save_, &QPushButton::clicked, this, &QaPanel::saveScenario);
    connect(delete_, &QPushButton::clicked, this, &QaPanel::deleteScenario);
    connect(refresh, &QPushButton::clicked, this, &QaPanel::refreshJournal);
    connect(filter_, &QLineEdit::returnPressed, this, &QaPanel::refreshJournal);
    connect(clear, &QPushButton::clicked, this, [this] {
        if (qa()) {
            qa()->journal().clear();
            refreshJournal();
        }
    });
    for (const auto &[button, har] : {std::pair{exportHar, true}, std::pair{exportJson, false}}) {
        connect(button, &QPushButton::clicked, this, [this, har = har] {
            const QString file = QFileDialog::getSaveFileName(this, har ? tr("Export the journal as HAR") : tr("Export the journal as JSON"),
                                                              har ? QStringLiteral("journal.har") : QStringLiteral("journal.json"));
            if (!file.isEmpty())
                exportJournal(file, har);
        });
    }
    connect(replay, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Replay the requests of a HAR"), {},
                                                          tr("HAR files (*.har *.json)"));
        if (!file.isEmpty())
            replayHar(file);
    });
    connect(journal_, &QTableWidget::currentCellChanged, this, [this](int row) { showEntry(row); });
    session_.forEachEngine(this, [this] { reload(); });
}

QaMode *QaPanel::qa() const
{
    return session_.isOpen() ? session_.qa() : nullptr;
}

void QaPanel::reload()
{
    QaMode *mode = qa();
    for (QWidget *w : std::initializer_list<QWidget *>{active_, scenarios_, name_, editor_, save_, delete_, filter_, journal_})
        w->setEnabled(mode != nullptr);
    if (!mode) {
        state_->setText(tr("QA mode is off: start the studio with --qa (or ADSERVE_QA=true) to put scenarios in front of "
                           "the engine and journal every request"));
        return;
    }
    state_->setText(tr("QA mode is on: every answer says X-Adserve-Qa; a request can name its scenario in "
                       "X-Adserve-Scenario. Scenarios and the journal are kept in %1").arg(mode->folder()));
    const auto current = mode->scenarios().active();
    const QString selected = scenarios_->currentItem() ? scenarios_->currentItem()->text() : QString();
    active_->clear();
    active_->addItem(tr("no scenario (the engine)"), QString());
    scenarios_->clear();
    for (const auto &s : mode->scenarios().all()) {
        active_->addItem(s->builtIn ? tr("%1 (built in)").arg(s->name) : s->name, s->name);
        scenarios_->addItem(s->name);
    }
    active_->setCurrentIndex(std::max(0, active_->findData(current ? current->name : QString())));
    const auto again = scenarios_->findItems(selected, Qt::MatchExactly);
    if (!again.isEmpty())
        scenarios_->setCurrentItem(again.first());
    refreshJournal();
}

void QaPanel::showScenario(const QString &name)
{
    const auto scenario = qa() ? qa()->scenarios().find(name) : nullptr;
    if (!scenario)
        return;
    name_->setText(scenario->name);
    QJsonObject json = scenario->toJson();
    json.remove(QStringLiteral("name"));
    json.remove(QStringLiteral("builtIn"));
    editor_->setScenario(json, scenario->builtIn);
    save_->setEnabled(!scenario->builtIn);
    delete_->setEnabled(!scenario->builtIn);
}

bool QaPanel::saveScenario()
{
    if (!qa())
        return false;
    QString why;
    const auto json = editor_->scenario(&why);
    if (!json) {
        say(tr("Not saved: %1.").arg(why));
        return false;
    }
    auto scenario = Scenario::fromJson(*json, name_->text().trimmed(), &why);
    if (!scenario) {
        say(tr("Not saved: %1.").arg(why));
        return false;
    }
    const QString name = scenario->name;
    bool created = false;
    switch (qa()->scenarios().put(std::move(*scenario), &created)) {
    case ScenarioBook::Outcome::BuiltIn: say(tr("Not saved: %1 is built in; choose another name.").arg(name)); return false;
    case ScenarioBook::Outcome::Full: say(tr("Not saved: delete a scenario first (at most %1).").arg(ScenarioBook::kMaxAdded)); return false;
    case ScenarioBook::Outcome::WriteFailed: say(tr("Saved for this session only: %1 cannot be written.").arg(qa()->folder())); break;
    default: say(created ? tr("Scenario %1 added.").arg(name) : tr("Scenario %1 saved.").arg(name)); break;
    }
    reload();
    const auto items = scenarios_->findItems(name, Qt::MatchExactly);
    if (!items.isEmpty())
        scenarios_->setCurrentItem(items.first());
    return true;
}

bool QaPanel::deleteScenario()
{
    const QString name = name_->text().trimmed();
    if (!qa() || qa()->scenarios().remove(name) != ScenarioBook::Outcome::Done) {
        say(tr("%1 cannot be deleted: it is built in or not there.").arg(name));
        return false;
    }
    say(tr("Scenario %1 deleted.").arg(name));
    name_->clear();
    editor_->clear();
    reload();
    return true;
}

void QaPanel::activate(const QString &name)
{
    if (!qa())
        return;
    if (qa()->scenarios().activate(name) != ScenarioBook::Outcome::Done) {
        say(tr("%1 is not there any more.").arg(name));
        reload();
        return;
    }
    say(name.isEmpty() ? tr("No scenario: the engine answers every request.")
                       : tr("Every request goes through %1 unless it names another in X-Adserve-Scenario.").arg(name));
    active_->setCurrentIndex(std::max(0, active_->findData(name)));
}

void QaPanel::refreshJournal()
{
    journal_->setRowCount(0);
    entries_.clear();
    detail_->clear();
    journalCount_->clear();
    if (!qa())
        return;
    QString why;
    const auto filter = JournalFilter::parse(QUrlQuery(filter_->text().trimmed()), &why);
    if (!filter) {
        say(tr("Filter: %1.").arg(why));
        return;
    }
    const auto found = qa()->journal().find(*filter, kJournalRows);
    journal_->setRowCount(int(found.entries.size()));
    int row = 0;
    // Newest first, as a log reads.
    for (auto it = found.entries.crbegin(); it != found.entries.crend(); ++it, ++row) {
        const JournalEntry &e = *it;
        const QStringList cells{e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                QString::fromLatin1(e.method) + QLatin1Char(' ') + e.path
                                    + (e.query.isEmpty() ? QString() : QLatin1Char('?') + e.query),
                                e.scenario,
                                e.rule,
                                e.status ? QString::number(e.status) : QStringLiteral("—"),
                                e.outcome,
                                QString::number(e.totalMs, 'f', 1),
                                e.flags.isEmpty() ? QString() : QString::number(e.flags.size())};
        for (int column = 0; column < cells.size(); ++column)
            journal_->setItem(row, column, new QTableWidgetItem(cells[column]));
        entries_.append(QJsonDocument(e.toJson()).toJson(QJsonDocument::Indented));
    }
    journalCount_->setText(tr("%n request(s) match", nullptr, int(found.count))
                           + (found.count > kJournalRows ? tr("; the newest %1 are shown").arg(kJournalRows) : QString()));
}

void QaPanel::showEntry(int row)
{
    detail_->setPlainText(row >= 0 && row < entries_.size() ? QString::fromUtf8(entries_[row]) : QString());
}

bool QaPanel::exportJournal(const QString &file, bool har)
{
    if (!qa())
        return false;
    QString why;
    const auto filter = JournalFilter::parse(QUrlQuery(filter_->text().trimmed()), &why);
    if (!filter) {
        say(tr("Filter: %1.").arg(why));
        return false;
    }
    const auto found = qa()->journal().find(*filter, std::numeric_limits<qint64>::max());
    QByteArray bytes;
    if (har) {
        bytes = Har::fromJournal(found.entries, session_.server().isRunning() ? session_.server().url() : QString()).toJson();
    } else {
        QJsonArray list;
        for (const JournalEntry &e : found.entries)
            list.append(e.toJson());
        bytes = QJsonDocument(QJsonObject{{QStringLiteral("count"), found.count}, {QStringLiteral("entries"), list}}).toJson();
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) < 0 || !out.commit()) {
        say(tr("%1 cannot be written: %2").arg(file, out.errorString()));
        return false;
    }
    say(tr("%n request(s) exported to %1", nullptr, int(found.count)).arg(file));
    return true;
}

bool QaPanel::replayHar(const QString &file)
{
    if (!qa())
        return false;
    if (!session_.server().isRunning()) {
        say(tr("Start the server first: a replay sends the requests to it."));
        return false;
    }
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly) || in.size() > 64 << 20) {
        say(tr("%1 cannot be read: %2").arg(file, in.size() > 64 << 20 ? tr("larger than 64 MB") : in.errorString()));
        return false;
    }
    QString why;
    QJsonParseError parseError{};
    const QJsonDocument har = QJsonDocument::fromJson(in.readAll(), &parseError);
    auto requests = parseError.error == QJsonParseError::NoError ? Har::requests(har, &why) : std::nullopt;
    if (!requests) {
        say(tr("%1 cannot be replayed: %2.").arg(file, why.isEmpty() ? parseError.errorString() : why));
        return false;
    }
    const qsizetype count = requests->size();
    if (!qa()->replay().start(std::move(*requests))) {
        say(tr("A replay is still running: wait for it to end."));
        return false;
    }
    say(tr("Replaying %n request(s): Refresh shows them in the journal as they come.", nullptr, int(count)));
    return true;
}

QString QaPanel::messageText() const
{
    return message_->text();
}

void QaPanel::say(const QString &text)
{
    message_->setText(text);
    Q_EMIT message(text);
}

} // namespace adserve
