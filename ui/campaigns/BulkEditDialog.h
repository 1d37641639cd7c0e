#pragma once

#include "CampaignCatalog.h"
#include "changes/BulkEdit.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QTimer;

namespace adserve {

class ReachImpactLabel;
class RecordedTrafficSource;
class ValueCatalog;

// Asks for a bulk edit: what (activate, deactivate, delete, add or remove a targeting
// value), on which campaigns (the selection or every campaign the filter shows), with a
// preview of its effect on delivery worked out in the background as the inputs change
// ("1,240 campaigns will stop serving in US"), and what it does to the requests of the last
// days they serve.
class BulkEditDialog : public QDialog
{
    Q_OBJECT
public:
    BulkEditDialog(std::shared_ptr<const CampaignCatalog> catalog, QList<qint64> selected, QList<qint64> filtered,
                   ValueCatalog &values, RecordedTrafficSource &traffic, QWidget *parent = nullptr);

    BulkEdit edit() const;
    // The campaigns the edit is for.
    const QList<qint64> &ids() const;
    QString previewText() const;
    // Whether the preview of the inputs as they are is shown (Apply is enabled then).
    bool isPreviewShown() const;

private:
    void inputsChanged();
    void preview();

    std::shared_ptr<const CampaignCatalog> catalog_;
    QList<qint64> selected_;
    QList<qint64> filtered_;
    QComboBox *action_;
    QComboBox *dimension_;
    QComboBox *ruleType_;
    QLineEdit *value_;
    QRadioButton *onSelection_;
    QRadioButton *onFiltered_;
    QLabel *preview_;
    ReachImpactLabel *reach_;
    QPushButton *apply_;
    QTimer *previewSoon_;
    int previewsAsked_ = 0; // the latest preview wins
};

} // namespace adserve
