#pragma once

#include "../dialects/storeopener.h"
#include "../store/connection.h"

#include <QList>
#include <QObject>
#include <memory>

namespace EventScope {

// One table and its columns, as the catalog lists them.
struct TableSchema
{
    TableName table;
    QList<ColumnInfo> columns;
};

// Reads a store's tables and their columns on a worker, for the mapping editor: the catalog only, never a row.
// The result comes back by signal on the reader's thread; a read started before the latest one is dropped.
class StoreSchemaReader : public QObject
{
    Q_OBJECT
public:
    explicit StoreSchemaReader(QObject* parent = nullptr);
    ~StoreSchemaReader() override;

    // Starts reading; `password` is used for this connection only.
    void read(const StoreLocation& location, const QString& password);
    bool isReading() const { return m_reading; }

signals:
    void schemaRead(const QList<EventScope::TableSchema>& tables);
    void failed(const EventScope::StoreError& error);

private:
    quint64 m_generation = 0;
    bool m_reading = false;
};

} // namespace EventScope
