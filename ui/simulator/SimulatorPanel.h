#pragma once

#include "DeliveryRequest.h"

#include <QWidget>

class QComboBox;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace adserve {

class StudioSession;
class WhatIfGrid;

// The campaign manager's preview: country / OS / app in, the delivery response out exactly
// as the endpoint answers it, where each campaign's details came from (cache or store),
// the time spent in match, cache and store, and for every campaign why it was or was not
// delivered. A what-if grid and "Copy as curl" complete it.
class SimulatorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SimulatorPanel(StudioSession &session, QWidget *parent = nullptr);

    void setRequest(const QString &country, const QString &os, const QString &app);
    DeliveryRequest request() const;
    // Runs the request through the delivery path and the HTTP API; refreshes every view.
    void simulate();
    // The last response: HTTP status and body, as the endpoint returned it.
    int responseStatus() const { return responseStatus_; }
    QByteArray responseBody() const { return responseBody_; }
    QString curlCommand() const;
    void copyAsCurl();

    QTableWidget *deliveredTable() const { return delivered_; }
    QTableWidget *explainTable() const { return explain_; }
    WhatIfGrid *whatIf() const { return grid_; }

private:
    void refreshCampaignChoices();
    void showExplanations();

    StudioSession &session_;
    QLineEdit *country_, *os_, *app_;
    QComboBox *endpoint_;
    QLabel *status_;
    QPlainTextEdit *body_;
    QTableWidget *delivered_;
    QLabel *timing_;
    QComboBox *whyNot_;
    QCheckBox *onlyRejected_;
    QTableWidget *explain_;
    QLineEdit *curl_;
    WhatIfGrid *grid_;
    int responseStatus_ = 0;
    QByteArray responseBody_;
};

} // namespace adserve
