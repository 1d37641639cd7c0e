#pragma once

#include <QList>
#include <QString>

namespace adserve {

// A field-level validation failure, named as the JSON APIs and the editor name fields
// ("code", "image", "rules[1].values").
struct FieldError
{
    QString field;
    QString message;
    bool operator==(const FieldError &) const = default;
};

enum class StoreError {
    None,
    NotFound,     // no such campaign / rule
    Invalid,      // validation failed: see fieldErrors
    Conflict,     // unique code taken, or the row changed since it was read
    Unavailable,  // the database cannot be reached or the query failed
};

template<typename T>
struct StoreResult
{
    T value{};
    StoreError error = StoreError::None;
    QString message;               // one clear line when error != None
    QList<FieldError> fieldErrors; // with StoreError::Invalid
    qint64 changeId = 0;           // a write: the newest change-log id it produced

    bool ok() const { return error == StoreError::None; }
    static StoreResult success(T v) { return StoreResult{std::move(v), StoreError::None, {}, {}, 0}; }
    static StoreResult failure(StoreError e, QString why, QList<FieldError> fields = {})
    {
        return StoreResult{T{}, e, std::move(why), std::move(fields), 0};
    }
    template<typename U>
    static StoreResult failureFrom(const StoreResult<U> &other)
    {
        return StoreResult{T{}, other.error, other.message, other.fieldErrors, 0};
    }
};

} // namespace adserve
