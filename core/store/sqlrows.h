#pragma once

#include <QByteArrayView>
#include <optional>

#include "result.h"

#include <QByteArray>
#include <QString>

namespace EventScope {

// The rows of one running query, read forward one at a time. A backend streams them (SQLite steps its
// statement; PostgreSQL reads in single-row mode), so memory does not grow with the result.
// Accessors read the current row and behave alike on every backend:
// - int64(): integer columns (and booleans, 0/1);
// - text(): text columns as UTF-8, also uuid and json/jsonb as their text;
// - bytes(): a blob/bytea as its bytes; a text or json column as its UTF-8 bytes.
// A connection runs one query at a time: destroy (or read to the end) a SqlRows before the next query.
class SqlRows
{
public:
    virtual ~SqlRows() = default;

    // True when a row is ready, false at the end; an error when the query failed or was interrupted.
    virtual Result<bool> next() = 0;

    virtual int columnCount() const = 0;
    virtual bool isNull(int column) const = 0;
    virtual qint64 int64(int column) const = 0;
    // nullopt for NULL: a value the store does not hold.
    std::optional<qint64> optionalInt64(int column) const
    {
        return isNull(column) ? std::nullopt : std::optional<qint64>(int64(column));
    }
    virtual double real(int column) const = 0;
    virtual QString text(int column) const = 0;
    virtual QByteArray bytes(int column) const = 0;
    // The column's UTF-8 text as the backend holds it, valid until next(); nullopt when the column is not stored as
    // text (then text() decodes it). Lets a reader reuse a QString it already made for the same bytes.
    virtual std::optional<QByteArrayView> utf8(int column) const = 0;
    // The column's bytes as the backend holds them, valid until next(); nullopt when they must be decoded first (then
    // bytes() does). Saves a copy for a value that is turned into something else right away (a UUID into text).
    virtual std::optional<QByteArrayView> bytesView(int column) const = 0;
};

} // namespace EventScope
