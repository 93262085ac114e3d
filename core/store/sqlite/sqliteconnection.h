#pragma once

#include "../connection.h"

#include <memory>

namespace EventScope {

class SqliteDatabase;

// The SQLite backend behind the Connection interface: a read-only SqliteDatabase, its statements as streaming
// SqlRows, and a REGEXP operator backed by QRegularExpression, so a stream pattern means the same here as in
// every other part of EventScope.
class SqliteConnection final : public Connection
{
public:
    static Result<std::unique_ptr<Connection>> open(const StoreLocation& location);
    explicit SqliteConnection(std::unique_ptr<SqliteDatabase> database);
    ~SqliteConnection() override;

    SqlFlavour flavour() const override { return SqlFlavour::Sqlite; }
    const StoreLocation& location() const override { return m_location; }
    Result<std::unique_ptr<SqlRows>> query(const SqlQuery& query) override;
    void endRead() override;
    Result<QList<TableName>> tables() override;
    Result<QList<ColumnInfo>> columns(const TableName& table) override;
    Result<QStringList> explain(const SqlQuery& query) override;
    void interrupt() override;
    void clearInterrupt() override;
    bool isInterrupted() const override;

    SqliteDatabase& database() { return *m_database; }

private:
    std::unique_ptr<SqliteDatabase> m_database;
    StoreLocation m_location;
};

} // namespace EventScope
