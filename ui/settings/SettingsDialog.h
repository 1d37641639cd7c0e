#pragma once

#include "ConnectionProfiles.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace adserve {

class ProfileForm;
class ProfileSwitcher;

// The connection profile manager: the profiles on the left (add, duplicate, rename, delete),
// the selected one's form on the right. "Connect" saves the profiles and switches to the
// selected one; "Save" saves them (and reconnects the profile in use when its settings
// changed); "Cancel" forgets the edits. A line says where passwords are kept; where no
// secret store runs, the user may agree to keep them in a file. When a connection fails the
// dialog says why and stays open, and the connection in use stays.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(ProfileSwitcher &switcher, QWidget *parent = nullptr);

    // The profiles as edited, the one on show with the form's values.
    QList<ConnectionProfile> profiles() const;
    void select(const QString &name);

private:
    void showProfile(int row);
    void keepShown();
    void showName(int row);
    void addProfile(ConnectionProfile profile);
    void duplicateProfile();
    void renameProfile();
    void deleteProfile();
    void nameEdited(const QString &name);
    void updateButtons();
    void showSecretsPlace();
    void save(bool connectSelected);
    void done(int result) override;

    ProfileSwitcher &switcher_;
    QList<ConnectionProfile> profiles_; // as edited, in the list's order
    QList<ConnectionProfile> saved_;    // as last saved: whether the one in use changed
    QString inUse_;                     // the id of the profile in use
    int shown_ = -1;                    // the row whose profile the form shows
    QListWidget *list_;
    QPushButton *duplicate_;
    QPushButton *rename_;
    QPushButton *delete_;
    QLineEdit *name_;
    QLabel *nameProblem_;
    ProfileForm *form_;
    QLabel *secretsPlace_;
    QCheckBox *keepInFile_;
    QLabel *error_;
};

} // namespace adserve
