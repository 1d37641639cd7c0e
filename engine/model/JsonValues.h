#pragma once

#include <QJsonValue>
#include <QString>

#include <optional>

namespace adserve {

// Reading JSON values the way Go's encoding/json reads them, for the admin API and the cache.
namespace JsonValues {

// The string, with every lone UTF-16 surrogate ("\ud800") read as U+FFFD. Qt's parser keeps
// one as it is, which no UTF-8 can hold: it would be stored and sent on as '?'.
QString string(const QJsonValue &value);
// A number that is a whole non-negative qint64, exactly as written (as Go reads one into an
// int64), or nullopt: not a number, negative, a fraction, or past what a qint64 holds
// (converting such a double to qint64 is undefined).
std::optional<qint64> nonNegativeInteger(const QJsonValue &value);

// A whole number that fits a qint64, negative ones included, or nullopt.
std::optional<qint64> integer(const QJsonValue &value);

} // namespace JsonValues
} // namespace adserve
