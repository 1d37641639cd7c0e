#pragma once

#include <QString>

namespace adserve {

// A DATABASE_URL or REDIS_URL taken apart into the URL without its password and the
// password, so each can be kept where it belongs: the URL in a settings file, the password
// in a secret store. Understands what the engine reads: postgres:// and redis:// URLs
// (user info, and a postgres ?password= option) and libpq key=value strings.
struct UrlPassword
{
    QString url;      // without the password; the user name stays
    QString password; // as the server gets it (decoded); empty when the URL has none

    static UrlPassword split(const QString &url);
    // `url` with `password` put in, in the form the URL is written in; `url` itself when
    // `password` is empty. `url` must hold no password of its own.
    static QString join(const QString &url, const QString &password);
};

} // namespace adserve
