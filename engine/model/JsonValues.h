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
// A whole number from 0 to 2^53 (the integers a JSON number holds exactly), or nullopt:
// converting a larger double to qint64 is undefined.
std::optional<qint64> wholeNumber(const QJsonValue &value);

} // namespace JsonValues
} // namespace adserve
