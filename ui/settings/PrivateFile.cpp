#include "PrivateFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>

namespace adserve::PrivateFile {

bool ensure(const QString &path)
{
    constexpr QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    QFile file(path);
    if (file.exists())
        return file.setPermissions(ownerOnly);
    QDir().mkpath(QFileInfo(path).absolutePath());
    // Created with its mode: never readable by others, not even for a moment.
    return file.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly);
}

bool sync(QSettings &settings)
{
    if (!ensure(settings.fileName()))
        return false;
    settings.sync();
    return settings.status() == QSettings::NoError;
}

} // namespace adserve::PrivateFile
