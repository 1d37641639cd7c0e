#pragma once

// What the tests of the connection settings and profiles share: the settings kept in the
// test's own folder, and a user's hands on the dialogs.
#include "settings/ConnectionProfiles.h"
#include "settings/SettingsDialog.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

namespace adserve::test {

// The settings the studio remembers go to `dir`, never the user's; as on a server or in CI
// no desktop secret store runs (a session bus that is not there) unless the test run
// provides one (ADSERVE_TEST_SECRET_STORE).
inline void keepSettingsIn(const QString &dir)
{
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir);
    QStandardPaths::setTestModeEnabled(true);
    if (!qEnvironmentVariableIsSet("ADSERVE_TEST_SECRET_STORE"))
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/adserve-test-bus");
}

inline void verifyOwnerOnly(const QString &path)
{
    const QFile::Permissions permissions = QFileInfo(path).permissions();
    QVERIFY2(permissions.testFlags(QFile::ReadOwner | QFile::WriteOwner), qPrintable(path));
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
                                      | QFile::WriteOther | QFile::ExeOther;
    QVERIFY2(!(permissions & others), qPrintable(QStringLiteral("%1: mode %2").arg(path).arg(int(permissions), 0, 16)));
}

// The studio's settings file holds none of `passwords` and only its owner may read it.
inline void verifyPrivateWithoutPasswords(const QString &path, const QList<QByteArray> &passwords)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray content = file.readAll();
    for (const QByteArray &password : passwords)
        QVERIFY2(!content.contains(password), content.constData());
    verifyOwnerOnly(path);
}

// Types `text` into the field `name` (a line edit or a spin box) in place of what it holds.
inline void typeInto(QWidget *scope, const QString &name, const QString &text)
{
    QWidget *field = scope->findChild<QWidget *>(name);
    QVERIFY2(field, qPrintable(name));
    if (auto *spin = qobject_cast<QAbstractSpinBox *>(field))
        spin->selectAll();
    else if (auto *edit = qobject_cast<QLineEdit *>(field))
        edit->selectAll();
    field->setFocus();
    if (auto *edit = qobject_cast<QLineEdit *>(field); edit && text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(field, text);
}

// Clicks a check box or radio button on its box, as a user does: the widget may be wider than its text.
inline void tick(QWidget *scope, const QString &name)
{
    auto *button = scope->findChild<QAbstractButton *>(name);
    QVERIFY2(button, qPrintable(name));
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(6, button->height() / 2));
}

inline void clickButton(QWidget *dialog, QDialogButtonBox::StandardButton which)
{
    if (auto *buttons = dialog->findChild<QDialogButtonBox *>())
        QTest::mouseClick(buttons->button(which), Qt::LeftButton);
}

inline void clickNamed(QWidget *scope, const QString &name)
{
    auto *button = scope->findChild<QAbstractButton *>(name);
    QVERIFY2(button, qPrintable(name));
    QTest::mouseClick(button, Qt::LeftButton);
}

// Remembers a profile `name` next to the others (made the one in use with `current`); its id.
inline QString rememberProfile(SecretStore &secrets, const QString &name, const ConnectionSettings &settings,
                               bool current = false)
{
    QSettings stored;
    ConnectionProfiles profiles(stored, secrets);
    QList<ConnectionProfile> all = profiles.all();
    const ConnectionProfile profile{ConnectionProfiles::newId(all), name, settings};
    all << profile;
    profiles.saveAll(all);
    if (current)
        profiles.setCurrent(profile.id);
    return profile.id;
}

// Clicks the profile `name` in the profile manager's list; false when it is not there.
inline bool selectProfile(QWidget *dialog, const QString &name)
{
    auto *manager = qobject_cast<SettingsDialog *>(dialog);
    auto *list = dialog->findChild<QListWidget *>(QStringLiteral("profileList"));
    const QList<ConnectionProfile> profiles = manager ? manager->profiles() : QList<ConnectionProfile>{};
    for (int row = 0; row < profiles.size(); ++row) {
        if (profiles.at(row).name == name) {
            QListWidgetItem *item = list->item(row);
            list->scrollToItem(item);
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
            return list->currentRow() == row;
        }
    }
    return false;
}

} // namespace adserve::test
