#pragma once

#include "../result.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>

struct sqlite3;

namespace EventScope {

class SqliteStatement;

// The SQLite backend's transport: one read-only connection to one file. It checks the file
// before SQLite sees it (so every bad input gets its own message), prepares and caches
// statements, turns SQLite's result codes into StoreErrors, and can be interrupted from any
// thread. It knows nothing about events; dialects do.
class SqliteDatabase
{
public:
    ~SqliteDatabase();

    static Result<std::unique_ptr<SqliteDatabase>> openReadOnly(const QString& path);

    QString path() const { return m_path; }
    sqlite3* handle() const { return m_db; }

    // A cached statement, reset and ready to bind; nullptr and lastError() when SQL fails to prepare.
    SqliteStatement* prepare(const QString& sql);

    // The error of the last failing call, with the store's path in the message.
    StoreError lastError() const;
    StoreError errorFor(int resultCode) const;

    QStringList tableNames();
    QStringList columnNames(const QString& table);

    // Resets every statement still stepping. That ends the read transaction, so the store's own writers are
    // not held up while EventScope sits idle, and lets a past interrupt() clear (SQLite keeps it until then).
    void finishStatements();

    void interrupt();
    void clearInterrupt() { m_interrupted.store(false); }
    bool isInterrupted() const { return m_interrupted.load(); }

private:
    SqliteDatabase(QString path, sqlite3* db);

    QString m_path;
    sqlite3* m_db = nullptr;
    QHash<QString, SqliteStatement*> m_statements;
    std::atomic<bool> m_interrupted { false };
};

} // namespace EventScope
