#pragma once

#include "ConnectionSettings.h"

#include <QWidget>

class QCheckBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace adserve {

class BackgroundJob;

// The form of one connection profile: the store (an SQLite file or PostgreSQL) and the cache
// (in memory or Redis), chosen independently, each server with a button that tests it, and
// the delivery settings. Passwords have fields of their own; every address stays in its field
// whichever choice is made, so choosing back finds it again.
class ProfileForm : public QWidget
{
    Q_OBJECT
public:
    explicit ProfileForm(QWidget *parent = nullptr);

    // Shows `settings`; with `fixedStorage` (the built-in profile) the store and cache cannot
    // be changed. A test still running for the settings shown before is dropped.
    void setSettings(const ConnectionSettings &settings, bool fixedStorage);
    // With the passwords in their URLs.
    ConnectionSettings settings() const;
    // A connection test still waiting for a dead server is left to finish on its own.
    void abandonTests();

private:
    void updateEnabled();
    void testDatabase();
    void testCache();

    QGroupBox *storeBox_;
    QGroupBox *cacheBox_;
    QLabel *fixedNote_;
    QRadioButton *sqlite_;
    QRadioButton *postgres_;
    QLineEdit *sqlitePath_;
    QLineEdit *databaseUrl_;
    QLineEdit *databasePassword_;
    QPushButton *testDatabase_;
    QLabel *databaseResult_;
    QRadioButton *memory_;
    QRadioButton *redis_;
    QLineEdit *redisUrl_;
    QLineEdit *redisPassword_;
    QCheckBox *cluster_;
    QPushButton *testCache_;
    QLabel *cacheResult_;
    QSpinBox *batchSize_;
    QSpinBox *ttl_;
    QLineEdit *listen_;
    BackgroundJob *job_;
};

} // namespace adserve
