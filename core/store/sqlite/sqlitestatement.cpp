#include "sqlitestatement.h"

#include "readonlyvfs.h"
#include "sqlitedatabase.h"

#include <sqlite3.h>

namespace EventScope {

SqliteStatement::SqliteStatement(SqliteDatabase& database, sqlite3_stmt* statement)
    : m_database(database)
    , m_statement(statement)
{ }

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bind(int index, const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_statement, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bind(int index, double value)
{
    sqlite3_bind_double(m_statement, index, value);
}

void SqliteStatement::bindBlob(int index, const QByteArray& value)
{
    sqlite3_bind_blob64(m_statement, index, value.constData(), sqlite3_uint64(value.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
}

namespace {

// Failures of a read transaction's start that the store's own writer causes for a moment, in WAL mode with the
// -shm mapped read-only (see readonlyvfs.cpp): the writer is rewriting the WAL index header
// (SQLITE_READONLY_RECOVERY), it is restarting the log so no read mark fits yet (SQLITE_READONLY_CANTINIT), or
// it started while a read ran without a -shm (ReadOnlyVfs::writerArrivedCode()). Measured in
// tst_walreadonly under a writer committing without pause: 3 reads in about 60 000 met one of them.
bool isTransientStartFailure(int code)
{
    return code == SQLITE_READONLY_RECOVERY || code == SQLITE_READONLY_CANTINIT
        || code == ReadOnlyVfs::writerArrivedCode();
}

constexpr int kTransientRetries = 100; // 1 ms apart after the fifth: the writer finishes its step long before

} // namespace

SqliteStatement::Step SqliteStatement::step()
{
    // Before its first row a statement has read nothing its caller saw, so such a failure is retried whole.
    const bool first = !sqlite3_stmt_busy(m_statement);
    int rc = sqlite3_step(m_statement);
    for (int retry = 1; first && retry <= kTransientRetries && isTransientStartFailure(rc); ++retry) {
        sqlite3_reset(m_statement);
        if (retry > 5)
            sqlite3_sleep(1);
        rc = sqlite3_step(m_statement);
    }
    switch (rc) {
    case SQLITE_ROW:
        return Step::Row;
    case SQLITE_DONE:
        return Step::Done;
    default:
        return Step::Failed;
    }
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

int SqliteStatement::columnCount() const
{
    return sqlite3_column_count(m_statement);
}

QString SqliteStatement::text(int column) const
{
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(data, sqlite3_column_bytes(m_statement, column));
}

QByteArrayView SqliteStatement::utf8(int column) const
{
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    return QByteArrayView(data, sqlite3_column_bytes(m_statement, column));
}

QByteArrayView SqliteStatement::bytesView(int column) const
{
    const void* data = sqlite3_column_blob(m_statement, column);
    return QByteArrayView(static_cast<const char*>(data), sqlite3_column_bytes(m_statement, column));
}

QByteArray SqliteStatement::bytes(int column) const
{
    // Ask for the blob first: asking for text would convert a BLOB column's bytes.
    const void* data = sqlite3_column_blob(m_statement, column);
    return QByteArray(static_cast<const char*>(data), sqlite3_column_bytes(m_statement, column));
}

int SqliteStatement::bytesSize(int column) const
{
    return sqlite3_column_bytes(m_statement, column);
}

bool SqliteStatement::isBlob(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_BLOB;
}

} // namespace EventScope
