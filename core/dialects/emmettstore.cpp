#include "emmettstore.h"

#include "../model/category.h"
#include "sqlrowreader.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Emmett's names for the partition every store starts with: 'emt:default' since 0.36 (PostgreSQL, and what
// SQLite's messages get), 'global' in older DDL defaults.
const QStringList kDefaultPartitions { u"emt:default"_s, u"global"_s };

QString sqlLiteral(const QString& text)
{
    return u'\'' + QString(text).replace(u"'"_s, u"''"_s) + u'\'';
}

QStringList columnNames(Connection& connection, const TableName& table)
{
    QStringList names;
    if (const auto columns = connection.columns(table)) {
        for (const ColumnInfo& column : *columns)
            names.append(column.name);
    }
    return names;
}

// What the catalog says about one Emmett store: which events table (emt_messages, or emt_events before 0.36)
// and which of the optional columns this version wrote.
struct Layout
{
    TableName messages;
    TableName streams;
    QString type, id, data, metadata; // message_* since 0.36, event_* before
    bool hasPartition = false;
    bool hasArchived = false;
    bool hasCreated = false;
    bool streamsHavePartition = false;
    bool streamsHaveArchived = false;
};

std::optional<Layout> readLayout(Connection& connection, const QString& schema, const QList<TableName>& tables)
{
    Layout layout;
    layout.streams = TableName { schema, u"emt_streams"_s };
    if (!tables.contains(layout.streams))
        return std::nullopt;
    for (const char* name : { "emt_messages", "emt_events" }) {
        const TableName table { schema, QString::fromLatin1(name) };
        if (!tables.contains(table))
            continue;
        const QStringList columns = columnNames(connection, table);
        const auto field = [&columns](const QString& name) -> QString {
            for (const QString& prefix : { u"message_"_s, u"event_"_s }) {
                if (columns.contains(prefix + name))
                    return prefix + name;
            }
            return QString();
        };
        layout.messages = table;
        layout.type = field(u"type"_s);
        layout.id = field(u"id"_s);
        layout.data = field(u"data"_s);
        layout.metadata = field(u"metadata"_s);
        layout.hasPartition = columns.contains(u"partition"_s);
        layout.hasArchived = columns.contains(u"is_archived"_s);
        layout.hasCreated = columns.contains(u"created"_s);
        if (columns.contains(u"stream_id"_s) && columns.contains(u"stream_position"_s)
            && columns.contains(u"global_position"_s) && !layout.type.isEmpty() && !layout.data.isEmpty())
            break;
        layout.messages = {};
    }
    if (layout.messages.name.isEmpty())
        return std::nullopt;
    const QStringList streamColumns = columnNames(connection, layout.streams);
    if (!streamColumns.contains(u"stream_id"_s) || !streamColumns.contains(u"stream_position"_s))
        return std::nullopt;
    layout.streamsHavePartition = streamColumns.contains(u"partition"_s);
    layout.streamsHaveArchived = streamColumns.contains(u"is_archived"_s);
    return layout;
}

QString quotedTable(const TableName& table)
{
    const auto quoted
        = [](const QString& name) -> QString { return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"'; };
    return table.schema.isEmpty() ? quoted(table.name) : quoted(table.schema) + u'.' + quoted(table.name);
}

} // namespace

QList<DialectMatch> EmmettStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    const auto tables = connection.tables();
    if (!tables) {
        connection.endRead();
        return found;
    }
    QStringList schemas;
    for (const TableName& table : *tables) {
        if ((table.name == u"emt_messages"_s || table.name == u"emt_events"_s) && !schemas.contains(table.schema))
            schemas.append(table.schema);
    }
    std::stable_partition(schemas.begin(), schemas.end(), [](const QString& schema) { return schema == u"public"_s; });
    for (const QString& schema : std::as_const(schemas)) {
        const auto layout = readLayout(connection, schema, *tables);
        if (!layout)
            continue;
        const QString where = schema.isEmpty() ? QString() : u" in schema %1"_s.arg(schema);
        found.append(DialectMatch { QString::fromLatin1(kName), 90,
            u"Emmett tables %1 and emt_streams%2"_s.arg(layout->messages.name, where), schema,
            [schema](std::unique_ptr<Connection> connection) { return open(std::move(connection), schema); } });
    }
    connection.endRead();
    return found;
}

std::unique_ptr<EventStore> EmmettStore::open(std::unique_ptr<Connection> connection, const QString& schema)
{
    Connection& c = *connection;
    const bool sqlite = c.flavour() == SqlFlavour::Sqlite;
    const auto tables = c.tables();
    const auto layout = tables ? readLayout(c, schema, *tables) : std::nullopt;
    if (!layout) {
        // The tables went away between detection and now: open the mapping anyway, its queries say what is missing.
        StoreMapping mapping;
        mapping.dialect = QString::fromLatin1(kName);
        mapping.events.table = TableName { schema, u"emt_messages"_s };
        mapping.events.position = u"global_position"_s;
        mapping.events.stream = u"stream_id"_s;
        mapping.events.version = u"stream_position"_s;
        mapping.events.type = u"message_type"_s;
        mapping.events.data = PayloadField { u"message_data"_s, PayloadEncoding::Json };
        return std::unique_ptr<EventStore>(new EmmettStore(std::move(connection), mapping, {}, {}));
    }
    // Archived streams are Emmett's soft delete: its own readers skip them (is_archived = false), and an archived
    // copy may share its name and positions with a live stream of the same id, so they are hidden here too. On
    // PostgreSQL the condition also prunes the archived sub-partitions from every plan.
    const QString notArchived = sqlite ? u"NOT is_archived"_s : u"is_archived = false"_s;

    // The partitions events are written to. PostgreSQL: from emt_streams (a row per stream), which Emmett's append
    // function fills with the same partition as the messages. SQLite: from emt_messages itself, one scan at open,
    // because Emmett's SQLite append writes a placeholder instead of the partition into emt_streams.
    QStringList partitions;
    if (layout->hasPartition && (sqlite || layout->streamsHavePartition)) {
        const TableName source = sqlite ? layout->messages : layout->streams;
        const bool archived = sqlite ? layout->hasArchived : layout->streamsHaveArchived;
        forEachRow(c,
            SqlQuery { u"SELECT DISTINCT \"partition\" FROM %1%2 ORDER BY 1"_s.arg(
                           quotedTable(source), archived ? u" WHERE "_s + notArchived : QString()),
                {} },
            [&partitions](const SqlRows& row) {
                partitions.append(row.text(0));
                return true;
            });
    }
    QString defaultPartition;
    QStringList prefixed;
    if (partitions.size() > 1) {
        for (const QString& name : kDefaultPartitions) {
            if (partitions.contains(name)) {
                defaultPartition = name;
                break;
            }
        }
        prefixed = partitions;
        prefixed.removeAll(defaultPartition);
        // Longest first, so that the most specific prefix is tried first when one partition's name begins another's.
        std::stable_sort(
            prefixed.begin(), prefixed.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
    }
    const QString separator = sqlLiteral(QString(QLatin1Char(kPartitionSeparator)));
    QString stream = u"stream_id"_s;
    if (!prefixed.isEmpty()) {
        const QString withPrefix = u"\"partition\" || %1 || stream_id"_s.arg(separator);
        stream = defaultPartition.isEmpty() ? withPrefix
                                            : u"CASE WHEN \"partition\" = %1 THEN stream_id ELSE %2 END"_s.arg(
                                                sqlLiteral(defaultPartition), withPrefix);
    }
    // Emmett names streams `<type>-<id>` (free text): the category is the text before the first '-' of the id.
    const QString category = sqlite
        ? u"CASE WHEN instr(stream_id, '-') > 0 THEN substr(stream_id, 1, instr(stream_id, '-') - 1) ELSE stream_id END"_s
        : u"split_part(stream_id, '-', 1)"_s;

    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(kName);
    mapping.description = u"Emmett %1"_s.arg(layout->messages.name);
    EventsMapping& e = mapping.events;
    e.table = layout->messages;
    // The global order is global_position, what Emmett hands out as a message's position. Emmett's own pollers
    // read (transaction_id, global_position) and stop below the oldest running transaction, so as not to skip a
    // position that commits late; a read-only explorer reads a consistent snapshot and shows such an event at its
    // position when it is reloaded, which needs no such care. A page is an index seek where an index leads with
    // global_position (idx_messages_global_position of Emmett 0.42.3 to 0.43, and SQLite's rowid). Emmett 0.44
    // keeps only (transaction_id, global_position), which cannot give this order: there a page of the global log is
    // a top-N sort of the live partitions (measured: about 0.5 s at 1 M events); a stream's page stays a seek.
    e.position = u"global_position"_s;
    e.stream = stream;
    e.category = category;
    e.version = u"stream_position"_s;
    e.type = layout->type;
    if (layout->hasCreated)
        e.time = TimeField { u"created"_s, TimeUnit::Native };
    e.id = layout->id;
    e.data = PayloadField { layout->data, PayloadEncoding::Json };
    if (!layout->metadata.isEmpty())
        e.metadata = PayloadField { layout->metadata, PayloadEncoding::Json };
    // Every message kind is shown, commands ('C', written by workflows) beside events ('E'): both take a stream
    // position, so hiding commands would leave gaps in streams and make emt_streams' counts wrong.
    if (layout->hasArchived)
        e.where = notArchived;

    // emt_streams keeps each stream's position (= its message count, positions being 1-based). It names the
    // streams like the messages do unless SQLite's placeholder partition would have to be matched.
    if (prefixed.isEmpty() || (!sqlite && layout->streamsHavePartition)) {
        StreamsMapping s;
        s.table = layout->streams;
        s.name = stream;
        s.category = category;
        s.events = u"stream_position"_s;
        s.lastVersion = u"stream_position"_s;
        if (layout->streamsHaveArchived)
            s.where = notArchived;
        mapping.streams = s;
    }
    return std::unique_ptr<EventStore>(
        new EmmettStore(std::move(connection), std::move(mapping), std::move(defaultPartition), std::move(prefixed)));
}

EmmettStore::EmmettStore(std::unique_ptr<Connection> connection, StoreMapping mapping, QString defaultPartition,
    QStringList prefixedPartitions)
    : MappedStore(std::move(connection), std::move(mapping))
    , m_defaultPartition(std::move(defaultPartition))
    , m_prefixedPartitions(std::move(prefixedPartitions))
{ }

std::optional<std::pair<QString, QString>> EmmettStore::streamKey(const QString& stream) const
{
    for (const QString& partition : m_prefixedPartitions) {
        if (stream.size() > partition.size() && stream.startsWith(partition)
            && stream.at(partition.size()) == QLatin1Char(kPartitionSeparator))
            return std::pair { stream.mid(partition.size() + 1), partition };
    }
    if (m_defaultPartition.isEmpty())
        return std::nullopt;
    return std::pair { stream, m_defaultPartition };
}

QString EmmettStore::categoryOf(const QString& stream) const
{
    const auto key = streamKey(stream);
    return defaultCategoryOf(key ? key->first : stream);
}

MappedStore::Conditions EmmettStore::streamCondition(const QString& stream) const
{
    if (m_prefixedPartitions.isEmpty())
        return MappedStore::streamCondition(stream);
    // Seeks the primary key (stream_id, stream_position, partition, is_archived) with the id and the partition,
    // not the name as shown, and lets PostgreSQL prune every other partition.
    const auto key = streamKey(stream);
    if (!key)
        return Conditions { { u"(1 = 0)"_s }, {} };
    return Conditions { { u"(stream_id = ? AND \"partition\" = ?)"_s }, { key->first, key->second } };
}

} // namespace EventScope
