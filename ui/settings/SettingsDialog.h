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
class SecretStore;

// Chooses what the studio connects to: the embedded default (SQLite file + in-memory
// cache) or PostgreSQL and Redis, with buttons that test each connection, plus the
// delivery settings. Passwords have fields of their own, and a line says where they are
// kept (`secrets`); where no secret store runs, the user may agree to keep them in a file.
// The result is only applied by the caller when accepted.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const ConnectionSettings &current, const SecretStore &secrets, QWidget *parent = nullptr);

    // With the passwords in their URLs.
    ConnectionSettings settings() const;
    // Whether the user agreed to keep passwords in a file where no secret store runs.
    bool keepsPasswordsInFile() const;

private:
    void updateEnabled();
    void showSecretsPlace(const SecretStore &secrets);
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
    QLineEdit *databasePassword_;
    QLineEdit *redisPassword_;
    QLabel *secretsPlace_;
    QCheckBox *keepInFile_;
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
