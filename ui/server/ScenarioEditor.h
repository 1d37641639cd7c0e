#pragma once

#include <QJsonObject>
#include <QWidget>

class QLineEdit;
class QPlainTextEdit;
class QTabWidget;
class QTableWidget;

namespace adserve {

// Edits one QA scenario: its rules as a table (a row per rule: what it matches, its answer,
// latency and fault as cells and pickers), or the same scenario as JSON for what the table does
// not show. Either view can be edited; switching shows the other one the same scenario. It does
// not validate: the scenario it gives is checked where it is saved (Scenario::fromJson).
class ScenarioEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ScenarioEditor(QWidget *parent = nullptr);

    void setScenario(const QJsonObject &scenario, bool readOnly);
    // The scenario as the view shown last has it; nullopt with `error` when the JSON is not an object.
    std::optional<QJsonObject> scenario(QString *error) const;
    void clear();

    QTableWidget *rules() const { return table_; }
    QPlainTextEdit *json() const { return json_; }
    void addRule();
    void removeRule();
    // Shows the rules table (true) or the JSON; false when the JSON does not parse (it stays).
    bool showTable(bool table, QString *error = nullptr);

    enum Column { Name, Method, Path, Params, Headers, Probability, Answer, Given, Status, ContentType,
                  Malformed, Latency, LatencyA, LatencyB, Dribble, Fault, ColumnCount };

private:
    void fillTable(const QJsonObject &scenario);
    QJsonObject fromTable() const;
    void addRow(const QJsonObject &rule);

    QTabWidget *tabs_;
    QLineEdit *description_;
    QTableWidget *table_;
    QPlainTextEdit *json_;
    bool readOnly_ = false;
};

} // namespace adserve
