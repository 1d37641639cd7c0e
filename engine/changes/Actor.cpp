#include "Actor.h"

#include <pwd.h>
#include <unistd.h>

namespace adserve {

QString currentLoginName()
{
    if (const passwd *user = getpwuid(geteuid()); user && user->pw_name && *user->pw_name)
        return QString::fromLocal8Bit(user->pw_name);
    return QStringLiteral("uid %1").arg(geteuid());
}

} // namespace adserve
