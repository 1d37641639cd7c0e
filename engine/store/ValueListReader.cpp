#include "ValueListReader.h"

#include "SqlDialect.h"

namespace adserve {

QStringList ValueListReader::read(QByteArrayView json)
{
    QStringList values;
    const bool plain = forEachPlainString(json, [&](QByteArrayView value) {
        auto it = strings_.constFind(QByteArray::fromRawData(value.data(), value.size()));
        if (it == strings_.cend())
            it = strings_.insert(value.toByteArray(), QString::fromUtf8(value));
        values.append(*it);
    });
    return plain ? values : SqlDialect::decodeValues(QString::fromUtf8(json));
}

} // namespace adserve
