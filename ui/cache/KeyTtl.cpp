#include "KeyTtl.h"

#include "cache/CacheBackend.h"

#include <QRegularExpression>

namespace adserve {

KeyTtl KeyTtl::readNow(qint64 pttlMs)
{
    KeyTtl ttl;
    if (pttlMs == kTtlNoExpiry) {
        ttl.state_ = State::Persistent;
    } else if (pttlMs >= 0) {
        ttl.state_ = State::Expiring;
        ttl.deadline_ = QDeadlineTimer(pttlMs);
    }
    return ttl;
}

qint64 KeyTtl::remainingMs() const
{
    switch (state_) {
    case State::Gone:
        return kTtlMissingKey;
    case State::Persistent:
        return kTtlNoExpiry;
    case State::Expiring:
        break;
    }
    return std::max<qint64>(0, deadline_.remainingTime());
}

QString KeyTtl::text() const
{
    switch (state_) {
    case State::Gone:
        return QObject::tr("gone");
    case State::Persistent:
        return QObject::tr("persistent");
    case State::Expiring:
        break;
    }
    return formatTtl(remainingMs());
}

QString formatTtl(qint64 ms)
{
    if (ms <= 0)
        return QObject::tr("expired");
    // Rounded up: "1s" until the key is really gone, and a fresh 24 h key reads "24h 0m 0s".
    const qint64 s = (ms + 999) / 1000;
    // Days only past one: the cache's own TTL, a day, reads "24h 0m 0s".
    const qint64 days = s > 86400 ? s / 86400 : 0;
    const qint64 hours = (s - days * 86400) / 3600, minutes = s / 60 % 60, seconds = s % 60;
    if (days > 0)
        return QStringLiteral("%1d %2h %3m %4s").arg(days).arg(hours).arg(minutes).arg(seconds);
    if (hours > 0)
        return QStringLiteral("%1h %2m %3s").arg(hours).arg(minutes).arg(seconds);
    if (minutes > 0)
        return QStringLiteral("%1m %2s").arg(minutes).arg(seconds);
    return QStringLiteral("%1s").arg(seconds);
}

std::optional<qint64> parseTtlSeconds(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t.isEmpty())
        return std::nullopt;
    bool plain = false;
    const qint64 seconds = t.toLongLong(&plain);
    if (plain)
        return seconds >= 0 ? std::optional<qint64>(seconds) : std::nullopt;
    static const QRegularExpression whole(QStringLiteral("^(\\s*\\d+\\s*[dhms])+\\s*$"));
    if (!whole.match(t).hasMatch())
        return std::nullopt;
    static const QRegularExpression part(QStringLiteral("(\\d+)\\s*([dhms])"));
    qint64 total = 0;
    for (auto it = part.globalMatch(t); it.hasNext();) {
        const auto m = it.next();
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        total += n * (unit == QLatin1Char('d') ? 86400 : unit == QLatin1Char('h') ? 3600 : unit == QLatin1Char('m') ? 60 : 1);
    }
    return total;
}

TtlItem::TtlItem(const KeyTtl &ttl)
    : ttl_(ttl)
{
}

QVariant TtlItem::data(int role) const
{
    if (role == Qt::DisplayRole)
        return ttl_.text();
    return QTableWidgetItem::data(role);
}

bool TtlItem::operator<(const QTableWidgetItem &other) const
{
    const auto *that = dynamic_cast<const TtlItem *>(&other);
    if (!that)
        return QTableWidgetItem::operator<(other);
    // Gone first, then by time left, persistent last.
    const auto rank = [](const KeyTtl &t) {
        return t.gone() ? -1 : t.persistent() ? std::numeric_limits<qint64>::max() : t.remainingMs();
    };
    return rank(ttl_) < rank(that->ttl_);
}

TtlSpinBox::TtlSpinBox(QWidget *parent)
    : QSpinBox(parent)
{
    setRange(0, 365 * 86400);
    setToolTip(tr("The time to live to set: \"24h\", \"1h 30m\", \"90s\" or seconds; 0 is persistent (no expiry)"));
}

QString TtlSpinBox::textFromValue(int seconds) const
{
    return seconds == 0 ? tr("persistent") : formatTtl(qint64(seconds) * 1000);
}

int TtlSpinBox::valueFromText(const QString &text) const
{
    if (text.trimmed() == tr("persistent"))
        return 0;
    return int(parseTtlSeconds(text).value_or(value()));
}

QValidator::State TtlSpinBox::validate(QString &text, int &) const
{
    if (text.trimmed() == tr("persistent"))
        return QValidator::Acceptable;
    if (const auto seconds = parseTtlSeconds(text))
        return *seconds <= maximum() ? QValidator::Acceptable : QValidator::Invalid;
    // Half typed ("1h 3", "persis"): let the user go on.
    static const QRegularExpression partial(QStringLiteral("^[\\dhmsd\\s]*$|^p[a-z]*$"));
    return partial.match(text.trimmed().toLower()).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

} // namespace adserve
