#pragma once

#include "DeliveryRequest.h"
#include "targeting/MatchIndex.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;
class QTableView;
class QTabWidget;

namespace adserve {

class BackgroundJob;
class FlashLabel;
class StudioSession;
class TextTableModel;
class WhatIfGrid;

// The campaign manager's preview: country / OS / app in, the delivery response out exactly
// as the endpoint answers it, where each campaign's details came from (cache or store),
// the time spent in match, cache and store, and for every campaign why it was or was not
// delivered. A what-if grid and "Copy as curl" complete it. All of it can be answered at
// another instant (flights and day-parting as they will be, or were then) and for a limit.
class SimulatorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SimulatorPanel(StudioSession &session, QWidget *parent = nullptr);
    ~SimulatorPanel() override;

    void setRequest(const QString &country, const QString &os, const QString &app);
    // Shows `request` in the inputs (endpoint, country, OS, app, limit; as of now) and runs it.
    void openRequest(const DeliveryRequest &request);
    DeliveryRequest request() const;
    // Runs the request through the delivery path and the HTTP API in the background; every
    // view is refreshed when job() finishes. A simulation still running is cancelled and
    // this request runs once it has stopped: the newest request wins.
    void simulate();
    BackgroundJob *job() const { return job_; }
    // The last response: HTTP status and body, as the endpoint returned it. At another
    // instant nothing is sent (the delivery routes answer as of now): 0 and empty.
    int responseStatus() const { return responseStatus_; }
    QByteArray responseBody() const { return responseBody_; }
    QString curlCommand() const;
    void copyAsCurl();
    // The confirmation beside Copy as curl ("Copied"; empty once it has faded).
    QString copyConfirmation() const;

    TextTableModel *deliveredTable() const { return delivered_; }
    // At most 2000 rows; its view's tooltip tells how many campaigns there are in all.
    TextTableModel *explainTable() const { return explain_; }
    QTableView *explainView() const { return explainView_; }
    WhatIfGrid *whatIf() const { return grid_; }
    QTabWidget *tabs() const { return tabs_; }

Q_SIGNALS:
    // "Open in editor" on a why-not row: the user wants to edit this campaign.
    void openCampaign(qint64 campaignId);

private:
    void openCampaignOfRow(int row);
    // A cell of the what-if grid double-clicked: that request, explained (for `campaignId`, when not 0).
    void showRequestOfGrid(const QString &country, const QString &os, qint64 campaignId);
    struct Simulation;
    // What the last simulation explained: the campaign and "not delivered" filters choose
    // among these pages instead of explaining the store again.
    struct Explanations
    {
        TargetingQuery query;
        AnswerScope scope;
        MatchIndex::ExplainPage everyCampaign, notDelivered;
    };

    void refreshCampaignChoices();
    void showCurl();
    // The instant or the limit changed: the grid follows, the request runs again.
    void scopeChanged();
    QString statusOf(const Simulation &simulation) const;
    void showSimulation(const Simulation &simulation);
    void showCancelled();
    // Empties every view of the response and the explanations; `status` says why.
    void clearResult(const QString &status);
    void showExplanations();

    StudioSession &session_;
    QLineEdit *country_, *os_, *app_;
    QComboBox *endpoint_;
    QSpinBox *limit_;
    QRadioButton *atNow_, *atOther_;
    QDateTimeEdit *at_; // local time
    QLabel *status_;
    QPlainTextEdit *body_;
    TextTableModel *delivered_;
    QLabel *timing_;
    QComboBox *whyNot_;
    QCheckBox *onlyRejected_;
    TextTableModel *explain_;
    QTableView *explainView_;
    QLineEdit *curl_;
    FlashLabel *copied_;
    QTabWidget *tabs_; // delivery, what-if grid
    WhatIfGrid *grid_;
    BackgroundJob *job_;
    bool awaitingResult_ = false; // the views wait for the running job's result
    bool simulateAgain_ = false;  // a newer request waits for the running job to stop
    bool simulateWhenLoaded_ = false; // a request waits for the store's campaigns to load
    int responseStatus_ = 0;
    QByteArray responseBody_;
    std::optional<Explanations> explanations_;
};

} // namespace adserve
