#include "WhatIfGrid.h"

#include "session/StudioSession.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

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

// White (nothing delivered) to a saturated green (the most delivered in the grid).
QColor heat(int count, int max)
{
    if (count == 0 || max == 0)
        return QColor(0xf4, 0xf4, 0xf4);
    const double t = double(count) / double(max);
    return QColor::fromHsvF(0.33, 0.15 + 0.65 * t, 0.95 - 0.25 * t);
}

} // namespace

WhatIfGrid::WhatIfGrid(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , countries_(new QLineEdit(QStringLiteral("US, CA, GB, DE, FR, IN, BR, JP"), this))
    , systems_(new QLineEdit(QStringLiteral("Android, iOS, Windows, macOS"), this))
    , app_(new QLineEdit(QStringLiteral("com.gametion.ludokinggame"), this))
    , table_(new QTableWidget(this))
{
    setObjectName(QStringLiteral("whatIfGrid"));
    countries_->setObjectName(QStringLiteral("gridCountries"));
    systems_->setObjectName(QStringLiteral("gridSystems"));
    app_->setObjectName(QStringLiteral("gridApp"));
    table_->setObjectName(QStringLiteral("gridTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

    auto *run = new QPushButton(tr("Compute"), this);
    run->setObjectName(QStringLiteral("computeGrid"));
    auto *form = new QFormLayout;
    form->addRow(tr("Countries (rows)"), countries_);
    form->addRow(tr("Operating systems (columns)"), systems_);
    form->addRow(tr("App"), app_);
    form->addRow(QString(), run);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(table_, 1);

    connect(run, &QPushButton::clicked, this, &WhatIfGrid::compute);
    for (QLineEdit *edit : {countries_, systems_, app_})
        connect(edit, &QLineEdit::returnPressed, this, &WhatIfGrid::compute);
    // A grid shown answers for the store in use: another store, computed again.
    session_.forEachEngine(this, [this] { computeIfShown(); });
}

void WhatIfGrid::setScope(const AnswerScope &scope)
{
    scope_ = scope;
    computeIfShown();
}

void WhatIfGrid::computeIfShown()
{
    if (table_->rowCount() > 0)
        compute();
}

void WhatIfGrid::compute()
{
    const QStringList rows = splitList(countries_->text());
    const QStringList columns = splitList(systems_->text());
    table_->clear();
    table_->setRowCount(int(rows.size()));
    table_->setColumnCount(int(columns.size()));
    table_->setVerticalHeaderLabels(rows);
    table_->setHorizontalHeaderLabels(columns);
    const auto current = session_.engine().matcher().snapshot();
    const auto index = scope_.at ? current->at(*scope_.at) : current;
    QList<QList<std::vector<qint64>>> results;
    int max = 0;
    for (const QString &country : rows) {
        QList<std::vector<qint64>> line;
        for (const QString &os : columns) {
            line.append(index->match(TargetingQuery::from(country, os, app_->text()), scope_.limit));
            max = std::max(max, int(line.last().size()));
        }
        results.append(line);
    }
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < columns.size(); ++c) {
            const std::vector<qint64> &ids = results[r][c];
            QStringList codes;
            for (qint64 id : ids) {
                if (codes.size() == 20) {
                    codes.append(tr("… and %1 more").arg(ids.size() - 20));
                    break;
                }
                codes.append(index->codeOf(id));
            }
            auto *item = new QTableWidgetItem(ids.empty() ? QStringLiteral("0")
                                                          : QStringLiteral("%1  %2").arg(ids.size()).arg(
                                                                ids.size() <= 3 ? codes.join(QStringLiteral(", "))
                                                                                : QString()));
            item->setData(Qt::UserRole, qlonglong(ids.size()));
            item->setToolTip(codes.isEmpty() ? tr("nothing delivered") : codes.join(QLatin1Char('\n')));
            item->setBackground(heat(int(ids.size()), max));
            item->setTextAlignment(Qt::AlignCenter);
            table_->setItem(r, c, item);
        }
    }
}

} // namespace adserve
