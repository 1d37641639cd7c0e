#pragma once

#include "store/CampaignStore.h"

#include <QByteArray>
#include <QString>

namespace adserve {

// What the key browser's search box holds: a Redis key pattern ("campaign:*", "profile:7")
// or a campaign code, part of one, or a glob over codes ("spotify", "*spotify*", "sum*").
// Text with a ':' or nothing but '*' is a key pattern; empty is every key; anything else is
// looked up as a code first (codes never hold ':').
class KeySearch
{
public:
    enum class Kind { KeyPattern, CampaignCode };

    KeySearch() : KeySearch(QString()) {}
    explicit KeySearch(const QString &text);

    Kind kind() const { return kind_; }
    QString text() const { return text_; }
    // The pattern to SCAN with: the key pattern, or the text taken as one when no code matches.
    QByteArray keyPattern() const;
    // The codes picked, case-insensitively: a glob as given, plain text anywhere in the code.
    CodePattern codePattern() const;
    // What the search found, in words: "campaign codes matching *spotify*", "keys matching campaign:*".
    QString describe() const;

private:
    Kind kind_;
    QString text_;
};

} // namespace adserve
