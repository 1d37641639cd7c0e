#pragma once

#include "ConnectionSettings.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QGroupBox;

namespace adserve {

class BackgroundJob;

// Chooses what the studio connects to: the embedded default (SQLite file + in-memory
// cache) or PostgreSQL and Redis, with buttons that test each connection, plus the
// delivery settings. The result is only applied by the caller when accepted.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const ConnectionSettings &current, QWidget *parent = nullptr);

    ConnectionSettings settings() const;

private:
    void updateEnabled();
    void testDatabase();
    void testCache();
    void accept() override;
    void done(int result) override;

    QRadioButton *embedded_;
    QRadioButton *external_;
    QLineEdit *sqlitePath_;
    QGroupBox *externalBox_;
    QLineEdit *databaseUrl_;
    QLineEdit *redisUrl_;
    QCheckBox *cluster_;
    QPushButton *testDatabase_;
    QPushButton *testCache_;
    QLabel *databaseResult_;
    QLabel *cacheResult_;
    QSpinBox *batchSize_;
    QSpinBox *ttl_;
    QLineEdit *listen_;
    QLabel *error_;
    BackgroundJob *job_;
};

} // namespace adserve
