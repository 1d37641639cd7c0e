#pragma once

#include "targeting/MatchIndex.h"

#include <QWidget>

class QLineEdit;
class QTableWidget;

namespace adserve {

class StudioSession;

// "What if a request came from here?": countries × OSes (and one app); each cell shows how
// many campaigns would be delivered, which ones in its tooltip, coloured as a heat map.
// Matching is microseconds per cell against the compiled index, so it runs inline. It answers
// for the simulator's instant and limit.
class WhatIfGrid : public QWidget
{
    Q_OBJECT
public:
    explicit WhatIfGrid(StudioSession &session, QWidget *parent = nullptr);

    void compute();
    // The instant and the limit the cells are answered for; a grid shown is computed again.
    void setScope(const AnswerScope &scope);
    QTableWidget *table() const { return table_; }

private:
    // Answers again for what changed (the scope, the store), once a grid is there.
    void computeIfShown();

    StudioSession &session_;
    QLineEdit *countries_;
    QLineEdit *systems_;
    QLineEdit *app_;
    QTableWidget *table_;
    AnswerScope scope_;
};

} // namespace adserve
