#include "sqliteconnection.h"

#include "sqlitedatabase.h"
#include "sqlitestatement.h"

#include <QRegularExpression>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// regexp(pattern, subject) backs SQLite's REGEXP operator; the compiled pattern is cached per statement.
void regexpFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    auto* pattern = static_cast<QRegularExpression*>(sqlite3_get_auxdata(context, 0));
    if (!pattern) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        pattern = new QRegularExpression(
            QString::fromUtf8(text, sqlite3_value_bytes(argv[0])), QRegularExpression::UseUnicodePropertiesOption);
        sqlite3_set_auxdata(context, 0, pattern, [](void* p) { delete static_cast<QRegularExpression*>(p); });
        pattern = static_cast<QRegularExpression*>(sqlite3_get_auxdata(context, 0));
        if (!pattern) {
            sqlite3_result_error_nomem(context);
            return;
        }
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    const QString subject = QString::fromUtf8(text, sqlite3_value_bytes(argv[1]));
    sqlite3_result_int(context, pattern->match(subject).hasMatch() ? 1 : 0);
}

void bindAll(SqliteStatement& statement, const QList<SqlValue>& binds)
{
    int index = 1;
    for (const SqlValue& value : binds) {
        if (const auto* number = std::get_if<qint64>(&value))
            statement.bind(index, *number);
        else if (const auto* real = std::get_if<double>(&value))
            statement.bind(index, *real);
        else if (const auto* text = std::get_if<QString>(&value))
            statement.bind(index, *text);
        else if (const auto* blob = std::get_if<QByteArray>(&value))
            statement.bindBlob(index, *blob);
        else
            statement.bindNull(index);
        ++index;
    }
}

// One cached statement, stepping. It stays in the database's cache; the next query() of the same SQL resets it.
class SqliteRows final : public SqlRows
{
public:
    SqliteRows(SqliteDatabase& database, SqliteStatement& statement)
        : m_database(database)
        , m_statement(statement)
    { }

    Result<bool> next() override
    {
        switch (m_statement.step()) {
        case SqliteStatement::Step::Row:
            return true;
        case SqliteStatement::Step::Done:
            return false;
        case SqliteStatement::Step::Failed:
            break;
        }
        return m_database.lastError();
    }
    int columnCount() const override { return m_statement.columnCount(); }
    bool isNull(int column) const override { return m_statement.isNull(column); }
    qint64 int64(int column) const override { return m_statement.int64(column); }
    double real(int column) const override { return m_statement.real(column); }
    QString text(int column) const override { return m_statement.text(column); }
    QByteArray bytes(int column) const override { return m_statement.bytes(column); }
    std::optional<QByteArrayView> utf8(int column) const override { return m_statement.utf8(column); }
    std::optional<QByteArrayView> bytesView(int column) const override { return m_statement.bytesView(column); }

private:
    SqliteDatabase& m_database;
    SqliteStatement& m_statement;
};

} // namespace

Result<std::unique_ptr<Connection>> SqliteConnection::open(const StoreLocation& location)
{
    auto database = SqliteDatabase::openReadOnly(location.path());
    if (!database)
        return database.error();
    return std::unique_ptr<Connection>(std::make_unique<SqliteConnection>(std::move(database).value()));
}

SqliteConnection::SqliteConnection(std::unique_ptr<SqliteDatabase> database)
    : m_database(std::move(database))
    , m_location(StoreLocation::sqliteFile(m_database->path()))
{
    sqlite3_create_function_v2(m_database->handle(), "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
        regexpFunction, nullptr, nullptr, nullptr);
}

SqliteConnection::~SqliteConnection() = default;

Result<std::unique_ptr<SqlRows>> SqliteConnection::query(const SqlQuery& query)
{
    SqliteStatement* statement = m_database->prepare(query.sql);
    if (!statement)
        return m_database->lastError();
    bindAll(*statement, query.binds);
    return std::unique_ptr<SqlRows>(std::make_unique<SqliteRows>(*m_database, *statement));
}

void SqliteConnection::endRead()
{
    m_database->finishStatements();
}

Result<QList<TableName>> SqliteConnection::tables()
{
    QList<TableName> tables;
    for (const QString& name : m_database->tableNames())
        tables.append(TableName { {}, name });
    m_database->finishStatements();
    return tables;
}

Result<QList<ColumnInfo>> SqliteConnection::columns(const TableName& table)
{
    auto rows = query(SqlQuery { u"SELECT name, type FROM pragma_table_info(?)"_s, { table.name } });
    if (!rows)
        return rows.error();
    QList<ColumnInfo> columns;
    for (;;) {
        const Result<bool> row = (*rows)->next();
        if (!row)
            return row.error();
        if (!*row)
            return columns;
        columns.append(ColumnInfo { (*rows)->text(0), (*rows)->text(1) });
    }
}

Result<QStringList> SqliteConnection::explain(const SqlQuery& query)
{
    auto rows = this->query(SqlQuery { u"EXPLAIN QUERY PLAN "_s + query.sql, query.binds });
    if (!rows)
        return rows.error();
    QStringList plan;
    for (;;) {
        const Result<bool> row = (*rows)->next();
        if (!row)
            return row.error();
        if (!*row)
            return plan;
        plan.append((*rows)->text(3));
    }
}

void SqliteConnection::interrupt()
{
    m_database->interrupt();
}

void SqliteConnection::clearInterrupt()
{
    m_database->finishStatements();
    m_database->clearInterrupt();
}

bool SqliteConnection::isInterrupted() const
{
    return m_database->isInterrupted();
}

} // namespace EventScope
