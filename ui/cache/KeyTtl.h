#pragma once

#include <QDeadlineTimer>
#include <QSpinBox>
#include <QString>
#include <QTableWidgetItem>

#include <optional>

namespace adserve {

// A key's time to live as read once (Redis PTTL convention: -2 gone, -1 no expiry), counting
// down from then: showing it again needs the clock, not the cache.
class KeyTtl
{
public:
    KeyTtl() = default;
    // `pttlMs` read just now.
    static KeyTtl readNow(qint64 pttlMs);

    bool persistent() const { return state_ == State::Persistent; }
    bool gone() const { return state_ == State::Gone; }
    // Milliseconds left now (0 once expired); -1 persistent, -2 gone.
    qint64 remainingMs() const;
    // The one way the studio writes a TTL: "23h 59m 12s", "persistent", "expired", "gone".
    QString text() const;

private:
    enum class State { Gone, Persistent, Expiring };
    State state_ = State::Gone;
    QDeadlineTimer deadline_;
};

// "2d 3h 0m 5s" / "23h 59m 12s" / "4m 0s" / "12s"; a negative or zero span is "expired".
QString formatTtl(qint64 ms);
// Reads "1h 30m", "90s", "2d", "90" (seconds) and mixes of them; nullopt when it is none of these.
std::optional<qint64> parseTtlSeconds(const QString &text);

// The TTL cell of the key browser: its text is worked out when painted, so a repaint a second
// counts every visible row down; it sorts by time left (persistent last).
class TtlItem : public QTableWidgetItem
{
public:
    explicit TtlItem(const KeyTtl &ttl);
    const KeyTtl &ttl() const { return ttl_; }
    QVariant data(int role) const override;
    bool operator<(const QTableWidgetItem &other) const override;

private:
    KeyTtl ttl_;
};

// The TTL editor, in the same words: "23h 59m 59s", 0 being "persistent".
class TtlSpinBox : public QSpinBox
{
    Q_OBJECT
public:
    explicit TtlSpinBox(QWidget *parent = nullptr);

protected:
    QString textFromValue(int seconds) const override;
    int valueFromText(const QString &text) const override;
    QValidator::State validate(QString &text, int &pos) const override;
};

} // namespace adserve
