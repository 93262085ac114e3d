#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

#include <sqlite3.h>

// A plain sqlite3 connection for tests that play the part of another program on the same file
// (a writer holding a lock, a tool switching to WAL). Closes itself; every call reports its result code.
namespace EventScope::TestSupport {

class SqliteFile
{
public:
    explicit SqliteFile(const QString& path, int flags = SQLITE_OPEN_READWRITE)
    {
        m_rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, flags, nullptr);
    }
    ~SqliteFile() { sqlite3_close_v2(m_db); }
    SqliteFile(const SqliteFile&) = delete;
    SqliteFile& operator=(const SqliteFile&) = delete;

    bool isOpen() const { return m_rc == SQLITE_OK; }
    sqlite3* handle() const { return m_db; }
    QString errorMessage() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

    int exec(const char* sql) { return sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr); }

    // The first column of the first row as text; empty when there is no row.
    QByteArray value(const char* sql)
    {
        sqlite3_stmt* statement = nullptr;
        QByteArray result;
        if (sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr) == SQLITE_OK
            && sqlite3_step(statement) == SQLITE_ROW)
            result = QByteArray(
                reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), sqlite3_column_bytes(statement, 0));
        sqlite3_finalize(statement);
        return result;
    }

private:
    sqlite3* m_db = nullptr;
    int m_rc = SQLITE_OK;
};

} // namespace EventScope::TestSupport
