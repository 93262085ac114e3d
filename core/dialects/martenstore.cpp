#include "martenstore.h"

#include "sqlrowreader.h"

#include <QHash>
#include <QUuid>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

using Columns = QHash<QString, QString>; // column name -> type, as the catalog gives them

Columns columnsOf(Connection& connection, const TableName& table)
{
    Columns columns;
    if (const auto list = connection.columns(table)) {
        for (const ColumnInfo& column : *list)
            columns.insert(column.name, column.type.toLower());
    }
    return columns;
}

bool hasAll(const Columns& columns, std::initializer_list<const char*> wanted)
{
    return std::all_of(wanted.begin(), wanted.end(),
        [&columns](const char* name) { return columns.contains(QLatin1StringView(name)); });
}

QString quoted(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

QString qualified(const TableName& table)
{
    return quoted(table.schema) + u'.' + quoted(table.name);
}

bool isInteger(const QString& type)
{
    return type == u"bigint"_s || type == u"integer"_s || type == u"smallint"_s || type.startsWith(u"numeric"_s);
}

// The mt_doc_* tables of every schema (documents may live in another schema than the events) whose mt_version is a
// number: Marten ties a projected aggregate's revision to its stream's version, while an ordinary document's
// mt_version is a random uuid.
QList<MartenStore::DocumentTable> aggregateTables(Connection& connection, const QList<TableName>& tables)
{
    QList<MartenStore::DocumentTable> documents;
    for (const TableName& table : tables) {
        if (!table.name.startsWith(u"mt_doc_"_s))
            continue;
        const Columns columns = columnsOf(connection, table);
        if (!hasAll(columns, { "id", "data", "mt_version" }) || !isInteger(columns.value(u"mt_version"_s)))
            continue;
        const QString idType = columns.value(u"id"_s);
        MartenStore::DocumentTable document;
        document.table = table;
        document.id = idType == u"uuid"_s ? MartenStore::DocumentTable::IdKind::Uuid
            : isInteger(idType)           ? MartenStore::DocumentTable::IdKind::Integer
                                          : MartenStore::DocumentTable::IdKind::Text;
        document.hasLastModified = columns.contains(u"mt_last_modified"_s);
        documents.append(document);
    }
    return documents;
}

// The store as a mapping over the columns this Marten version and configuration created.
StoreMapping martenMapping(const QString& schema, const Columns& events, const Columns& streams)
{
    const TableName eventsTable { schema, u"mt_events"_s };
    const TableName streamsTable { schema, u"mt_streams"_s };
    const auto e = [](const char* column) -> QString { return u"e."_s + quoted(QLatin1StringView(column)); };
    const auto s = [](const char* column) -> QString { return u"s."_s + quoted(QLatin1StringView(column)); };

    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(MartenStore::kName);
    mapping.description = u"Marten tables mt_events and mt_streams in schema %1"_s.arg(schema);

    EventsMapping& m = mapping.events;
    m.table = eventsTable;
    m.alias = u"e"_s;
    // The stream's aggregate type is its category; under conjoined tenancy a stream id is unique per tenant only.
    QString on = s("id") + u" = "_s + e("stream_id");
    if (events.contains(u"tenant_id"_s) && streams.contains(u"tenant_id"_s))
        on += u" AND "_s + s("tenant_id") + u" = "_s + e("tenant_id");
    if (streams.contains(u"type"_s)) {
        m.joins = u"LEFT JOIN %1 AS s ON %2"_s.arg(qualified(streamsTable), on);
        m.category = u"COALESCE(NULLIF(%1, ''), split_part(%2::text, '-', 1))"_s.arg(s("type"), e("stream_id"));
    }
    m.position = e("seq_id");
    m.stream = e("stream_id");
    m.version = e("version");
    m.type = e("type");
    if (events.contains(u"timestamp"_s))
        m.time = TimeField { e("timestamp"), TimeUnit::Native };
    if (events.contains(u"id"_s))
        m.id = e("id");
    // 9.x keeps binary events (MemoryPack and the like) in bdata, with '{}' in data: bdata, when set, is the body.
    m.data = PayloadField { events.contains(u"bdata"_s)
            ? u"COALESCE(%1, convert_to(%2::text, 'UTF8'))"_s.arg(e("bdata"), e("data"))
            : e("data"),
        PayloadEncoding::Json };
    // Marten's metadata is a set of optional columns (opt-in per store); those present become one JSON object.
    QStringList metadata;
    for (const char* column : { "correlation_id", "causation_id", "user_name", "headers" }) {
        if (events.contains(QLatin1StringView(column)))
            metadata << u"'%1', %2"_s.arg(QLatin1StringView(column), e(column));
    }
    if (events.contains(u"tenant_id"_s))
        metadata << u"'tenant_id', NULLIF(%1, '*DEFAULT*')"_s.arg(e("tenant_id"));
    if (events.contains(u"mt_dotnet_type"_s))
        metadata << u"'dotnet_type', %1"_s.arg(e("mt_dotnet_type"));
    if (!metadata.isEmpty())
        m.metadata = PayloadField { u"NULLIF(jsonb_strip_nulls(jsonb_build_object(%1)), '{}'::jsonb)"_s.arg(
                                        metadata.join(u", "_s)),
            PayloadEncoding::Json };
    // The async daemon fills holes in seq_id with tombstone events in a reserved stream: bookkeeping, not events.
    m.where = e("type") + u" <> 'tombstone'"_s;

    StreamsMapping list;
    list.table = streamsTable;
    list.alias = u"s"_s;
    list.name = s("id");
    if (streams.contains(u"type"_s))
        list.category = u"COALESCE(NULLIF(%1, ''), split_part(%2::text, '-', 1))"_s.arg(s("type"), s("id"));
    // Marten keeps each stream's version, which is its event count (versions start at 1, without gaps).
    list.events = u"COALESCE(%1, 0)"_s.arg(s("version"));
    list.lastVersion = list.events;
    if (streams.contains(u"timestamp"_s))
        list.lastTime = TimeField { s("timestamp"), TimeUnit::Native };
    // The tombstone stream is made with version 0 and never counted up; string ids name it mt_tombstone.
    list.where = u"%1 > 0"_s.arg(list.events);
    if (streams.value(u"id"_s) != u"uuid"_s)
        list.where += u" AND %1 <> 'mt_tombstone'"_s.arg(s("id"));
    mapping.streams = list;
    return mapping;
}

} // namespace

QList<DialectMatch> MartenStore::detect(Connection& connection)
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
    std::optional<QList<DocumentTable>> documents; // looked up once, for the first store found
    for (const TableName& table : *tables) {
        if (table.name != u"mt_events"_s || !tables->contains(TableName { table.schema, u"mt_streams"_s }))
            continue;
        const Columns events = columnsOf(connection, table);
        const Columns streams = columnsOf(connection, TableName { table.schema, u"mt_streams"_s });
        if (!hasAll(events, { "seq_id", "stream_id", "version", "data", "type" }) || !hasAll(streams, { "id" }))
            continue;
        if (!documents)
            documents = aggregateTables(connection, *tables);
        const int confidence = events.contains(u"mt_dotnet_type"_s) && streams.contains(u"version"_s) ? 90 : 70;
        const StoreMapping mapping = martenMapping(table.schema, events, streams);
        const QString schema = table.schema;
        const QList<DocumentTable> docs = *documents;
        found.append(DialectMatch { QString::fromLatin1(kName), confidence, mapping.description, schema,
            [mapping, schema, docs](std::unique_ptr<Connection> connection) -> std::unique_ptr<EventStore> {
                return std::make_unique<MartenStore>(std::move(connection), mapping, schema, docs);
            } });
    }
    connection.endRead();
    return found;
}

MartenStore::MartenStore(
    std::unique_ptr<Connection> connection, StoreMapping mapping, QString eventsSchema, QList<DocumentTable> documents)
    : MappedStore(std::move(connection), std::move(mapping))
    , m_eventsSchema(std::move(eventsSchema))
    , m_documents(std::move(documents))
{
    m_streamIdIsUuid
        = columnsOf(this->connection(), TableName { m_eventsSchema, u"mt_streams"_s }).value(u"id"_s) == u"uuid"_s;
    this->connection().endRead();
}

MappedStore::Conditions MartenStore::streamCondition(const QString& stream) const
{
    if (m_streamIdIsUuid && QUuid::fromString(stream).isNull())
        return Conditions { { u"FALSE"_s }, {} };
    return MappedStore::streamCondition(stream);
}

Result<StoreInfo> MartenStore::readInfo()
{
    auto info = MappedStore::readInfo();
    if (!info)
        return info;
    // Documents that are some stream's aggregate: their id is a stream id of this store.
    qint64 snapshots = 0;
    const QString streams = qualified(TableName { m_eventsSchema, u"mt_streams"_s });
    for (const DocumentTable& document : std::as_const(m_documents)) {
        const bool sameType = (document.id == DocumentTable::IdKind::Uuid) == m_streamIdIsUuid
            && document.id != DocumentTable::IdKind::Integer;
        const QString match = sameType ? u"s.id = d.id"_s : u"s.id::text = d.id::text"_s;
        const auto count = firstInt(connection(),
            SqlQuery { u"SELECT count(*) FROM %1 AS d WHERE EXISTS (SELECT 1 FROM %2 AS s WHERE %3)"_s.arg(
                           qualified(document.table), streams, match),
                {} });
        if (!count)
            return count.error();
        snapshots += count->value_or(0);
    }
    info->snapshots = snapshots;
    return info;
}

Result<QList<Snapshot>> MartenStore::readSnapshots(const QString& stream)
{
    QList<Snapshot> result;
    bool isNumber = false;
    const qint64 number = stream.toLongLong(&isNumber);
    for (const DocumentTable& document : std::as_const(m_documents)) {
        // Compare in the id's own type, so the lookup is a seek on the document's primary key.
        SqlValue id;
        switch (document.id) {
        case DocumentTable::IdKind::Uuid:
            if (QUuid::fromString(stream).isNull())
                continue;
            id = stream;
            break;
        case DocumentTable::IdKind::Integer:
            if (!isNumber)
                continue;
            id = number;
            break;
        case DocumentTable::IdKind::Text:
            id = stream;
            break;
        }
        const QString time
            = document.hasLastModified ? u"(extract(epoch FROM d.mt_last_modified) * 1000)::bigint"_s : u"0"_s;
        const Status status = forEachRow(connection(),
            SqlQuery {
                u"SELECT d.mt_version, %1, d.data FROM %2 AS d WHERE d.id = ?"_s.arg(time, qualified(document.table)),
                { id } },
            [&](const SqlRows& row) {
                result.append(Snapshot { stream, row.int64(0), row.optionalInt64(1), row.bytes(2) });
                return true;
            });
        if (!status)
            return status.error();
    }
    std::stable_sort(
        result.begin(), result.end(), [](const Snapshot& a, const Snapshot& b) { return a.version < b.version; });
    return result;
}

} // namespace EventScope
