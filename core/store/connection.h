#pragma once

#include "result.h"
#include "sqlquery.h"
#include "sqlrows.h"
#include "storelocation.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

namespace EventScope {

// Which SQL a backend speaks; dialects pick their SQL by it.
enum class SqlFlavour { Sqlite, Postgres };

// A table as a schema-qualified name; `schema` is empty on SQLite.
struct TableName
{
    QString schema;
    QString name;

    QString qualified() const { return schema.isEmpty() ? name : schema + u'.' + name; }
    bool operator==(const TableName&) const = default;
};

struct ColumnInfo
{
    QString name;
    QString type; // as the database names it: "INTEGER", "bigint", "jsonb", ...
};

// A backend's transport: one read-only connection to one database. It runs queries and streams their rows,
// lists tables and columns, explains plans, and can be interrupted from any thread. It knows nothing about
// events: dialects (core/dialects/) say what tables mean. It belongs to one thread at a time, except
// interrupt(), which any thread may call.
class Connection
{
public:
    virtual ~Connection() = default;

    virtual SqlFlavour flavour() const = 0;
    virtual const StoreLocation& location() const = 0;

    // Starts a query; its rows stream from the returned object. Every read is read-only: SQLite opens the
    // file read-only, PostgreSQL sessions are read-only and each read runs in a read-only transaction.
    virtual Result<std::unique_ptr<SqlRows>> query(const SqlQuery& query) = 0;

    // Ends the read that the last queries held open (a SQLite read transaction, a PostgreSQL transaction),
    // so the store's own writers are never held up while EventScope sits idle. The next query starts a new
    // read and so sees everything committed since.
    virtual void endRead() = 0;

    // Tables and views the session can read: on PostgreSQL every schema but the system ones.
    virtual Result<QList<TableName>> tables() = 0;
    virtual Result<QList<ColumnInfo>> columns(const TableName& table) = 0;

    // The database's plan for a query, one line per step, without running it.
    virtual Result<QStringList> explain(const SqlQuery& query) = 0;

    // Stops the running query from any thread; it returns StoreError::Kind::Cancelled. The flag stays set
    // until clearInterrupt(), so a job's next query fails fast too.
    virtual void interrupt() = 0;
    virtual void clearInterrupt() = 0;
    virtual bool isInterrupted() const = 0;
};

// Opens a read-only connection to `location` with the backend its kind names. `password` is used for this
// connection only and never kept beyond it.
Result<std::unique_ptr<Connection>> openConnection(const StoreLocation& location, const QString& password = {});

} // namespace EventScope
