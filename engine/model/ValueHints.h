#pragma once

#include "Campaign.h"

#include <QHash>
#include <QString>

namespace adserve {

// What targeting values look like in requests, from the value lists in resources/values:
// a country is an ISO 3166-1 alpha-2 code ("CA"), an OS a name of os.txt ("iOS"). Says
// when a value differs from that only in form, and what requests carry instead. Values
// stay free text (DESIGN: targeting semantics): this only informs hints and the linter.
class ValueHints
{
public:
    enum class Form {
        Usual,       // as requests carry it, or a dimension without a list (app)
        CaseVariant, // a known value in another case: "us" for "US", "ios" for "iOS"
        CountryName, // a country's name instead of its code: "Canada" for "CA", "UK" for "GB"
        OsAlias,     // another name of a known OS: "iphone" for "iOS"
        Unknown,     // neither a known value nor another form of one
    };
    struct Hint
    {
        Form form = Form::Usual;
        QString usual; // what requests carry for the value; empty when Unknown
    };

    // The lists shipped with adserve, read once; immutable, so any thread may use them.
    static const ValueHints &shipped();

    Hint hint(Dimension dimension, const QString &value) const;
    // What `value` stands for: the value requests carry for it, or when none is known the
    // value normalised (normalizeValue). Two values that mean the same give the same.
    QString meaning(Dimension dimension, const QString &value) const;
    // Short machine-readable name of a form: "case-variant", "country-name", "os-alias", "unknown".
    static QString formCode(Form form);

private:
    ValueHints();
    // Per dimension: normalised known value or other name -> the usual value.
    std::array<QHash<QString, QString>, kDimensionCount> usual_;
    // Per dimension: normalised known value -> itself as requests carry it.
    std::array<QHash<QString, QString>, kDimensionCount> known_;
};

} // namespace adserve
