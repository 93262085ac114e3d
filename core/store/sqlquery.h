#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <variant>

namespace EventScope {

// A value bound to a query parameter. std::monostate is SQL NULL.
using SqlValue = std::variant<std::monostate, qint64, double, QString, QByteArray>;

// A query as a dialect builds it for any backend: SQL text with one `?` per parameter, in order, and the
// values bound to them. A backend rewrites the placeholders into its own form (PostgreSQL's $1, $2, ...);
// `?` inside a quoted literal or identifier is left alone, so a dialect never needs an operator spelled `?`.
struct SqlQuery
{
    QString sql;
    QList<SqlValue> binds;
    // > 0: the query returns at most this many rows (it ends in a LIMIT), so a backend may fetch them in one
    // go instead of streaming them one at a time (PostgreSQL's single-row mode costs about a microsecond a row).
    int rowLimit = 0;

    bool operator==(const SqlQuery&) const = default;
};

} // namespace EventScope
