#include "storeschemareader.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace EventScope {

namespace {

Result<QList<TableSchema>> readSchema(const StoreLocation& location, const QString& password)
{
    auto connection = openConnection(location, password);
    if (!connection)
        return connection.error();
    const auto tables = (*connection)->tables();
    if (!tables)
        return tables.error();
    QList<TableSchema> schema;
    for (const TableName& table : *tables) {
        const auto columns = (*connection)->columns(table);
        if (!columns)
            return columns.error();
        schema.append(TableSchema { table, *columns });
    }
    (*connection)->endRead();
    return schema;
}

} // namespace

StoreSchemaReader::StoreSchemaReader(QObject* parent)
    : QObject(parent)
{ }

StoreSchemaReader::~StoreSchemaReader() = default;

void StoreSchemaReader::read(const StoreLocation& location, const QString& password)
{
    const quint64 generation = ++m_generation;
    m_reading = true;
    // The watcher is this object's child: if the reader is gone first, the result is dropped with it, and the
    // worker ends on its own (it only holds its own connection).
    auto* watcher = new QFutureWatcher<Result<QList<TableSchema>>>(this);
    connect(watcher, &QFutureWatcher<Result<QList<TableSchema>>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_reading = false;
        const Result<QList<TableSchema>> result = watcher->result();
        if (result)
            emit schemaRead(*result);
        else
            emit failed(result.error());
    });
    watcher->setFuture(QtConcurrent::run(
        [location, password]() -> Result<QList<TableSchema>> { return readSchema(location, password); }));
}

} // namespace EventScope
