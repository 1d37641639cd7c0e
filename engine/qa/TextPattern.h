#pragma once

#include <QRegularExpression>
#include <QString>

#include <optional>

namespace adserve {

// A text that matches exactly, or as a glob ("com.example.*", "*/delivery") when it holds
// *, ? or [...]. Values of parameters and headers compare case-insensitively, as the engine
// compares targeting values; paths compare as they are.
class TextPattern
{
public:
    static std::optional<TextPattern> parse(const QString &text, Qt::CaseSensitivity cs, QString *error);
    bool matches(const QString &value) const;
    QString text() const { return text_; }

private:
    QString text_;
    Qt::CaseSensitivity cs_ = Qt::CaseSensitive;
    std::optional<QRegularExpression> glob_;
};

} // namespace adserve
