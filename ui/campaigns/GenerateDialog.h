#pragma once

#include "store/DatabaseTarget.h"

#include <QDialog>

class QSpinBox;

namespace adserve {

// Asks how many synthetic campaigns to generate and with which seed (pre-filled at random;
// the same seed gives the same campaigns again), and says which store they go into. Into
// PostgreSQL, where every instance on the database serves them, it asks once more before
// accepting, naming the database.
class GenerateDialog : public QDialog
{
    Q_OBJECT
public:
    explicit GenerateDialog(const DatabaseTarget &store, QWidget *parent = nullptr);

    qint64 count() const;
    quint64 seed() const;

    void accept() override;

private:
    bool confirmPostgres();

    const DatabaseTarget store_;
    QSpinBox *count_;
    QSpinBox *seed_;
};

} // namespace adserve
