#include "commandedstore.h"

#include "sqlrowreader.h"

#include "../model/category.h"

#include <QRegularExpression>
#include <QSet>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString quoted(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

QString qualified(const QString& schema, const QString& table)
{
    return schema.isEmpty() ? quoted(table) : quoted(schema) + u'.' + quoted(table);
}

QSet<QString> columnNames(Connection& connection, const TableName& table)
{
    QSet<QString> names;
    if (const auto columns = connection.columns(table)) {
        for (const ColumnInfo& column : *columns)
            names.insert(column.name);
    }
    return names;
}

bool hasAll(const QSet<QString>& columns, std::initializer_list<const char*> wanted)
{
    return std::all_of(wanted.begin(), wanted.end(),
        [&columns](const char* column) { return columns.contains(QString::fromLatin1(column)); });
}

// A UUID at the end of a stream name (the identity of an aggregate), with the separator before it.
const QString kTrailingUuid = u"[-_:./]*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_s;
constexpr QStringView kBareUuidCategory = u"(uuid)";

} // namespace

QString CommandedStore::commandedCategoryOf(QStringView stream)
{
    static const QRegularExpression trailingUuid(kTrailingUuid, QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch uuid = trailingUuid.match(stream);
    if (uuid.hasMatch()) {
        const QStringView prefix = stream.left(uuid.capturedStart());
        return prefix.isEmpty() ? kBareUuidCategory.toString() : defaultCategoryOf(prefix);
    }
    // Commanded itself has no categories (only `$all`); the rule of Message DB and KurrentDB keeps them the same
    // across dialects: the text before the first '-'.
    return defaultCategoryOf(stream);
}

QString CommandedStore::categorySql(const QString& stream)
{
    // The same steps as commandedCategoryOf, in PostgreSQL's regular expressions (ARE, case-insensitive by ~*).
    const QString prefix = u"regexp_replace((%1), '%2', '', 'i')"_s.arg(stream, kTrailingUuid);
    return u"(CASE WHEN (%1) ~* '%2' THEN (CASE WHEN %3 = '' THEN '%4' ELSE split_part(%3, '-', 1) END)"
           " ELSE split_part((%1), '-', 1) END)"_s.arg(stream, kTrailingUuid, prefix, kBareUuidCategory);
}

std::optional<StoreMapping> CommandedStore::mappingFor(Connection& connection, const QString& schema)
{
    const QSet<QString> streams = columnNames(connection, { schema, u"streams"_s });
    const QSet<QString> events = columnNames(connection, { schema, u"events"_s });
    const QSet<QString> streamEvents = columnNames(connection, { schema, u"stream_events"_s });
    if (!hasAll(streams, { "stream_id", "stream_uuid", "stream_version" })
        || !hasAll(events, { "event_id", "event_type", "data" })
        || !hasAll(streamEvents, { "event_id", "stream_id", "stream_version", "original_stream_id" }))
        return std::nullopt;
    const QString streamsTable = qualified(schema, u"streams"_s);
    const QString streamEventsTable = qualified(schema, u"stream_events"_s);

    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(kName);
    mapping.description
        = schema.isEmpty() ? u"Commanded EventStore"_s : u"Commanded EventStore in schema %1"_s.arg(schema);
    // The rows of each event's source stream, joined to its `$all` row for the global position: the join on
    // g.original_stream_id is what leaves out the `$all` rows and a linked stream's rows as `se` (an event is
    // read once), as a join condition rather than a filter on `se`, whose selectivity the planner misjudges. A stream's
    // page seeks ix_stream_events(stream_id, stream_version) of `se`; the global log seeks the same index at stream_id
    // 0 through `g`.
    EventsMapping& e = mapping.events;
    e.table = TableName { schema, u"stream_events"_s };
    e.alias = u"se"_s;
    e.joins = u"JOIN %1 AS g ON g.event_id = se.event_id AND g.stream_id = 0 AND g.original_stream_id = se.stream_id"
              " JOIN %2 AS s ON s.stream_id = se.stream_id JOIN %3 AS e ON e.event_id = se.event_id"_s.arg(
                  streamEventsTable, streamsTable, qualified(schema, u"events"_s));
    e.position = u"g.stream_version"_s;
    e.stream = u"s.stream_uuid"_s;
    e.streamMatch = u"se.stream_id = (SELECT stream_id FROM %1 WHERE stream_uuid = ?)"_s.arg(streamsTable);
    e.category = categorySql(u"s.stream_uuid"_s);
    e.version = u"se.stream_version"_s;
    e.type = u"e.event_type"_s;
    if (events.contains(u"created_at"_s))
        e.time = TimeField { u"e.created_at"_s, TimeUnit::Native };
    e.id = u"e.event_id"_s;
    // bytea (JSON text from EventStore.JsonSerializer, Erlang terms from TermSerializer, shown as bytes) or jsonb:
    // both are shown as stored, which payload.h classifies.
    e.data = PayloadField { u"e.data"_s, PayloadEncoding::Json };
    if (events.contains(u"metadata"_s))
        e.metadata = PayloadField { u"e.metadata"_s, PayloadEncoding::Json };

    // Streams from the library's own table: the count is stream_version (which also counts events linked into
    // the stream). Soft-deleted streams (deleted_at) are listed: their events are still in `$all`.
    StreamsMapping st;
    st.table = TableName { schema, u"streams"_s };
    st.alias = u"st"_s;
    st.name = u"st.stream_uuid"_s;
    st.category = categorySql(u"st.stream_uuid"_s);
    st.events = u"st.stream_version"_s;
    st.lastVersion = u"st.stream_version"_s;
    if (events.contains(u"created_at"_s)) {
        // The time of the stream's last row: one seek of ix_stream_events and one of the events' key per stream.
        st.lastTime = TimeField { u"(SELECT le.created_at FROM %1 AS ls JOIN %2 AS le ON le.event_id = ls.event_id"
                                  " WHERE ls.stream_id = st.stream_id AND ls.stream_version = st.stream_version)"_s.arg(
                                      streamEventsTable, qualified(schema, u"events"_s)),
            TimeUnit::Native };
    }
    st.where = u"st.stream_id <> 0"_s;
    mapping.streams = st;

    // Commanded keeps one snapshot per source (upserted): the aggregate's state at source_version.
    const QSet<QString> snapshots = columnNames(connection, { schema, u"snapshots"_s });
    if (hasAll(snapshots, { "source_uuid", "source_version", "data" })) {
        SnapshotsMapping sn;
        sn.table = TableName { schema, u"snapshots"_s };
        sn.stream = u"source_uuid"_s;
        sn.version = u"source_version"_s;
        if (snapshots.contains(u"created_at"_s))
            sn.time = TimeField { u"created_at"_s, TimeUnit::Native };
        sn.data = PayloadField { u"data"_s, PayloadEncoding::Json };
        mapping.snapshots = sn;
    }
    return mapping;
}

QList<DialectMatch> CommandedStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    if (connection.flavour() != SqlFlavour::Postgres) {
        connection.endRead();
        return found;
    }
    const auto tables = connection.tables();
    if (!tables) {
        connection.endRead();
        return found;
    }
    QStringList schemas;
    for (const TableName& table : *tables) {
        if (table.name == u"stream_events"_s && tables->contains(TableName { table.schema, u"streams"_s })
            && tables->contains(TableName { table.schema, u"events"_s }))
            schemas.append(table.schema);
    }
    std::stable_partition(schemas.begin(), schemas.end(), [](const QString& schema) { return schema == u"public"_s; });
    for (const QString& schema : std::as_const(schemas)) {
        std::optional<StoreMapping> mapping = mappingFor(connection, schema);
        if (!mapping)
            continue;
        // The full fingerprint: the migrations table EventStore writes, and the soft-delete column of 1.x.
        const bool migrations
            = hasAll(columnNames(connection, { schema, u"schema_migrations"_s }), { "major_version", "minor_version" });
        const bool softDelete = columnNames(connection, { schema, u"streams"_s }).contains(u"deleted_at"_s);
        const int confidence = migrations && softDelete ? 90 : (migrations || softDelete ? 75 : 60);
        found.append(DialectMatch { QString::fromLatin1(kName), confidence,
            u"tables streams, events and stream_events in schema %1"_s.arg(schema), schema,
            [mapping = *mapping](std::unique_ptr<Connection> opened) -> std::unique_ptr<EventStore> {
                return std::make_unique<CommandedStore>(std::move(opened), mapping);
            } });
    }
    connection.endRead();
    return found;
}

CommandedStore::CommandedStore(std::unique_ptr<Connection> connection, StoreMapping mapping)
    : MappedStore(std::move(connection), std::move(mapping))
{ }

Result<StoreInfo> CommandedStore::readInfo()
{
    const QString schema = mapping().events.table.schema;
    const QString all = u"FROM %1 WHERE stream_id = 0"_s.arg(table({ schema, u"stream_events"_s }));
    const QString streams = u"FROM %1 AS s WHERE s.stream_id <> 0"_s.arg(table({ schema, u"streams"_s }));
    const QString snapshots
        = mapping().snapshots ? u"(SELECT count(*) FROM %1)"_s.arg(table(mapping().snapshots->table)) : u"NULL"_s;
    // Every event has exactly one `$all` row, and the foreign keys of stream_events hold it to its event and
    // its source stream, so this count is the number of events the log shows.
    const SqlQuery query {
        u"SELECT (SELECT count(*) %1), (SELECT min(stream_version) %1), (SELECT max(stream_version) %1),"
        " (SELECT min(%2) FROM %3 AS e), (SELECT max(%2) FROM %3 AS e), (SELECT count(*) %4),"
        " (SELECT count(DISTINCT %5) %4), %6"_s.arg(
            all, eventTimeMs(), table({ schema, u"events"_s }), streams, categorySql(u"s.stream_uuid"_s), snapshots),
        {}
    };
    StoreInfo info;
    info.location = location().toString();
    info.dialect = dialectName();
    const Status status = forEachRow(connection(), query, [&info](const SqlRows& row) {
        info.events = row.int64(0);
        if (!row.isNull(1)) {
            info.firstPosition = row.int64(1);
            info.lastPosition = row.int64(2);
            info.firstTimeMs = row.int64(3);
            info.lastTimeMs = row.int64(4);
        }
        info.streams = row.int64(5);
        info.categories = row.int64(6);
        if (!row.isNull(7))
            info.snapshots = row.int64(7);
        return false;
    });
    if (!status)
        return status.error();
    return info;
}

} // namespace EventScope
