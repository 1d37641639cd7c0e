#include "ScenarioEditor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace adserve {

namespace {

const QStringList kAnswers{QStringLiteral("engine"), QStringLiteral("no fill"), QStringLiteral("campaigns"),
                          QStringLiteral("fixed body")};
const QStringList kLatencies{QStringLiteral("none"), QStringLiteral("fixed"), QStringLiteral("uniform"),
                             QStringLiteral("log-normal")};
const QStringList kFaults{QStringLiteral("none"), QStringLiteral("reset"), QStringLiteral("close"), QStringLiteral("hang"),
                          QStringLiteral("truncate")};
// Per latency kind, the JSON names of its two numbers.
const QList<QPair<QString, QString>> kLatencyFields{{}, {QStringLiteral("fixedMs"), {}},
                                                     {QStringLiteral("minMs"), QStringLiteral("maxMs")},
                                                     {QStringLiteral("medianMs"), QStringLiteral("p99Ms")}};

// "os=ios; app=com.*" <-> {"os":"ios","app":"com.*"}
QString pairsText(const QJsonObject &object)
{
    QStringList parts;
    for (auto it = object.begin(); it != object.end(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value().toString();
    return parts.join(QStringLiteral("; "));
}

QJsonObject pairsObject(const QString &text)
{
    QJsonObject object;
    for (const QString &part : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        object.insert((eq < 0 ? part : part.left(eq)).trimmed(), eq < 0 ? QString() : part.mid(eq + 1).trimmed());
    }
    return object;
}

// A number where the text is one, else the text itself: validation names the field then.
QJsonValue numberOrText(const QString &text)
{
    bool ok = false;
    const double n = text.trimmed().toDouble(&ok);
    return ok ? QJsonValue(n) : QJsonValue(text);
}

QString numberText(const QJsonValue &v)
{
    return v.isUndefined() ? QString() : QString::number(v.toDouble());
}

} // namespace

ScenarioEditor::ScenarioEditor(QWidget *parent)
    : QWidget(parent)
    , tabs_(new QTabWidget(this))
    , description_(new QLineEdit(this))
    , table_(new QTableWidget(0, ColumnCount, this))
    , json_(new QPlainTextEdit(this))
{
    description_->setObjectName(QStringLiteral("qaScenarioDescription"));
    table_->setObjectName(QStringLiteral("qaRules"));
    json_->setObjectName(QStringLiteral("qaScenarioJson"));
    description_->setPlaceholderText(tr("what the scenario is for"));
    table_->setHorizontalHeaderLabels({tr("Rule"), tr("Method"), tr("Path"), tr("Parameters"), tr("Headers"),
                                       tr("Probability"), tr("Answer"), tr("Campaigns / body"), tr("Status"),
                                       tr("Content type"), tr("Malformed"), tr("Latency"), tr("ms / min / median"),
                                       tr("max / p99"), tr("Dribble"), tr("Fault")});
    table_->horizontalHeaderItem(Params)->setToolTip(tr("name=value or glob; separated by ';'"));
    table_->horizontalHeaderItem(Given)->setToolTip(tr("campaign ids (3, 1) or the fixed body"));
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto *add = new QPushButton(tr("Add rule"), this);
    auto *remove = new QPushButton(tr("Remove rule"), this);
    add->setObjectName(QStringLiteral("qaAddRule"));
    remove->setObjectName(QStringLiteral("qaRemoveRule"));
    auto *tableButtons = new QHBoxLayout;
    tableButtons->addWidget(add);
    tableButtons->addWidget(remove);
    tableButtons->addStretch(1);
    auto *tablePage = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tablePage);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(table_, 1);
    tableLayout->addLayout(tableButtons);
    tabs_->addTab(tablePage, tr("Rules"));
    tabs_->addTab(json_, tr("JSON"));

    auto *descriptionRow = new QHBoxLayout;
    descriptionRow->addWidget(new QLabel(tr("Description"), this));
    descriptionRow->addWidget(description_, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(descriptionRow);
    layout->addWidget(tabs_, 1);

    connect(add, &QPushButton::clicked, this, &ScenarioEditor::addRule);
    connect(remove, &QPushButton::clicked, this, &ScenarioEditor::removeRule);
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (!showTable(index == 0))
            tabs_->setCurrentIndex(1); // the JSON does not parse: stay on it
    });
}

void ScenarioEditor::setScenario(const QJsonObject &scenario, bool readOnly)
{
    readOnly_ = readOnly;
    description_->setReadOnly(readOnly);
    json_->setReadOnly(readOnly);
    table_->setEditTriggers(readOnly ? QAbstractItemView::NoEditTriggers : QAbstractItemView::AllEditTriggers);
    fillTable(scenario);
    json_->setPlainText(QString::fromUtf8(QJsonDocument(scenario).toJson(QJsonDocument::Indented)));
}

void ScenarioEditor::clear()
{
    setScenario({{QStringLiteral("rules"), QJsonArray()}}, false);
}

std::optional<QJsonObject> ScenarioEditor::scenario(QString *error) const
{
    if (tabs_->currentIndex() == 0)
        return fromTable();
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json_->toPlainText().toUtf8(), &parseError);
    if (!doc.isObject()) {
        *error = tr("the JSON is not an object (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset);
        return std::nullopt;
    }
    return doc.object();
}

bool ScenarioEditor::showTable(bool table, QString *error)
{
    if (!table) {
        json_->setPlainText(QString::fromUtf8(QJsonDocument(fromTable()).toJson(QJsonDocument::Indented)));
    } else {
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(json_->toPlainText().toUtf8(), &parseError);
        if (!doc.isObject()) {
            if (error)
                *error = parseError.errorString();
            return false;
        }
        fillTable(doc.object());
    }
    const QSignalBlocker quiet(tabs_);
    tabs_->setCurrentIndex(table ? 0 : 1);
    return true;
}

void ScenarioEditor::addRule()
{
    if (!readOnly_)
        addRow({{QStringLiteral("name"), QStringLiteral("rule %1").arg(table_->rowCount() + 1)},
                {QStringLiteral("when"), QJsonObject{{QStringLiteral("path"), QStringLiteral("*/delivery")}}}});
}

void ScenarioEditor::removeRule()
{
    if (!readOnly_ && table_->currentRow() >= 0)
        table_->removeRow(table_->currentRow());
}

void ScenarioEditor::fillTable(const QJsonObject &scenario)
{
    description_->setText(scenario.value(QLatin1String("description")).toString());
    table_->setRowCount(0);
    for (const QJsonValue &rule : scenario.value(QLatin1String("rules")).toArray())
        addRow(rule.toObject());
}

void ScenarioEditor::addRow(const QJsonObject &rule)
{
    const int row = table_->rowCount();
    table_->insertRow(row);
    const QJsonObject when = rule.value(QLatin1String("when")).toObject();
    const QJsonObject answer = rule.value(QLatin1String("answer")).toObject();
    const QJsonObject latency = rule.value(QLatin1String("latency")).toObject();
    const auto text = [&](int column, const QString &value) { table_->setItem(row, column, new QTableWidgetItem(value)); };
    const auto check = [&](int column, bool on) {
        auto *item = new QTableWidgetItem;
        item->setFlags(readOnly_ ? Qt::ItemIsEnabled : Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
        table_->setItem(row, column, item);
    };
    const auto pick = [&](int column, const QStringList &choices, int chosen) {
        auto *box = new QComboBox;
        box->addItems(choices);
        box->setCurrentIndex(chosen);
        box->setEnabled(!readOnly_);
        table_->setCellWidget(row, column, box);
    };
    text(Name, rule.value(QLatin1String("name")).toString());
    text(Method, when.value(QLatin1String("method")).toString());
    text(Path, when.value(QLatin1String("path")).toString());
    text(Params, pairsText(when.value(QLatin1String("params")).toObject()));
    text(Headers, pairsText(when.value(QLatin1String("headers")).toObject()));
    text(Probability, numberText(rule.contains(QLatin1String("probability")) ? rule.value(QLatin1String("probability")) : QJsonValue(1)));
    int answerKind = 0;
    QString given;
    if (answer.contains(QLatin1String("noFill"))) {
        answerKind = 1;
    } else if (answer.contains(QLatin1String("campaigns"))) {
        answerKind = 2;
        QStringList ids;
        for (const QJsonValue &id : answer.value(QLatin1String("campaigns")).toArray())
            ids << QString::number(id.toInteger());
        given = ids.join(QStringLiteral(", "));
    } else if (answer.contains(QLatin1String("body"))) {
        answerKind = 3;
        given = answer.value(QLatin1String("body")).toString();
    }
    pick(Answer, kAnswers, answerKind);
    text(Given, given);
    text(Status, answer.contains(QLatin1String("status")) ? numberText(answer.value(QLatin1String("status"))) : QString());
    text(ContentType, answer.value(QLatin1String("contentType")).toString());
    check(Malformed, answer.value(QLatin1String("malformed")).toBool());
    int latencyKind = 0;
    for (int k = 1; k < kLatencyFields.size(); ++k) {
        if (latency.contains(kLatencyFields[k].first))
            latencyKind = k;
    }
    pick(Latency, kLatencies, latencyKind);
    text(LatencyA, latencyKind ? numberText(latency.value(kLatencyFields[latencyKind].first)) : QString());
    text(LatencyB, latencyKind > 1 ? numberText(latency.value(kLatencyFields[latencyKind].second)) : QString());
    check(Dribble, rule.value(QLatin1String("dribble")).toBool());
    pick(Fault, kFaults, std::max<int>(0, int(kFaults.indexOf(rule.value(QLatin1String("fault")).toString()))));
}

QJsonObject ScenarioEditor::fromTable() const
{
    QJsonArray rules;
    for (int row = 0; row < table_->rowCount(); ++row) {
        const auto text = [&](int column) { return table_->item(row, column) ? table_->item(row, column)->text().trimmed() : QString(); };
        const auto checked = [&](int column) { return table_->item(row, column) && table_->item(row, column)->checkState() == Qt::Checked; };
        const auto picked = [&](int column) { return qobject_cast<QComboBox *>(table_->cellWidget(row, column))->currentIndex(); };
        QJsonObject rule;
        if (!text(Name).isEmpty())
            rule.insert(QStringLiteral("name"), text(Name));
        QJsonObject when;
        if (!text(Method).isEmpty())
            when.insert(QStringLiteral("method"), text(Method));
        if (!text(Path).isEmpty())
            when.insert(QStringLiteral("path"), text(Path));
        if (!text(Params).isEmpty())
            when.insert(QStringLiteral("params"), pairsObject(text(Params)));
        if (!text(Headers).isEmpty())
            when.insert(QStringLiteral("headers"), pairsObject(text(Headers)));
        if (!when.isEmpty())
            rule.insert(QStringLiteral("when"), when);
        if (!text(Probability).isEmpty() && text(Probability) != QLatin1String("1"))
            rule.insert(QStringLiteral("probability"), numberOrText(text(Probability)));
        QJsonObject answer;
        switch (picked(Answer)) {
        case 1: answer.insert(QStringLiteral("noFill"), true); break;
        case 2: {
            QJsonArray ids;
            for (const QString &id : text(Given).split(QLatin1Char(','), Qt::SkipEmptyParts))
                ids.append(numberOrText(id));
            answer.insert(QStringLiteral("campaigns"), ids);
            break;
        }
        case 3: answer.insert(QStringLiteral("body"), table_->item(row, Given) ? table_->item(row, Given)->text() : QString()); break;
        default: break;
        }
        if (!text(Status).isEmpty())
            answer.insert(QStringLiteral("status"), numberOrText(text(Status)));
        if (!text(ContentType).isEmpty())
            answer.insert(QStringLiteral("contentType"), text(ContentType));
        if (checked(Malformed))
            answer.insert(QStringLiteral("malformed"), true);
        if (!answer.isEmpty())
            rule.insert(QStringLiteral("answer"), answer);
        if (const int kind = picked(Latency); kind > 0) {
            QJsonObject latency{{kLatencyFields[kind].first, numberOrText(text(LatencyA))}};
            if (kind > 1)
                latency.insert(kLatencyFields[kind].second, numberOrText(text(LatencyB)));
            rule.insert(QStringLiteral("latency"), latency);
        }
        if (checked(Dribble))
            rule.insert(QStringLiteral("dribble"), true);
        if (const int fault = picked(Fault); fault > 0)
            rule.insert(QStringLiteral("fault"), kFaults[fault]);
        rules.append(rule);
    }
    QJsonObject scenario{{QStringLiteral("rules"), rules}};
    if (!description_->text().isEmpty())
        scenario.insert(QStringLiteral("description"), description_->text());
    return scenario;
}

} // namespace adserve
