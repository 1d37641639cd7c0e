#pragma once

#include "targeting/MatchIndex.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace adserve {

class StudioSession;

// "What if a request came from here?": countries × OSes, for the request bar's app; each
// cell shows how many campaigns would be delivered, which ones in its tooltip, coloured as
// a heat map. Focused on one campaign, each cell says whether it serves there, or which
// dimension (or its status, flight, hours, the limit) keeps it out. Matching is microseconds
// per cell against the compiled index, so it runs inline. It answers for the simulator's
// instant and limit. Double-clicking a cell asks for that request in the simulator.
class WhatIfGrid : public QWidget
{
    Q_OBJECT
public:
    // Item data of a cell besides its text.
    enum Role { CountRole = Qt::UserRole, BlockedByRole }; // BlockedByRole: focused, not served: "country", "inactive", ...

    explicit WhatIfGrid(StudioSession &session, QWidget *parent = nullptr);

    void compute();
    // The instant and the limit the cells are answered for; a grid shown is computed again.
    void setScope(const AnswerScope &scope);
    // The request bar's inputs: the app every cell asks with, and the country and OS whose
    // cell is marked (a row and a column of their own when the lists lack them).
    void setRequest(const QString &country, const QString &os, const QString &app);
    // One campaign's serving (0: every campaign's count); a grid shown is computed again.
    void focusOn(qint64 campaignId);
    qint64 focusedCampaign() const;
    QTableWidget *table() const { return table_; }

Q_SIGNALS:
    // A cell was double-clicked: show this request (and the focused campaign's why-not).
    void requestChosen(const QString &country, const QString &os, qint64 focusedCampaign);

private:
    // Answers again for what changed (the scope, the store), once a grid is there.
    void computeIfShown();
    void refreshCampaignChoices();
    void fillCount(int row, int column, const std::vector<qint64> &ids, int max, const MatchIndex &index);
    void fillFocused(int row, int column, const Decision &decision);

    StudioSession &session_;
    QLineEdit *countries_;
    QLineEdit *systems_;
    QComboBox *focus_;
    QLabel *appShown_;
    QTableWidget *table_;
    bool computeWhenLoaded_ = false; // asked for while the store's campaigns load
    AnswerScope scope_;
    QString country_, os_, app_; // the request bar's
};

} // namespace adserve
