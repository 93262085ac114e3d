#include "axonstore.h"

#include "xstreamjson.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString quoted(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

// "globalIndex" -> "global_index": Spring's naming strategy for the JPA entities.
QString snakeCase(const QString& camel)
{
    QString snake;
    for (const QChar c : camel) {
        if (c.isUpper()) {
            snake += u'_';
            snake += c.toLower();
        } else {
            snake += c;
        }
    }
    return snake;
}

// The columns of one Axon table: each field found under the JPA spelling (snake_case), the JDBC engine's
// unquoted spelling (folded to lower case) or its exact camelCase (a table created with quoted names).
class AxonColumns
{
public:
    AxonColumns(Connection& connection, const TableName& table, QString alias)
        : m_alias(std::move(alias))
    {
        if (const auto columns = connection.columns(table))
            m_columns = *columns;
    }

    // The column as SQL (quoted, after the table's alias), or empty when the table has none of its spellings.
    QString sql(const QString& camel) const
    {
        const ColumnInfo* column = find(camel);
        return column ? m_alias + u'.' + quoted(column->name) : QString();
    }
    bool isLargeObject(const QString& camel) const
    {
        const ColumnInfo* column = find(camel);
        return column && column->type == u"oid"_s;
    }
    // Axon writes ISO-8601 text (2024-01-01T10:00:00.123Z); a table made by hand may hold a timestamp instead.
    TimeField time(const QString& camel) const
    {
        const ColumnInfo* column = find(camel);
        if (!column)
            return {};
        const QString sql = m_alias + u'.' + quoted(column->name);
        if (column->type.startsWith(u"timestamp"_s))
            return TimeField { sql, TimeUnit::Native };
        // Text that is not ISO reads as no time instead of failing every query that converts it.
        return TimeField { u"CASE WHEN %1 ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[-+][0-9:]+)$' THEN %1 END"_s.arg(
                               sql),
            TimeUnit::Iso };
    }
    bool hasAll(std::initializer_list<const char*> camels) const
    {
        return std::all_of(
            camels.begin(), camels.end(), [this](const char* camel) { return find(QString::fromLatin1(camel)); });
    }

private:
    const ColumnInfo* find(const QString& camel) const
    {
        for (const QString& name : { snakeCase(camel), camel.toLower(), camel }) {
            for (const ColumnInfo& column : m_columns) {
                if (column.name == name)
                    return &column;
            }
        }
        return nullptr;
    }

    QString m_alias;
    QList<ColumnInfo> m_columns;
};

// A payload column as bytes. Hibernate maps `@Lob byte[]` to an oid column on PostgreSQL: the bytes are a large
// object, read with lo_get() when this session may read it, else shown as "large object #N" (with "(missing)"
// when no such object exists), so a row is never lost to a privilege error.
QString payloadSql(const AxonColumns& columns, const QString& camel)
{
    const QString column = columns.sql(camel);
    if (!columns.isLargeObject(camel))
        return column;
    const QString readable = u"(SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)"
                             " OR current_setting('lo_compat_privileges')::boolean"
                             " OR pg_catalog.pg_has_role(m.lomowner, 'USAGE')"
                             " OR EXISTS (SELECT 1 FROM pg_catalog.aclexplode(m.lomacl) AS a"
                             " WHERE a.privilege_type = 'SELECT'"
                             " AND (a.grantee = 0 OR pg_catalog.pg_has_role(a.grantee, 'USAGE')))"_s;
    return u"CASE WHEN %1 IS NULL THEN NULL"
           " WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata m WHERE m.oid = %1)"
           " THEN convert_to('large object #' || %1::text || ' (missing)', 'UTF8')"
           " WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata m WHERE m.oid = %1 AND (%2))"
           " THEN pg_catalog.lo_get(%1)"
           " ELSE convert_to('large object #' || %1::text, 'UTF8') END"_s.arg(column, readable);
}

// The first table of `names` the schema holds.
std::optional<TableName> firstOf(const QList<TableName>& tables, const QString& schema, const QStringList& names)
{
    for (const QString& name : names) {
        if (tables.contains(TableName { schema, name }))
            return TableName { schema, name };
    }
    return std::nullopt;
}

const QStringList kEventTables { u"domain_event_entry"_s, u"domainevententry"_s, u"DomainEventEntry"_s };
const QStringList kSnapshotTables { u"snapshot_event_entry"_s, u"snapshotevententry"_s, u"SnapshotEventEntry"_s };
// Axon 5's aggregate-based entity (5.1 RC; its table name by the naming strategy is not verified).
const QStringList kAggregateTables { u"aggregate_event_entry"_s, u"aggregateevententry"_s, u"AggregateEventEntry"_s };

// Axon 5's table: the event's `type` is its message type's name, kept as stored; no snapshot table yet.
std::optional<StoreMapping> axon5Mapping(Connection& connection, const TableName& table)
{
    const AxonColumns columns(connection, table, u"d"_s);
    if (!columns.hasAll(
            { "globalIndex", "aggregateIdentifier", "aggregateSequenceNumber", "type", "payload", "timestamp" }))
        return std::nullopt;
    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(AxonStore::kName);
    mapping.description = u"Axon 5 event store (%1)"_s.arg(table.qualified());
    EventsMapping& e = mapping.events;
    e.table = table;
    e.alias = u"d"_s;
    e.position = columns.sql(u"globalIndex"_s);
    e.stream = columns.sql(u"aggregateIdentifier"_s);
    if (const QString type = columns.sql(u"aggregateType"_s); !type.isEmpty())
        e.category = u"coalesce(%1, '(no aggregate)')"_s.arg(type);
    e.version = columns.sql(u"aggregateSequenceNumber"_s);
    e.type = columns.sql(u"type"_s);
    e.time = columns.time(u"timestamp"_s);
    e.id = columns.sql(u"identifier"_s);
    e.data = PayloadField { payloadSql(columns, u"payload"_s), PayloadEncoding::Text };
    if (!columns.sql(u"metadata"_s).isEmpty())
        e.metadata = PayloadField { payloadSql(columns, u"metadata"_s), PayloadEncoding::Text };
    return mapping;
}

} // namespace

std::optional<StoreMapping> AxonStore::mappingFor(Connection& connection, const QString& schema)
{
    const auto tables = connection.tables();
    if (!tables)
        return std::nullopt;
    const std::optional<TableName> eventsTable = firstOf(*tables, schema, kEventTables);
    if (!eventsTable) {
        const std::optional<TableName> aggregateTable = firstOf(*tables, schema, kAggregateTables);
        return aggregateTable ? axon5Mapping(connection, *aggregateTable) : std::nullopt;
    }
    const AxonColumns columns(connection, *eventsTable, u"d"_s);
    if (!columns.hasAll(
            { "globalIndex", "aggregateIdentifier", "sequenceNumber", "payloadType", "payload", "timeStamp" }))
        return std::nullopt;

    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(kName);
    mapping.description = u"Axon event store (%1)"_s.arg(eventsTable->qualified());
    EventsMapping& e = mapping.events;
    e.table = *eventsTable;
    e.alias = u"d"_s;
    e.position = columns.sql(u"globalIndex"_s);
    e.stream = columns.sql(u"aggregateIdentifier"_s);
    // The aggregate type; events published outside an aggregate are stored with none.
    const QString type = columns.sql(u"type"_s);
    if (!type.isEmpty())
        e.category = u"coalesce(%1, '(no aggregate)')"_s.arg(type);
    e.version = columns.sql(u"sequenceNumber"_s);
    // payload_type is the fully qualified class name; the simple name (a nested class keeps its Outer$Inner)
    // is what Axon code calls an event. The data itself still names the full class (XStream's root element).
    e.type = u"regexp_replace(%1, '^.*[.]', '')"_s.arg(columns.sql(u"payloadType"_s));
    e.time = columns.time(u"timeStamp"_s);
    e.id = columns.sql(u"eventIdentifier"_s);
    e.data = PayloadField { payloadSql(columns, u"payload"_s), PayloadEncoding::Text };
    if (!columns.sql(u"metaData"_s).isEmpty())
        e.metadata = PayloadField { payloadSql(columns, u"metaData"_s), PayloadEncoding::Text };

    // Axon keeps only the newest snapshot of an aggregate (older rows are deleted when one is stored).
    if (const std::optional<TableName> snapshotTable = firstOf(*tables, schema, kSnapshotTables)) {
        const AxonColumns snapshot(connection, *snapshotTable, u"sn"_s);
        if (snapshot.hasAll({ "aggregateIdentifier", "sequenceNumber", "payload" })) {
            SnapshotsMapping s;
            s.table = *snapshotTable;
            s.alias = u"sn"_s;
            s.stream = snapshot.sql(u"aggregateIdentifier"_s);
            s.version = snapshot.sql(u"sequenceNumber"_s);
            s.time = snapshot.time(u"timeStamp"_s);
            s.data = PayloadField { payloadSql(snapshot, u"payload"_s), PayloadEncoding::Text };
            mapping.snapshots = s;
        }
    }
    return mapping;
}

QList<DialectMatch> AxonStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    const auto tables = connection.tables();
    if (!tables || connection.flavour() != SqlFlavour::Postgres) {
        connection.endRead();
        return found;
    }
    QStringList schemas;
    for (const TableName& table : *tables) {
        if ((kEventTables.contains(table.name) || kAggregateTables.contains(table.name))
            && !schemas.contains(table.schema))
            schemas.append(table.schema);
    }
    std::stable_partition(schemas.begin(), schemas.end(), [](const QString& schema) { return schema == u"public"_s; });
    for (const QString& schema : std::as_const(schemas)) {
        std::optional<StoreMapping> mapping = mappingFor(connection, schema);
        if (!mapping)
            continue;
        // The full fingerprint also has the event identifier and the payload's type columns; Axon 5's table
        // is not verified against a real store.
        const AxonColumns columns(connection, mapping->events.table, u"d"_s);
        const int confidence = kAggregateTables.contains(mapping->events.table.name)
            ? 60
            : (columns.hasAll({ "eventIdentifier", "type", "payloadRevision", "metaData" }) ? 90 : 70);
        found.append(DialectMatch { QString::fromLatin1(kName), confidence,
            u"Axon table %1"_s.arg(mapping->events.table.qualified()), schema,
            [mapping = *mapping](std::unique_ptr<Connection> opened) -> std::unique_ptr<EventStore> {
                return std::make_unique<AxonStore>(std::move(opened), mapping);
            } });
    }
    connection.endRead();
    return found;
}

AxonStore::AxonStore(std::unique_ptr<Connection> connection, StoreMapping mapping)
    : MappedStore(std::move(connection), std::move(mapping))
{ }

QByteArray AxonStore::indentedXml(const QByteArray& xml)
{
    QXmlStreamReader reader(xml);
    QByteArray out;
    QXmlStreamWriter writer(&out);
    writer.setAutoFormatting(true);
    writer.setAutoFormattingIndent(2);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.hasError())
            return xml;
        // The document's own line breaks and indentation are replaced by the writer's; a text element that is
        // only spaces stays as it is.
        if (reader.isWhitespace() && reader.text().contains(u'\n'))
            continue;
        if (reader.tokenType() == QXmlStreamReader::StartDocument && reader.documentVersion().isEmpty())
            continue;
        writer.writeCurrentToken(reader);
    }
    if (reader.hasError())
        return xml;
    // The writer starts the first element on a line of its own and ends the last one with a line break.
    return out.trimmed();
}

QByteArray AxonStore::decodePayload(const QByteArray& stored, const PayloadField& field) const
{
    const QByteArray bytes = MappedStore::decodePayload(stored, field);
    // XStream (Axon 4's default serializer) writes compact XML; Jackson's JSON and anything else stay as stored.
    if (!bytes.trimmed().startsWith('<'))
        return bytes;
    // MappedStore::readSnapshots decodes through the snapshot mapping's own field. A snapshot is compared with a
    // projection's JSON state, so its XML is read as JSON; XML that is not well-formed stays as stored, and verify
    // says the state is not JSON. An event's XML is only shown, indented.
    const bool isSnapshot = mapping().snapshots && &field == &mapping().snapshots->data;
    if (isSnapshot)
        return xstreamToJson(bytes).value_or(bytes);
    return indentedXml(bytes);
}

} // namespace EventScope
