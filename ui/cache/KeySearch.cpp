#include "KeySearch.h"

#include <QObject>
#include <QRegularExpression>

namespace adserve {

namespace {

bool hasGlob(const QString &text)
{
    return text.contains(QLatin1Char('*')) || text.contains(QLatin1Char('?')) || text.contains(QLatin1Char('['));
}

} // namespace

KeySearch::KeySearch(const QString &text)
    : text_(text.trimmed())
{
    const bool onlyStars = !text_.isEmpty() && text_.count(QLatin1Char('*')) == text_.size();
    kind_ = text_.isEmpty() || onlyStars || text_.contains(QLatin1Char(':')) ? Kind::KeyPattern : Kind::CampaignCode;
}

QByteArray KeySearch::keyPattern() const
{
    return text_.isEmpty() ? QByteArrayLiteral("*") : text_.toUtf8();
}

CodePattern KeySearch::codePattern() const
{
    const QString glob = hasGlob(text_) ? text_ : QStringLiteral("*%1*").arg(text_);
    // No prefix (empty, not null: a null one binds as NULL): the store compares prefixes
    // case-sensitively, and "Spotify" should find "spotify".
    return {QStringLiteral(""), QRegularExpression(QRegularExpression::wildcardToRegularExpression(glob),
                                          QRegularExpression::CaseInsensitiveOption)};
}

QString KeySearch::describe() const
{
    return kind_ == Kind::CampaignCode ? QObject::tr("campaign codes matching %1").arg(text_)
                                       : QObject::tr("keys matching %1").arg(QString::fromUtf8(keyPattern()));
}

} // namespace adserve
