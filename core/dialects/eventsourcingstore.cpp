#include "eventsourcingstore.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr auto kAlias = "e";

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

// The event's `timestamp` attribute, which the library's JSON transcoder writes as
// {"_type_":"datetime_iso","_data_":"2024-05-01T12:00:00.123456+00:00"}, as ISO text in SQL; NULL (time 0)
// when the state is compressed or encrypted, or has no such timestamp. It must never fail on a row, and it runs
// on every row when the store is described or its streams listed, so it must be cheap.
// SQLite parses the JSON (about 1 µs a row) when json_valid() says it is JSON. PostgreSQL cannot parse JSON
// without raising an error on a bad row, and a pattern that captures the time anywhere in the state cost 80 µs a
// row (41 s to describe 500 000 events). So it reads the timestamp where the library writes it, first (an
// event's state is its dataclass fields in order without originator_id and originator_version, and
// DomainEvent's fields are those two, then timestamp), checks it with a match that captures nothing, and cuts it
// at its closing quote: 1.8 s for the same 500 000. A state that does not start with it has no time here.
QString timestampSql(const QString& state, bool sqlite)
{
    if (sqlite) {
        const QString text = u"CAST(%1 AS TEXT)"_s.arg(state);
        return u"CASE WHEN json_valid(%1) AND json_extract(%1, '$.timestamp._type_') = 'datetime_iso'"
               " THEN json_extract(%1, '$.timestamp._data_') END"_s.arg(text);
    }
    static const QByteArray prefix = R"({"timestamp":{"_type_":"datetime_iso","_data_":")";
    // The 40 bytes after the prefix hold the ISO text and its closing quote, escaped so that no byte can fail.
    const QString iso = u"encode(substr(%1, %2, 40), 'escape')"_s.arg(state).arg(prefix.size() + 1);
    // Its fields in range, so that the cast to timestamptz cannot fail (short of a day past its month's end, which
    // Python's isoformat() never writes).
    static const QString pattern
        = uR"re('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])re"
          uR"re((\.[0-9]+){0,1}(Z|[+-][01][0-9]:[0-5][0-9]){0,1}"')re"_s;
    return u"CASE WHEN substr(%1, 1, %2) = '\\x%3'::bytea AND %4 ~ %5 THEN split_part(%4, '\"', 1) END"_s.arg(state)
        .arg(prefix.size())
        .arg(QString::fromLatin1(prefix.toHex()))
        .arg(iso)
        .arg(pattern);
}

// The library compresses with zlib (ZlibCompressor) when the application asks: zlib's stream starts with 0x78.
// The mapping's zlib encoding inflates what inflates and keeps the rest as stored (plain JSON, or AES-GCM
// ciphertext, which needs the application's key and is shown as bytes).
PayloadField stateField(const QString& column)
{
    return PayloadField { column, PayloadEncoding::Zlib };
}

} // namespace

EventsourcingStore::EventsourcingStore(std::unique_ptr<Connection> connection, StoreMapping mapping, bool uuidStreams)
    : MappedStore(std::move(connection), std::move(mapping))
    , m_uuidStreams(uuidStreams)
{ }

QString EventsourcingStore::categoryOfTopic(QStringView topic)
{
    const qsizetype colon = topic.indexOf(u':');
    if (colon < 0)
        return topic.toString();
    const QStringView qualName = topic.mid(colon + 1);
    const qsizetype dot = qualName.lastIndexOf(u'.');
    return (dot < 0 ? topic.left(colon) : qualName.left(dot)).toString();
}

QString EventsourcingStore::categorySql(const QString& topic, bool sqlite)
{
    if (sqlite) {
        // rtrim(q, replace(q, '.', '')) cuts the characters after the last '.' (every one of them is in the set
        // of q's characters other than '.'), leaving the text up to and including that '.'.
        const QString qualName = u"substr(%1, instr(%1, ':') + 1)"_s.arg(topic);
        const QString upToDot = u"rtrim(%1, replace(%1, '.', ''))"_s.arg(qualName);
        return u"(CASE WHEN instr(%1, ':') = 0 THEN %1 WHEN instr(%2, '.') > 0 THEN substr(%3, 1, length(%3) - 1)"
               " ELSE substr(%1, 1, instr(%1, ':') - 1) END)"_s.arg(topic, qualName, upToDot);
    }
    const QString qualName = u"substr(%1, strpos(%1, ':') + 1)"_s.arg(topic);
    return u"(CASE WHEN strpos(%1, ':') = 0 THEN %1 WHEN strpos(%2, '.') > 0"
           " THEN regexp_replace(%2, '\\.[^.]*$', '') ELSE split_part(%1, ':', 1) END)"_s.arg(topic, qualName);
}

std::unique_ptr<EventStore> EventsourcingStore::open(
    std::unique_ptr<Connection> connection, const QString& schema, const QString& prefix)
{
    StoreMapping mapping = mappingFor(*connection, schema, prefix);
    bool uuidStreams = false;
    if (const auto columns = connection->columns(mapping.events.table)) {
        uuidStreams = std::any_of(columns->cbegin(), columns->cend(), [](const ColumnInfo& column) {
            return column.name == u"originator_id"_s && column.type.toLower() == u"uuid"_s;
        });
    }
    connection->endRead();
    return std::make_unique<EventsourcingStore>(std::move(connection), std::move(mapping), uuidStreams);
}

QString EventsourcingStore::categoryOf(const QString& /*stream*/) const
{
    return {};
}

Result<QList<StreamInfo>> EventsourcingStore::readStreams(const StreamQuery& query)
{
    // On PostgreSQL the stream is the uuid column itself, so that a stream's events are a seek on the primary
    // key; a uuid has no regular-expression match, so a pattern is matched here on the streams' text.
    if (!query.pattern.isEmpty() && m_uuidStreams)
        return readStreamsMatchedHere(query);
    return MappedStore::readStreams(query);
}

StoreMapping EventsourcingStore::mappingFor(Connection& connection, const QString& schema, const QString& prefix)
{
    const bool sqlite = connection.flavour() == SqlFlavour::Sqlite;
    const QString a = QString::fromLatin1(kAlias);
    const auto col = [&a](const char* name) -> QString { return a + u'.' + QLatin1StringView(name); };
    StoreMapping m;
    m.dialect = QString::fromLatin1(kName);
    EventsMapping& e = m.events;
    e.table = TableName { schema, prefix + u"_events"_s };
    e.alias = a;
    // SQLite's table is a rowid table whose rowid is the notification id.
    e.position = sqlite ? col("rowid") : col("notification_id");
    // uuid on PostgreSQL (read as its text with dashes), UUID.hex text on SQLite.
    e.stream = col("originator_id");
    // The aggregate's class from each event's topic; the application remains the store's name.
    e.category = categorySql(col("topic"), sqlite);
    e.version = col("originator_version");
    e.type = col("topic");
    e.time = TimeField { timestampSql(col("state"), sqlite), TimeUnit::Iso };
    e.data = stateField(col("state"));

    const TableName snapshots { schema, prefix + u"_snapshots"_s };
    if (hasAll(columnNames(connection, snapshots), { "originator_id", "originator_version", "state" })) {
        SnapshotsMapping s;
        s.table = snapshots;
        s.alias = u"s"_s;
        s.stream = u"s.originator_id"_s;
        s.version = u"s.originator_version"_s;
        s.time = TimeField { timestampSql(u"s.state"_s, sqlite), TimeUnit::Iso };
        s.data = stateField(u"s.state"_s);
        m.snapshots = s;
    }
    const QString where = schema.isEmpty() ? QString() : u" in schema %1"_s.arg(schema);
    m.description = u"Python eventsourcing tables %1%2%3"_s.arg(
        e.table.name, m.snapshots ? u" and "_s + snapshots.name : QString(), where);
    return m;
}

QList<DialectMatch> EventsourcingStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    const auto tables = connection.tables();
    if (!tables) {
        connection.endRead();
        return found;
    }
    const bool sqlite = connection.flavour() == SqlFlavour::Sqlite;
    struct Application
    {
        QString schema;
        QString prefix;
    };
    QList<Application> applications;
    for (const TableName& table : *tables) {
        // SQLite's recorder always names its table stored_events; PostgreSQL's is the application's name.
        if (sqlite ? table.name != u"stored_events"_s : !table.name.endsWith(u"_events"_s))
            continue;
        const QString prefix = table.name.chopped(7);
        if (prefix.isEmpty())
            continue;
        const QStringList columns = columnNames(connection, table);
        if (!hasAll(columns, { "originator_id", "originator_version", "topic", "state" }))
            continue;
        if (!sqlite && !columns.contains(u"notification_id"_s))
            continue; // an aggregate recorder's table: no global order to read it by
        applications.append(Application { table.schema, prefix });
    }
    std::stable_partition(
        applications.begin(), applications.end(), [](const Application& app) { return app.schema == u"public"_s; });
    for (const Application& app : std::as_const(applications)) {
        // The same application name in two schemas: the schema tells them apart.
        const bool ambiguous = std::count_if(applications.cbegin(), applications.cend(),
                                   [&app](const Application& other) { return other.prefix == app.prefix; })
            > 1;
        const QString storeName = sqlite ? QString() : (ambiguous ? app.schema + u'.' + app.prefix : app.prefix);
        const QString where = app.schema.isEmpty() ? QString() : u" in schema %1"_s.arg(app.schema);
        found.append(DialectMatch { QString::fromLatin1(kName), 90,
            u"Python eventsourcing table %1_events%2"_s.arg(app.prefix, where), storeName,
            [app](std::unique_ptr<Connection> connection) {
                return open(std::move(connection), app.schema, app.prefix);
            } });
    }
    connection.endRead();
    return found;
}

} // namespace EventScope
