#include "WhatIfGrid.h"

#include "common/Tones.h"
#include "session/StudioSession.h"
#include "targeting/DecisionWording.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

namespace adserve {

namespace {

QStringList splitList(const QString &text)
{
    QStringList values;
    for (const QString &v : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!v.trimmed().isEmpty())
            values.append(v.trimmed());
    }
    return values;
}

// `values` with `value` added at the end when no entry means the same.
QStringList withValue(QStringList values, const QString &value)
{
    const QString wanted = normalizeValue(value);
    const bool listed = std::any_of(values.cbegin(), values.cend(), [&](const QString &v) { return normalizeValue(v) == wanted; });
    if (!wanted.isEmpty() && !listed)
        values.append(value.trimmed());
    return values;
}

// Grey (nothing delivered) to a strong green (the most delivered in the grid), translucent
// so it reads over a light and a dark base.
QColor heat(int count, int max)
{
    if (count == 0 || max == 0)
        return Tones::tint(Tones::Muted);
    QColor green = Tones::tint(Tones::Good);
    green.setAlphaF(0.15 + 0.6 * double(count) / double(max));
    return green;
}

constexpr qsizetype kMaxChoices = 2000; // as the simulator's why-not choice

} // namespace

WhatIfGrid::WhatIfGrid(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , countries_(new QLineEdit(QStringLiteral("US, CA, GB, DE, FR, IN, BR, JP"), this))
    , systems_(new QLineEdit(QStringLiteral("Android, iOS, Windows, macOS"), this))
    , focus_(new QComboBox(this))
    , appShown_(new QLabel(this))
    , table_(new QTableWidget(this))
{
    setObjectName(QStringLiteral("whatIfGrid"));
    countries_->setObjectName(QStringLiteral("gridCountries"));
    systems_->setObjectName(QStringLiteral("gridSystems"));
    focus_->setObjectName(QStringLiteral("gridFocus"));
    appShown_->setObjectName(QStringLiteral("gridApp"));
    table_->setObjectName(QStringLiteral("gridTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setToolTip(tr("Double-click a cell to see that request in the Delivery tab, with its why-not"));
    focus_->setToolTip(tr("Where does one campaign serve, and what keeps it out elsewhere? Pick one, or type its code "
                          "and press Enter"));
    // A large store lists its first campaigns only: any other is typed.
    focus_->setEditable(true);
    focus_->setInsertPolicy(QComboBox::NoInsert);

    auto *run = new QPushButton(tr("Compute"), this);
    run->setObjectName(QStringLiteral("computeGrid"));
    auto *form = new QFormLayout;
    form->addRow(tr("Countries (rows)"), countries_);
    form->addRow(tr("Operating systems (columns)"), systems_);
    form->addRow(tr("Focus on campaign"), focus_);
    form->addRow(tr("App"), appShown_);
    form->addRow(QString(), run);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(table_, 1);

    connect(run, &QPushButton::clicked, this, &WhatIfGrid::compute);
    for (QLineEdit *edit : {countries_, systems_})
        connect(edit, &QLineEdit::returnPressed, this, &WhatIfGrid::compute);
    connect(focus_, &QComboBox::currentIndexChanged, this, &WhatIfGrid::computeIfShown);
    connect(focus_->lineEdit(), &QLineEdit::returnPressed, this, [this] {
        const QString code = focus_->currentText().trimmed();
        if (focus_->findText(code) >= 0)
            return; // one of the list, chosen already
        if (const auto id = session_.engine().matcher().snapshot()->idOfCode(code))
            focusOn(*id);
        else
            focus_->setEditText(focus_->itemText(focus_->currentIndex())); // no such code: the focus stays
    });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        const QTableWidgetItem *country = table_->verticalHeaderItem(row), *os = table_->horizontalHeaderItem(column);
        if (country && os)
            Q_EMIT requestChosen(country->text(), os->text(), focusedCampaign());
    });
    connect(&session_, &StudioSession::indexLoaded, this, [this] {
        if (std::exchange(computeWhenLoaded_, false))
            compute();
    });
    // A grid shown answers for the store in use: another store, computed again.
    session_.forEachEngine(this, [this] {
        connect(&session_.engine(), &Engine::indexRebuilt, this, &WhatIfGrid::refreshCampaignChoices, Qt::QueuedConnection);
        {
            QSignalBlocker block(focus_);
            focus_->setCurrentIndex(0); // another store's campaign ids mean nothing here
        }
        refreshCampaignChoices();
        computeIfShown();
    });
    setRequest({}, {}, {});
}

void WhatIfGrid::refreshCampaignChoices()
{
    const qint64 chosen = focusedCampaign();
    QSignalBlocker block(focus_);
    focus_->clear();
    focus_->addItem(tr("every campaign (how many serve)"), 0);
    const auto index = session_.engine().matcher().snapshot();
    for (qint64 id : index->campaignIds(kMaxChoices))
        focus_->addItem(QStringLiteral("%1 (#%2)").arg(index->codeOf(id)).arg(id), id);
    const int row = focus_->findData(chosen);
    focus_->setCurrentIndex(row < 0 ? 0 : row);
}

void WhatIfGrid::focusOn(qint64 campaignId)
{
    int row = focus_->findData(campaignId);
    if (row < 0 && campaignId) {
        // Past the choices listed (a large store): added.
        const QString code = session_.engine().matcher().snapshot()->codeOf(campaignId);
        if (code.isEmpty())
            return;
        focus_->addItem(QStringLiteral("%1 (#%2)").arg(code).arg(campaignId), campaignId);
        row = focus_->count() - 1;
    }
    focus_->setCurrentIndex(std::max(row, 0));
}

qint64 WhatIfGrid::focusedCampaign() const
{
    return focus_->currentData().toLongLong();
}

void WhatIfGrid::setScope(const AnswerScope &scope)
{
    scope_ = scope;
    computeIfShown();
}

void WhatIfGrid::setRequest(const QString &country, const QString &os, const QString &app)
{
    country_ = country.trimmed();
    os_ = os.trimmed();
    app_ = app;
    appShown_->setText(app.trimmed().isEmpty() ? tr("(none: type one in the request bar)")
                                               : tr("%1 (from the request bar)").arg(app.trimmed()));
    computeIfShown();
}

void WhatIfGrid::computeIfShown()
{
    if (table_->rowCount() > 0)
        compute();
}

void WhatIfGrid::compute()
{
    if (!session_.isLoaded()) {
        // An index still empty would show every cell at 0: the grid waits instead.
        computeWhenLoaded_ = true;
        table_->clear();
        table_->setRowCount(0);
        table_->setColumnCount(0);
        return;
    }
    const QStringList rows = withValue(splitList(countries_->text()), country_);
    const QStringList columns = withValue(splitList(systems_->text()), os_);
    table_->clear();
    table_->setRowCount(int(rows.size()));
    table_->setColumnCount(int(columns.size()));
    table_->setVerticalHeaderLabels(rows);
    table_->setHorizontalHeaderLabels(columns);
    const auto current = session_.engine().matcher().snapshot();
    const auto index = scope_.at ? current->at(*scope_.at) : current;
    const qint64 focused = focusedCampaign();
    QList<QList<std::vector<qint64>>> results;
    int max = 0;
    for (int r = 0; r < rows.size(); ++r) {
        QList<std::vector<qint64>> line;
        for (int c = 0; c < columns.size(); ++c) {
            const TargetingQuery query = TargetingQuery::from(rows[r], columns[c], app_);
            if (focused) {
                fillFocused(r, c, index->explain(query, focused, scope_).value(0));
                continue;
            }
            line.append(index->match(query, scope_.limit));
            max = std::max(max, int(line.last().size()));
        }
        results.append(line);
    }
    for (int r = 0; !focused && r < rows.size(); ++r) {
        for (int c = 0; c < columns.size(); ++c)
            fillCount(r, c, results[r][c], max, *index);
    }
    // The request bar's own request stands out.
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < columns.size(); ++c) {
            QTableWidgetItem *item = table_->item(r, c);
            if (item && normalizeValue(rows[r]) == normalizeValue(country_) && normalizeValue(columns[c]) == normalizeValue(os_)) {
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
            }
        }
    }
}

void WhatIfGrid::fillCount(int row, int column, const std::vector<qint64> &ids, int max, const MatchIndex &index)
{
    QStringList codes;
    for (qint64 id : ids) {
        if (codes.size() == 20) {
            codes.append(tr("… and %1 more").arg(ids.size() - 20));
            break;
        }
        codes.append(index.codeOf(id));
    }
    auto *item = new QTableWidgetItem(ids.empty() ? QStringLiteral("0")
                                                  : QStringLiteral("%1  %2").arg(ids.size()).arg(
                                                        ids.size() <= 3 ? codes.join(QStringLiteral(", ")) : QString()));
    item->setData(CountRole, qlonglong(ids.size()));
    item->setToolTip(codes.isEmpty() ? tr("nothing delivered") : codes.join(QLatin1Char('\n')));
    item->setBackground(heat(int(ids.size()), max));
    item->setTextAlignment(Qt::AlignCenter);
    table_->setItem(row, column, item);
}

void WhatIfGrid::fillFocused(int row, int column, const Decision &decision)
{
    // Blocked by a dimension names it; otherwise by what kept it out (inactive, flight ended, ...).
    const DimensionCheck *deciding = decision.decidingCheck();
    const QString blockedBy = decision.matched() ? QString()
                              : decision.verdict == Decision::Verdict::Rejected && deciding ? dimensionName(deciding->dimension)
                                                                                           : verdictName(decision.verdict);
    const QString text = decision.matched() ? tr("serves")
                         : decision.verdict == Decision::Verdict::Rejected
                             ? tr("blocked: %1").arg(blockedBy)
                             : tr("not serving: %1").arg(QString(blockedBy).replace(QLatin1Char('-'), QLatin1Char(' ')));
    auto *item = new QTableWidgetItem(text);
    item->setData(CountRole, qlonglong(decision.matched() ? 1 : 0));
    item->setData(BlockedByRole, blockedBy);
    item->setToolTip(decision.campaignId ? decision.summary() : tr("campaign not in the store"));
    item->setBackground(Tones::tint(decision.matched() ? Tones::Good : Tones::Bad));
    item->setTextAlignment(Qt::AlignCenter);
    table_->setItem(row, column, item);
}

} // namespace adserve
