#include "akkajdbcstore.h"

#include "../model/category.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr auto kAlias = "j";

QStringList columnNames(Connection& connection, const TableName& table)
{
    QStringList names;
    if (const auto columns = connection.columns(table)) {
        for (const ColumnInfo& column : *columns)
            names.append(column.name);
    }
    return names;
}

bool hasAll(const QStringList& columns, std::initializer_list<const char*> wanted)
{
    return std::all_of(wanted.begin(), wanted.end(),
        [&columns](const char* column) { return columns.contains(QLatin1StringView(column)); });
}

// The category rule of AkkaJdbcStore::categoryOf, as SQL, so that category filters and counts run in the
// database.
QString categorySql(const QString& id, bool sqlite)
{
    if (sqlite)
        return u"CASE WHEN instr(%1, '|') > 0 THEN substr(%1, 1, instr(%1, '|') - 1)"
               " WHEN instr(%1, '-') > 0 THEN substr(%1, 1, instr(%1, '-') - 1) ELSE %1 END"_s.arg(id);
    // split_part gives the whole text when the separator is absent, as the rule wants.
    return u"CASE WHEN strpos(%1, '|') > 0 THEN split_part(%1, '|', 1) ELSE split_part(%1, '-', 1) END"_s.arg(id);
}

// Akka's Jackson serializers (ids 31, 32, 33) gzip a payload over a size threshold (32 KiB by default). The
// mapping sniffs every payload instead of asking its serializer id: what is not gzip does not inflate and is
// shown as stored, and a payload that does inflate is gzip whoever wrote it. JSON (ids 31 and 32) then shows as
// JSON; CBOR (33), protobuf and Java serialization show as bytes, with the manifest as their type.
PayloadField sniffedGzip(const QString& column)
{
    return PayloadField { column, PayloadEncoding::Gzip };
}

// Reads a protobuf varint at `at`, moving past it; nullopt when the bytes end first or it is over 10 bytes.
std::optional<quint64> varint(const QByteArray& bytes, qsizetype& at)
{
    quint64 value = 0;
    for (int shift = 0; shift < 64 && at < bytes.size(); shift += 7) {
        const auto byte = quint8(bytes[at++]);
        value |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    return std::nullopt;
}

// The last length-delimited field `number` of a protobuf message (protobuf's rule when a field repeats); nullopt
// when it is absent or when the bytes are not a well-formed message.
std::optional<QByteArray> protobufBytes(const QByteArray& message, quint64 number)
{
    std::optional<QByteArray> found;
    qsizetype at = 0;
    while (at < message.size()) {
        const auto key = varint(message, at);
        if (!key || (*key >> 3) == 0)
            return std::nullopt;
        quint64 skip = 0;
        switch (*key & 7) {
        case 0:
            if (!varint(message, at))
                return std::nullopt;
            break;
        case 1:
            skip = 8;
            break;
        case 5:
            skip = 4;
            break;
        case 2: {
            const auto length = varint(message, at);
            if (!length)
                return std::nullopt;
            skip = *length;
            if (skip <= quint64(message.size() - at) && (*key >> 3) == number)
                found = message.mid(at, qsizetype(skip));
            break;
        }
        default: // groups (3, 4) are not in Akka's formats
            return std::nullopt;
        }
        if (skip > quint64(message.size() - at))
            return std::nullopt;
        at += qsizetype(skip);
    }
    return found;
}

} // namespace

AkkaJdbcStore::AkkaJdbcStore(std::unique_ptr<Connection> connection, StoreMapping mapping, Layout layout)
    : MappedStore(std::move(connection), std::move(mapping))
    , m_layout(layout)
{ }

QByteArray AkkaJdbcStore::decodePayload(const QByteArray& stored, const PayloadField& field) const
{
    if (m_layout != Layout::Legacy || &field != &mapping().events.data)
        return MappedStore::decodePayload(stored, field);
    // PersistentMessage { PersistentPayload payload = 1; ... } and PersistentPayload { int32 serializerId = 1;
    // bytes payload = 2; bytes payloadManifest = 3 } (akka-persistence's MessageFormats.proto). The inner payload
    // is what the event's serializer wrote: JSON, gzip'd JSON or bytes, as in the current layout.
    const auto persistentPayload = protobufBytes(stored, 1);
    const auto payload = persistentPayload ? protobufBytes(*persistentPayload, 2) : std::nullopt;
    return payload ? unwrapPayload(*payload, PayloadEncoding::Gzip) : stored;
}

std::unique_ptr<EventStore> AkkaJdbcStore::open(
    std::unique_ptr<Connection> connection, const QString& schema, Layout layout)
{
    StoreMapping mapping = mappingFor(*connection, schema, layout);
    return std::make_unique<AkkaJdbcStore>(std::move(connection), std::move(mapping), layout);
}

QString AkkaJdbcStore::categoryOf(const QString& stream) const
{
    const qsizetype bar = stream.indexOf(u'|');
    return bar >= 0 ? stream.left(bar) : defaultCategoryOf(stream);
}

StoreMapping AkkaJdbcStore::mappingFor(Connection& connection, const QString& schema, Layout layout)
{
    const bool sqlite = connection.flavour() == SqlFlavour::Sqlite;
    const QString a = QString::fromLatin1(kAlias);
    const auto col = [&a](const char* name) -> QString { return a + u'.' + QLatin1StringView(name); };
    StoreMapping m;
    m.dialect = QString::fromLatin1(kName);
    EventsMapping& e = m.events;
    e.table = TableName { schema, layout == Layout::Current ? u"event_journal"_s : u"journal"_s };
    e.alias = a;
    e.position = col("ordering");
    e.stream = col("persistence_id");
    e.category = categorySql(e.stream, sqlite);
    e.version = col("sequence_number");
    const QStringList columns = columnNames(connection, e.table);
    // deleteMessages marks rows instead of removing them (until the snapshot makes them unreachable).
    if (columns.contains(u"deleted"_s))
        e.where = col("deleted") + u" IS NOT TRUE"_s;
    if (layout == Layout::Current) {
        // Serializers without a manifest (Java serialization, byte arrays) get their id as the type.
        e.type = u"CASE WHEN %1 <> '' THEN %1 ELSE 'serializer ' || %2 END"_s.arg(
            col("event_ser_manifest"), col("event_ser_id"));
        if (columns.contains(u"write_timestamp"_s))
            e.time = TimeField { col("write_timestamp"), TimeUnit::EpochMilliseconds };
        e.data = sniffedGzip(col("event_payload"));
        if (columns.contains(u"meta_payload"_s))
            e.metadata = sniffedGzip(col("meta_payload"));
    } else {
        // The whole row is a serialized PersistentRepr (Akka's protobuf envelope). decodePayload takes the event's
        // payload out of it; its manifest and time are inside it too, where SQL cannot filter on them, so the
        // rows keep one type and no time rather than show values the filters would not match.
        e.type = u"CAST('PersistentRepr' AS TEXT)"_s;
        e.data = PayloadField { col("message"), PayloadEncoding::Bytes };
    }

    const TableName snapshotTable { schema, u"snapshot"_s };
    const QStringList snapshotColumns = columnNames(connection, snapshotTable);
    if (hasAll(snapshotColumns, { "persistence_id", "sequence_number", "created" })) {
        SnapshotsMapping s;
        s.table = snapshotTable;
        s.stream = u"persistence_id"_s;
        s.version = u"sequence_number"_s;
        s.time = TimeField { u"created"_s, TimeUnit::EpochMilliseconds };
        if (snapshotColumns.contains(u"snapshot_payload"_s))
            s.data = sniffedGzip(u"snapshot_payload"_s);
        else if (snapshotColumns.contains(u"snapshot"_s)) // 4.x: a serialized Snapshot(data) wrapper
            s.data = PayloadField { u"snapshot"_s, PayloadEncoding::Bytes };
        if (!s.data.expression.isEmpty())
            m.snapshots = s;
    }
    const QString where = schema.isEmpty() ? QString() : u" in schema %1"_s.arg(schema);
    m.description = layout == Layout::Current
        ? u"Akka Persistence JDBC tables event_journal%1%2"_s.arg(m.snapshots ? u" and snapshot"_s : QString(), where)
        : u"Akka Persistence JDBC legacy (4.x) table journal%1%2; payloads are taken out of their envelopes"_s.arg(
            m.snapshots ? u" and snapshot"_s : QString(), where);
    return m;
}

QList<DialectMatch> AkkaJdbcStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    const auto tables = connection.tables();
    if (!tables) {
        connection.endRead();
        return found;
    }
    QStringList schemas;
    for (const TableName& table : *tables) {
        if ((table.name == u"event_journal"_s || table.name == u"journal"_s) && !schemas.contains(table.schema))
            schemas.append(table.schema);
    }
    std::stable_partition(schemas.begin(), schemas.end(), [](const QString& schema) { return schema == u"public"_s; });
    const QString name = QString::fromLatin1(kName);
    for (const QString& schema : std::as_const(schemas)) {
        const QString where = schema.isEmpty() ? QString() : u" in schema %1"_s.arg(schema);
        const QStringList snapshot = columnNames(connection, TableName { schema, u"snapshot"_s });
        const QStringList current = columnNames(connection, TableName { schema, u"event_journal"_s });
        const bool hasCurrent = hasAll(current,
            { "ordering", "persistence_id", "sequence_number", "event_ser_id", "event_ser_manifest", "event_payload" });
        if (hasCurrent) {
            const bool full = hasAll(snapshot, { "persistence_id", "sequence_number", "snapshot_ser_id" });
            found.append(DialectMatch { name, full ? 90 : 80,
                u"Akka Persistence JDBC tables event_journal%1%2"_s.arg(full ? u" and snapshot"_s : QString(), where),
                schema, [schema](std::unique_ptr<Connection> connection) {
                    return open(std::move(connection), schema, Layout::Current);
                } });
        }
        const QStringList legacy = columnNames(connection, TableName { schema, u"journal"_s });
        if (hasAll(legacy, { "ordering", "persistence_id", "sequence_number", "message" })) {
            // Both layouts in one schema (a migration half done): the legacy one gets a name of its own.
            const QString storeName = hasCurrent ? (schema.isEmpty() ? u"journal"_s : schema + u".journal"_s) : schema;
            found.append(DialectMatch { name, 60, u"Akka Persistence JDBC legacy (4.x) table journal%1"_s.arg(where),
                storeName, [schema](std::unique_ptr<Connection> connection) {
                    return open(std::move(connection), schema, Layout::Legacy);
                } });
        }
    }
    connection.endRead();
    return found;
}

} // namespace EventScope
