#pragma once

#include <QStringList>

namespace adserve {

class SqlSession;

// The store's schema (resources/schema/sqlite.sql, postgres.sql): created or completed on
// every open, idempotently, inside the session's write transaction.
class Schema
{
public:
    static constexpr int kVersion = 4;

    // Throws SqlFailure.
    static void apply(SqlSession &session);
    // Splits a script into statements at ';', leaving quoted text, $$ bodies and comments whole.
    static QStringList statements(const QString &script);
};

} // namespace adserve
