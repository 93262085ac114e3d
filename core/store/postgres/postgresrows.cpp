#include "postgresrows.h"

#include "postgresconnection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;

QByteArray unescapeBytea(const char* text)
{
    size_t length = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &length);
    if (!bytes)
        return {};
    QByteArray result(reinterpret_cast<const char*>(bytes), qsizetype(length));
    PQfreemem(bytes);
    return result;
}

} // namespace

PostgresRows::PostgresRows(PostgresConnection* connection)
    : m_connection(connection)
{ }

PostgresRows::~PostgresRows()
{
    PQclear(m_row);
    // Rows left unread stay on the wire; the connection's next query (or endRead) drains or cancels them.
    if (m_connection && m_connection->m_activeRows == this)
        m_connection->m_activeRows = nullptr;
}

void PostgresRows::setRow(PGresult* row)
{
    PQclear(m_row);
    m_row = row;
    m_index = 0;
    m_columns = PQnfields(row);
}

void PostgresRows::finish()
{
    PQclear(m_row);
    m_row = nullptr;
    m_done = true;
    if (m_connection && m_connection->m_activeRows == this)
        m_connection->m_activeRows = nullptr;
    m_connection = nullptr;
}

void PostgresRows::detach(const StoreError& why)
{
    finish();
    m_failed = true;
    m_error = why;
}

Result<bool> PostgresRows::next()
{
    if (m_failed)
        return m_error;
    if (m_row && m_index + 1 < PQntuples(m_row)) {
        ++m_index; // a whole result (SqlQuery::rowLimit): its rows are here already
        return true;
    }
    if (m_done || !m_connection)
        return false;
    PostgresConnection* connection = m_connection;
    if (connection->isInterrupted()) {
        // The rows still coming are drained (or cancelled) by the connection's next query.
        detach(StoreError::cancelled());
        return m_error;
    }
    Result<PGresult*> result = connection->nextResult();
    if (!result) {
        detach(result.error());
        return m_error;
    }
    PGresult* row = *result;
    if (!row) {
        connection->m_busy = false;
        finish();
        return false;
    }
    switch (PQresultStatus(row)) {
    case PGRES_SINGLE_TUPLE:
        setRow(row);
        return true;
    case PGRES_TUPLES_OK:
        if (PQntuples(row) > 0) {
            setRow(row); // every row at once; the query's closing nullptr comes after them
            return true;
        }
        [[fallthrough]];
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY: {
        if (m_columns == 0)
            m_columns = PQnfields(row);
        PQclear(row);
        // The end of the rows; libpq still has the query's closing nullptr to hand out.
        connection->drain();
        finish();
        return false;
    }
    default: {
        StoreError error = connection->failure(row);
        PQclear(row);
        if (!connection->m_broken)
            connection->drain();
        detach(error);
        return m_error;
    }
    }
}

int PostgresRows::columnCount() const
{
    return m_columns;
}

bool PostgresRows::isNull(int column) const
{
    return !m_row || column < 0 || column >= m_columns || PQgetisnull(m_row, m_index, column);
}

qint64 PostgresRows::int64(int column) const
{
    if (isNull(column))
        return 0;
    const char* value = PQgetvalue(m_row, m_index, column);
    const int length = PQgetlength(m_row, m_index, column);
    if (PQftype(m_row, column) == kBoolOid)
        return value[0] == 't' ? 1 : 0;
    qint64 integer = 0;
    const auto [end, error] = std::from_chars(value, value + length, integer);
    if (error == std::errc() && end == value + length)
        return integer;
    // numeric with a fraction, a float, or text that starts with digits: as SQLite would, by truncation.
    const double real = this->real(column);
    return std::isfinite(real) ? qint64(real) : 0;
}

double PostgresRows::real(int column) const
{
    if (isNull(column))
        return 0.0;
    const char* value = PQgetvalue(m_row, m_index, column);
    const int length = PQgetlength(m_row, m_index, column);
    if (PQftype(m_row, column) == kBoolOid)
        return value[0] == 't' ? 1.0 : 0.0;
    double real = 0.0;
    const char* begin = value;
    if (length > 0 && value[0] == '+')
        ++begin;
    const auto [end, error] = std::from_chars(begin, value + length, real);
    if (error != std::errc()) {
        // from_chars spells infinity "inf"; PostgreSQL spells it "Infinity".
        const QByteArray text(value, length);
        if (text == "Infinity")
            return HUGE_VAL;
        if (text == "-Infinity")
            return -HUGE_VAL;
        return 0.0;
    }
    return real;
}

QString PostgresRows::text(int column) const
{
    if (isNull(column))
        return {};
    if (PQftype(m_row, column) == kByteaOid)
        return QString::fromUtf8(bytes(column));
    return QString::fromUtf8(PQgetvalue(m_row, m_index, column), PQgetlength(m_row, m_index, column));
}

std::optional<QByteArrayView> PostgresRows::utf8(int column) const
{
    if (isNull(column))
        return QByteArrayView();
    if (PQftype(m_row, column) == kByteaOid)
        return std::nullopt;
    return QByteArrayView(PQgetvalue(m_row, m_index, column), PQgetlength(m_row, m_index, column));
}

std::optional<QByteArrayView> PostgresRows::bytesView(int column) const
{
    // bytea arrives hex-encoded and is decoded by bytes(); everything else is the bytes as sent.
    if (isNull(column))
        return QByteArrayView();
    if (PQftype(m_row, column) == kByteaOid)
        return std::nullopt;
    return QByteArrayView(PQgetvalue(m_row, m_index, column), PQgetlength(m_row, m_index, column));
}

QByteArray PostgresRows::bytes(int column) const
{
    if (isNull(column))
        return {};
    const char* value = PQgetvalue(m_row, m_index, column);
    if (PQftype(m_row, column) == kByteaOid)
        return unescapeBytea(value);
    return QByteArray(value, PQgetlength(m_row, m_index, column));
}

} // namespace EventScope
