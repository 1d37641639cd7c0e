#include "CampaignFilterBar.h"

#include "common/ValueCatalog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QVBoxLayout>

namespace adserve {

CampaignFilterBar::CampaignFilterBar(ValueCatalog &values, QWidget *parent)
    : QWidget(parent)
    , text_(new QLineEdit(this))
    , status_(new QComboBox(this))
    , neverServes_(new QCheckBox(tr("Can never serve"), this))
    , busy_(new QLabel(tr("Filtering…"), this))
    , settle_(new QTimer(this))
{
    text_->setObjectName(QStringLiteral("filter"));
    text_->setPlaceholderText(tr("Filter by code, name, status, CTA, image…"));
    text_->setClearButtonEnabled(true);

    const std::array<QString, kDimensionCount> names{QStringLiteral("filterCountry"), QStringLiteral("filterOs"),
                                                     QStringLiteral("filterApp")};
    const std::array<QString, kDimensionCount> placeholders{tr("Serves country…"), tr("Serves OS…"), tr("Serves app…")};
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    for (Dimension dimension : kDimensions) {
        const size_t d = size_t(dimension);
        auto *edit = new QLineEdit(this);
        edit->setObjectName(names[d]);
        edit->setPlaceholderText(placeholders[d]);
        edit->setClearButtonEnabled(true);
        edit->setCompleter(values.completer(dimension, edit));
        edit->setToolTip(tr("Only campaigns a request with this %1 would qualify for by their rules (a campaign "
                            "with no %1 rule qualifies for every value)")
                             .arg(dimensionName(dimension)));
        qualifiesFor_[d] = edit;
        row->addWidget(edit, dimension == Dimension::App ? 2 : 1);
        connect(edit, &QLineEdit::textChanged, this, &CampaignFilterBar::fieldChanged);
    }
    status_->setObjectName(QStringLiteral("filterStatus"));
    status_->addItem(tr("Any status"), int(CampaignFilter::Status::Any));
    status_->addItem(tr("Active"), int(CampaignFilter::Status::Active));
    status_->addItem(tr("Inactive"), int(CampaignFilter::Status::Inactive));
    row->addWidget(status_);
    neverServes_->setObjectName(QStringLiteral("filterNeverServes"));
    neverServes_->setToolTip(tr("Campaigns no request can get: a dimension excludes every value it includes "
                                "(INCLUDE US + EXCLUDE US), or the flight has ended"));
    row->addWidget(neverServes_);

    busy_->setObjectName(QStringLiteral("filtering"));
    busy_->setMinimumWidth(busy_->sizeHint().width()); // its place is kept: nothing moves when it shows
    busy_->clear();
    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(text_, 1);
    top->addWidget(busy_);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(row);

    settle_->setSingleShot(true);
    settle_->setInterval(kDebounceMs);
    connect(settle_, &QTimer::timeout, this, &CampaignFilterBar::apply);
    connect(text_, &QLineEdit::textChanged, this, &CampaignFilterBar::fieldChanged);
    // A choice is not typing: it applies at once.
    connect(status_, &QComboBox::currentIndexChanged, this, &CampaignFilterBar::apply);
    connect(neverServes_, &QCheckBox::toggled, this, &CampaignFilterBar::apply);
}

void CampaignFilterBar::fieldChanged(const QString &text)
{
    // A field emptied (its clear button, or its last character deleted) is typing done: the
    // wider result is worth having at once.
    if (text.isEmpty()) {
        settle_->stop();
        apply();
    } else {
        settle_->start();
    }
}

bool CampaignFilterBar::typingPending() const
{
    return settle_->isActive();
}

void CampaignFilterBar::apply()
{
    Q_EMIT filterChanged(filter());
}

CampaignFilter CampaignFilterBar::filter() const
{
    CampaignFilter filter;
    filter.text = text_->text().trimmed();
    for (size_t d = 0; d < qualifiesFor_.size(); ++d)
        filter.qualifiesFor[d] = qualifiesFor_[d]->text().trimmed();
    filter.status = CampaignFilter::Status(status_->currentData().toInt());
    filter.neverServes = neverServes_->isChecked();
    return filter;
}

void CampaignFilterBar::setBusy(bool busy)
{
    busy_->setText(busy ? tr("Filtering…") : QString());
}

} // namespace adserve
