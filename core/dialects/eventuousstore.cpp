#include "eventuousstore.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// What Eventuous's PostgreSQL subscription writes to fill a gap in global_position that never commits
// (try_insert_tombstone, PostgresSubscriptionConstants): bookkeeping, never a user's event.
constexpr auto kTombstoneStream = "'__tombstones__'";
constexpr auto kTombstoneType = "'$tombstone'";

QString quotedIdentifier(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

bool hasColumns(Connection& connection, const TableName& table, std::initializer_list<const char*> wanted)
{
    const auto columns = connection.columns(table);
    if (!columns)
        return false;
    return std::all_of(wanted.begin(), wanted.end(), [&columns](const char* name) {
        return std::any_of(columns->cbegin(), columns->cend(),
            [name](const ColumnInfo& column) { return column.name == QLatin1StringView(name); });
    });
}

StoreMapping eventuousMapping(const QString& schema)
{
    const QString prefix = quotedIdentifier(schema) + u'.';
    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(EventuousStore::kName);
    mapping.description = u"Eventuous schema %1"_s.arg(schema);
    EventsMapping& e = mapping.events;
    e.table = TableName { schema, u"messages"_s };
    e.alias = u"m"_s;
    // The name comes from streams by the row's stream_id, a scalar subquery rather than a join: a page then walks
    // one index of messages in order (a join's nested loop keeps only its outer side's order, and PostgreSQL
    // sorts a stream's rows instead), and each shown row costs one seek on streams' primary key.
    e.stream = u"(SELECT s.stream_name FROM %1streams AS s WHERE s.stream_id = m.stream_id)"_s.arg(prefix);
    e.position = u"m.global_position"_s;
    // Category: StreamName.For<T> names streams `<TypeName>-<id>`, the default rule (text before the first '-').
    e.version = u"m.stream_position"_s;
    e.type = u"m.message_type"_s;
    // A timestamp without time zone that Eventuous writes in UTC (now() at time zone 'utc'): its epoch is UTC's.
    e.time = TimeField { u"m.created"_s, TimeUnit::Native };
    e.id = u"m.message_id"_s;
    e.data = PayloadField { u"m.json_data"_s, PayloadEncoding::Json };
    e.metadata = PayloadField { u"m.json_metadata"_s, PayloadEncoding::Json };
    // The tombstone stream's id is looked up once per query (an InitPlan), not per row, so that the condition
    // costs nothing and leaves the planner's choice of index alone; IS DISTINCT FROM keeps every row when the
    // store has no tombstone stream.
    e.where = u"(m.message_type <> %1 OR m.stream_id IS DISTINCT FROM"
              " (SELECT t.stream_id FROM %2streams AS t WHERE t.stream_name = %3))"_s.arg(
                  QLatin1StringView(kTombstoneType), prefix, QLatin1StringView(kTombstoneStream));

    // streams.version is the last 0-based position (-1 before the first event): count = version + 1. A stream
    // that truncate_stream cut keeps its version, so its count is what was appended, not what is left.
    StreamsMapping s;
    s.table = TableName { schema, u"streams"_s };
    s.name = u"stream_name"_s;
    s.events = u"version + 1"_s;
    s.lastVersion = u"version"_s;
    s.where = u"version >= 0 AND stream_name <> %1"_s.arg(QLatin1StringView(kTombstoneStream));
    mapping.streams = s;
    return mapping;
}

} // namespace

QList<DialectMatch> EventuousStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    if (connection.flavour() != SqlFlavour::Postgres) {
        connection.endRead();
        return found; // Eventuous stores events in PostgreSQL only (and in databases EventScope does not read)
    }
    const auto tables = connection.tables();
    if (!tables) {
        connection.endRead();
        return found;
    }
    QStringList schemas;
    for (const TableName& table : *tables) {
        if (table.name == u"messages"_s && tables->contains(TableName { table.schema, u"streams"_s })
            && tables->contains(TableName { table.schema, u"checkpoints"_s }))
            schemas.append(table.schema);
    }
    std::stable_partition(
        schemas.begin(), schemas.end(), [](const QString& schema) { return schema == u"eventuous"_s; });
    for (const QString& schema : std::as_const(schemas)) {
        if (!hasColumns(connection, TableName { schema, u"messages"_s },
                { "message_id", "message_type", "stream_id", "stream_position", "global_position", "json_data",
                    "json_metadata", "created" })
            || !hasColumns(connection, TableName { schema, u"streams"_s }, { "stream_name", "stream_id", "version" }))
            continue;
        found.append(DialectMatch { QString::fromLatin1(kName), 90,
            u"Eventuous tables messages, streams and checkpoints in schema %1"_s.arg(schema), schema,
            [schema](std::unique_ptr<Connection> connection) -> std::unique_ptr<EventStore> {
                return std::make_unique<EventuousStore>(std::move(connection), schema);
            } });
    }
    connection.endRead();
    return found;
}

EventuousStore::EventuousStore(std::unique_ptr<Connection> connection, const QString& schema)
    : MappedStore(std::move(connection), eventuousMapping(schema))
    , m_streamIdOfName(
          u"m.stream_id = (SELECT stream_id FROM %1.streams WHERE stream_name = ?)"_s.arg(quotedIdentifier(schema)))
{ }

// The name is in the joined streams table: find the stream's id there first (one seek on its unique name), so
// that the page walks the messages' (stream_id, stream_position) index in order instead of sorting a join.
MappedStore::Conditions EventuousStore::streamCondition(const QString& stream) const
{
    return Conditions { { m_streamIdOfName }, { stream } };
}

} // namespace EventScope
