#pragma once

#include <QByteArrayView>
#include <QString>

#include <memory>

namespace adserve {

class SqlSession;

// The rows of one long read as bytes, for reads too large to pay a QVariant per column
// (every campaign's targeting at start-up), read on the driver's own handle: SQLite's
// statements, PostgreSQL's COPY ... TO STDOUT. A column's bytes stay valid until the next
// call to next(). Every fault throws SqlFailure, as the session's statements do.
class RawRows
{
public:
    virtual ~RawRows() = default;
    // A long read (SqlSession::execLong): call it in a transaction.
    static std::unique_ptr<RawRows> execLong(SqlSession &session, const QString &sql);

    virtual bool next() = 0;
    virtual bool isNull(int column) const = 0;
    virtual QByteArrayView text(int column) const = 0;
    virtual qint64 integer(int column) const = 0;
    QString string(int column) const { return QString::fromUtf8(text(column)); }
};

} // namespace adserve
