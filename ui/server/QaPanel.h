#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace adserve {

class QaMode;
class ScenarioEditor;
class StudioSession;

// QA mode in the studio (started with --qa): the scenario every request of the embedded server
// goes through, an editor of scenarios (ScenarioEditor), and the request journal with a filter,
// the detail of a request, HAR and JSON export, and HAR replay. Without QA mode it says how to
// turn it on.
class QaPanel : public QWidget
{
    Q_OBJECT
public:
    explicit QaPanel(StudioSession &session, QWidget *parent = nullptr);

    // Saves the editor's scenario under the name given; false with the reason shown.
    bool saveScenario();
    bool deleteScenario();
    // Makes `name` active (empty: none).
    void activate(const QString &name);
    void refreshJournal();
    bool exportJournal(const QString &file, bool har);
    // Sends the HAR's requests to the embedded server again (they show in the journal).
    bool replayHar(const QString &file);
    QString messageText() const;
    ScenarioEditor *editor() const { return editor_; }
    // Reads the scenarios and the journal again.
    void reload();

Q_SIGNALS:
    void message(const QString &text);

private:
    QaMode *qa() const;
    void showScenario(const QString &name);
    void showEntry(int row);
    void say(const QString &text);

    StudioSession &session_;
    QLabel *state_;
    QComboBox *active_;
    QListWidget *scenarios_;
    QLineEdit *name_;
    ScenarioEditor *editor_;
    QPushButton *save_, *delete_;
    QLineEdit *filter_;
    QTableWidget *journal_;
    QLabel *journalCount_;
    QPlainTextEdit *detail_;
    QLabel *message_;
    QList<QByteArray> entries_; // the journal rows' entries, as JSON
};

} // namespace adserve
