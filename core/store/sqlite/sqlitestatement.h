#pragma once

#include <QByteArray>
#include <QString>

struct sqlite3_stmt;

namespace EventScope {

class SqliteDatabase;

// A prepared statement owned by SqliteDatabase's cache. Bind, step, read columns; reset()
// happens when it is handed out again, so a caller never sees another caller's state.
class SqliteStatement
{
public:
    enum class Step { Row, Done, Failed };

    SqliteStatement(SqliteDatabase& database, sqlite3_stmt* statement);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void reset();
    void bind(int index, qint64 value);
    void bind(int index, const QString& value);
    void bind(int index, double value);
    void bindBlob(int index, const QByteArray& value);
    void bindNull(int index);

    Step step();

    bool isNull(int column) const;
    qint64 int64(int column) const;
    double real(int column) const;
    int columnCount() const;
    QString text(int column) const;
    // The text as UTF-8 bytes, valid until the next step.
    QByteArrayView utf8(int column) const;
    QByteArray bytes(int column) const; // blob or text, whatever the column holds
    QByteArrayView bytesView(int column) const; // the same without a copy, valid until the next step
    int bytesSize(int column) const;
    bool isBlob(int column) const;

private:
    SqliteDatabase& m_database;
    sqlite3_stmt* m_statement;
};

} // namespace EventScope
