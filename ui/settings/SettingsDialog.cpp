#include "SettingsDialog.h"

#include "ProfileForm.h"
#include "ProfileSwitcher.h"
#include "SecretStore.h"
#include "common/Tones.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace adserve {

namespace {

QPushButton *button(const QString &text, const char *name)
{
    auto *b = new QPushButton(text);
    b->setObjectName(QLatin1String(name));
    return b;
}

QLabel *errorLabel(const char *name)
{
    auto *label = new QLabel;
    label->setObjectName(QLatin1String(name));
    Tones::setTextTone(label, Tones::Bad);
    label->setWordWrap(true);
    return label;
}

std::optional<ConnectionProfile> withId(const QList<ConnectionProfile> &profiles, const QString &id)
{
    for (const ConnectionProfile &profile : profiles) {
        if (profile.id == id)
            return profile;
    }
    return std::nullopt;
}

} // namespace

SettingsDialog::SettingsDialog(ProfileSwitcher &switcher, QWidget *parent)
    : QDialog(parent)
    , switcher_(switcher)
    , profiles_(switcher.profiles())
    , saved_(profiles_)
    , list_(new QListWidget)
    , duplicate_(button(tr("Duplicate"), "duplicateProfile"))
    , rename_(button(tr("Rename"), "renameProfile"))
    , delete_(button(tr("Delete"), "deleteProfile"))
    , name_(new QLineEdit)
    , nameProblem_(errorLabel("nameProblem"))
    , form_(new ProfileForm)
    , secretsPlace_(new QLabel)
    , keepInFile_(new QCheckBox(tr("Keep passwords in a file only you can read (%1)").arg(switcher.secrets().filePath())))
    , error_(errorLabel("settingsError"))
{
    setWindowTitle(tr("Connection profiles"));
    setObjectName(QStringLiteral("settingsDialog"));
    list_->setObjectName(QStringLiteral("profileList"));
    name_->setObjectName(QStringLiteral("profileName"));
    secretsPlace_->setObjectName(QStringLiteral("secretsPlace"));
    secretsPlace_->setWordWrap(true);
    keepInFile_->setObjectName(QStringLiteral("keepPasswordsInFile"));
    keepInFile_->setChecked(switcher.secrets().keepsInFile());
    auto *add = button(tr("Add"), "addProfile");
    delete_->setToolTip(tr("The built-in profile and the one in use cannot be deleted."));

    const QString current = switcher.currentName();
    for (const ConnectionProfile &profile : std::as_const(profiles_)) {
        if (profile.name == current)
            inUse_ = profile.id;
        list_->addItem(profile.name);
    }
    for (int row = 0; row < list_->count(); ++row)
        showName(row);

    auto *listButtons = new QHBoxLayout;
    for (QPushButton *b : {add, duplicate_, rename_, delete_}) {
        b->setAutoDefault(false); // Enter connects, whichever of them was clicked last
        listButtons->addWidget(b);
    }
    auto *left = new QVBoxLayout;
    left->addWidget(list_, 1);
    left->addLayout(listButtons);

    auto *nameForm = new QFormLayout;
    nameForm->addRow(tr("Name"), name_);
    nameForm->addRow(QString(), nameProblem_);
    auto *right = new QVBoxLayout;
    right->addLayout(nameForm);
    right->addWidget(form_, 1);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 3);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    QPushButton *connectButton = button(tr("Connect"), "connectProfile");
    buttons->addButton(connectButton, QDialogButtonBox::AcceptRole);
    buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveProfiles"));
    buttons->button(QDialogButtonBox::Save)->setAutoDefault(false); // Enter connects

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(secretsPlace_);
    layout->addWidget(keepInFile_);
    layout->addWidget(error_);
    layout->addWidget(buttons);

    connect(list_, &QListWidget::currentRowChanged, this, &SettingsDialog::showProfile);
    connect(add, &QPushButton::clicked, this, [this] {
        addProfile({ConnectionProfiles::newId(profiles_), ConnectionProfiles::freeName(tr("New profile"), profiles_), {}});
    });
    connect(duplicate_, &QPushButton::clicked, this, &SettingsDialog::duplicateProfile);
    connect(rename_, &QPushButton::clicked, this, &SettingsDialog::renameProfile);
    connect(delete_, &QPushButton::clicked, this, &SettingsDialog::deleteProfile);
    connect(name_, &QLineEdit::textEdited, this, &SettingsDialog::nameEdited);
    connect(connectButton, &QPushButton::clicked, this, [this] { save(true); });
    connect(buttons->button(QDialogButtonBox::Save), &QPushButton::clicked, this, [this] { save(false); });
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(&switcher.secrets(), &SecretStore::loaded, this, &SettingsDialog::showSecretsPlace);
    showSecretsPlace();
    select(current);
    list_->setFocus();
    connectButton->setDefault(true);
    resize(960, sizeHint().height());
}

QList<ConnectionProfile> SettingsDialog::profiles() const
{
    QList<ConnectionProfile> edited = profiles_;
    if (shown_ >= 0)
        edited[shown_].settings = form_->settings();
    return edited;
}

void SettingsDialog::select(const QString &name)
{
    for (int row = 0; row < profiles_.size(); ++row) {
        if (profiles_.at(row).name == name)
            list_->setCurrentRow(row);
    }
}

void SettingsDialog::showProfile(int row)
{
    keepShown();
    shown_ = row;
    error_->clear();
    if (row < 0 || row >= profiles_.size())
        return;
    const ConnectionProfile &profile = profiles_.at(row);
    form_->setSettings(profile.settings, profile.isBuiltIn());
    name_->setText(profile.name);
    name_->setEnabled(!profile.isBuiltIn());
    nameProblem_->setText(ConnectionProfiles::nameProblem(profile.name, profile.id, profiles_));
    updateButtons();
}

void SettingsDialog::keepShown()
{
    if (shown_ >= 0 && shown_ < profiles_.size())
        profiles_[shown_].settings = form_->settings();
}

void SettingsDialog::showName(int row)
{
    const ConnectionProfile &profile = profiles_.at(row);
    QListWidgetItem *item = list_->item(row);
    const bool inUse = profile.id == inUse_;
    item->setText(inUse ? tr("%1  (in use)").arg(profile.name) : profile.name);
    QFont font = item->font();
    font.setBold(inUse);
    item->setFont(font);
}

void SettingsDialog::addProfile(ConnectionProfile profile)
{
    keepShown();
    profiles_ << profile;
    list_->addItem(profile.name);
    showName(int(profiles_.size()) - 1);
    list_->setCurrentRow(int(profiles_.size()) - 1);
    renameProfile(); // a new profile wants a name of its own
}

void SettingsDialog::duplicateProfile()
{
    keepShown();
    ConnectionProfile copy = profiles_.at(list_->currentRow());
    copy.id = ConnectionProfiles::newId(profiles_);
    copy.name = ConnectionProfiles::freeName(tr("%1 copy").arg(copy.name.trimmed()), profiles_);
    addProfile(copy);
}

void SettingsDialog::renameProfile()
{
    name_->setFocus();
    name_->selectAll();
}

void SettingsDialog::deleteProfile()
{
    const int row = list_->currentRow();
    if (row < 0 || profiles_.at(row).isBuiltIn() || profiles_.at(row).id == inUse_)
        return;
    shown_ = -1; // its form goes with it
    profiles_.removeAt(row);
    delete list_->takeItem(row);
}

void SettingsDialog::nameEdited(const QString &name)
{
    if (shown_ < 0)
        return;
    profiles_[shown_].name = name;
    showName(shown_);
    nameProblem_->setText(ConnectionProfiles::nameProblem(name, profiles_.at(shown_).id, profiles_));
}

void SettingsDialog::updateButtons()
{
    const int row = list_->currentRow();
    const bool fixed = row < 0 || profiles_.at(row).isBuiltIn();
    duplicate_->setEnabled(row >= 0);
    rename_->setEnabled(!fixed);
    delete_->setEnabled(!fixed && profiles_.at(row).id != inUse_);
}

void SettingsDialog::showSecretsPlace()
{
    const SecretStore &secrets = switcher_.secrets();
    secretsPlace_->setText(secrets.describe());
    secretsPlace_->setToolTip(secrets.secretStoreError());
    keepInFile_->setVisible(secrets.lacksSecretStore()); // the choice only exists then
}

void SettingsDialog::save(bool connectSelected)
{
    keepShown();
    int at = list_->currentRow();
    if (const QString why = ConnectionProfiles::problem(profiles_, &at); !why.isEmpty()) {
        list_->setCurrentRow(at);
        error_->setText(why);
        return;
    }
    switcher_.secrets().setKeepInFile(keepInFile_->isChecked());
    switcher_.saveAll(profiles_);
    // What to open: the chosen profile, or the one in use when its connection changed.
    std::optional<ConnectionProfile> target;
    if (connectSelected && list_->currentRow() >= 0)
        target = profiles_.at(list_->currentRow());
    const auto was = withId(saved_, inUse_);
    const auto now = withId(profiles_, inUse_);
    if (!target && was && now && was->settings != now->settings)
        target = now;
    saved_ = profiles_;
    QString error;
    if (target && !switcher_.switchTo(target->name.trimmed(), &error)) {
        error_->setText(tr("Not connected to “%1”: %2\nThe profiles are saved; the previous connection is still in use.")
                            .arg(target->name.trimmed(), redactUrl(error)));
        return;
    }
    accept();
}

void SettingsDialog::done(int result)
{
    // A connection test still waiting for a dead server must not hold the window: its work
    // needs nothing of the dialog, so it is left to finish on its own.
    form_->abandonTests();
    QDialog::done(result);
}

} // namespace adserve
