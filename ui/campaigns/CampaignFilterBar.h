#pragma once

#include "CampaignView.h"

#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;

namespace adserve {

class ValueCatalog;

// The campaigns table's filter: text, the request values a campaign must serve (country,
// OS, app), status and "can never serve", combined. Typing is debounced: the filter is
// announced once the hand pauses, not at each keystroke. Beside it, "Filtering…" while the
// table works out its rows.
class CampaignFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit CampaignFilterBar(ValueCatalog &values, QWidget *parent = nullptr);

    CampaignFilter filter() const;
    // Shows or hides the busy sign.
    void setBusy(bool busy);
    QLineEdit *textEdit() const { return text_; }
    // Typed and not yet announced: the typing pause has not passed.
    bool typingPending() const;

    // How long typing must pause before the filter applies (a field emptied applies at once).
    static constexpr int kDebounceMs = 100;

Q_SIGNALS:
    void filterChanged(const adserve::CampaignFilter &filter);

private:
    void fieldChanged(const QString &text);
    void apply(); // tells the filter as it stands now

    QLineEdit *text_;
    std::array<QLineEdit *, kDimensionCount> qualifiesFor_;
    QComboBox *status_;
    QCheckBox *neverServes_;
    QLabel *busy_;
    QTimer *settle_;
};

} // namespace adserve
