#include "messagedbstore.h"

#include "sqlrowreader.h"

#include <QDateTime>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr char kSnapshotType[] = "Recorded";

QString quoted(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

// The functions Message DB installs beside its table (a schema's names, from the catalog).
QSet<QString> functionsIn(Connection& connection, const QString& schema)
{
    QSet<QString> names;
    forEachRow(connection,
        SqlQuery { u"SELECT p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n"
                   " ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.proname IN ('message_store_version',"
                   " 'category')"_s,
            { schema } },
        [&names](const SqlRows& row) {
            names.insert(row.text(0));
            return true;
        });
    return names;
}

StoreMapping messageDbMapping(const QString& schema, bool hasCategoryFunction)
{
    StoreMapping mapping;
    mapping.dialect = QString::fromLatin1(MessageDbStore::kName);
    mapping.description = u"Message DB table messages in schema %1"_s.arg(schema);
    EventsMapping& m = mapping.events;
    m.table = TableName { schema, u"messages"_s };
    m.alias = u"m"_s;
    m.position = u"m.global_position"_s;
    m.stream = u"m.stream_name"_s;
    // The text before the first '-', type suffixes such as ':command' kept: Message DB's category(). Rows read
    // split_part() itself: calling the plpgsql function for every row read made a jump's 256-row window a median
    // 5.9 ms instead of 3.2 ms (eventscope-bench, 1 M messages). A category filter calls the function, so that it
    // seeks the messages_category index built on it.
    m.category = u"split_part(m.stream_name, '-', 1)"_s;
    if (hasCategoryFunction)
        m.categoryFilter = u"%1.category(m.stream_name)"_s.arg(quoted(schema));
    m.version = u"m.position"_s;
    m.type = u"m.type"_s;
    m.time = TimeField { u"m.time"_s, TimeUnit::Native }; // timestamp without time zone, written in UTC
    m.id = u"m.id"_s;
    m.data = PayloadField { u"m.data"_s, PayloadEncoding::Json };
    m.metadata = PayloadField { u"m.metadata"_s, PayloadEncoding::Json };
    return mapping;
}

} // namespace

QList<DialectMatch> MessageDbStore::detect(Connection& connection)
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
    for (const TableName& table : *tables) {
        if (table.name != u"messages"_s)
            continue;
        QStringList columns;
        if (const auto list = connection.columns(table)) {
            for (const ColumnInfo& column : *list)
                columns.append(column.name);
        }
        const std::initializer_list<const char*> wanted
            = { "global_position", "position", "stream_name", "type", "data", "metadata", "time", "id" };
        const bool fits = std::all_of(wanted.begin(), wanted.end(),
            [&columns](const char* name) { return columns.contains(QLatin1StringView(name)); });
        if (!fits)
            continue;
        const QSet<QString> functions = functionsIn(connection, table.schema);
        const StoreMapping mapping = messageDbMapping(table.schema, functions.contains(u"category"_s));
        // Message DB installs itself in the schema message_store: a database holds one store.
        const QString storeName = table.schema == u"message_store"_s ? QString() : table.schema;
        found.append(DialectMatch { QString::fromLatin1(kName),
            functions.contains(u"message_store_version"_s) ? 90 : 60, mapping.description, storeName,
            [mapping](std::unique_ptr<Connection> connection) -> std::unique_ptr<EventStore> {
                return std::make_unique<MessageDbStore>(std::move(connection), mapping);
            } });
    }
    std::stable_partition(
        found.begin(), found.end(), [](const DialectMatch& match) { return match.storeName.isEmpty(); });
    connection.endRead();
    return found;
}

MessageDbStore::MessageDbStore(std::unique_ptr<Connection> connection, StoreMapping mapping)
    : MappedStore(std::move(connection), std::move(mapping))
{ }

QString MessageDbStore::snapshotStreamOf(const QString& stream)
{
    const qsizetype dash = stream.indexOf(u'-');
    if (dash < 0)
        return {};
    const QString category = stream.left(dash);
    // Category types follow ':' and are joined with '+' (Eventide's StreamName).
    const QStringList types = category.section(u':', 1).split(u'+', Qt::SkipEmptyParts);
    if (types.contains(u"snapshot"_s))
        return {};
    return category + (category.contains(u':') ? u"+snapshot"_s : u":snapshot"_s) + stream.mid(dash);
}

Result<StoreInfo> MessageDbStore::readInfo()
{
    auto info = MappedStore::readInfo();
    if (!info)
        return info;
    // Snapshot messages: `Recorded` in a stream with an id whose category has the type 'snapshot'.
    const auto count = firstInt(connection(),
        SqlQuery {
            u"SELECT count(*) FROM %1 WHERE m.type = ? AND strpos(m.stream_name, '-') > 0 AND 'snapshot' ="
            " ANY (string_to_array(split_part(split_part(m.stream_name, '-', 1), ':', 2), '+'))"_s.arg(eventsFrom()),
            { QString::fromLatin1(kSnapshotType) } });
    if (!count)
        return count.error();
    info->snapshots = count->value_or(0);
    return info;
}

Result<QList<Snapshot>> MessageDbStore::readSnapshots(const QString& stream)
{
    QList<Snapshot> result;
    const QString snapshots = snapshotStreamOf(stream);
    if (snapshots.isEmpty())
        return result;
    // The Ruby client camelCases the data's keys on write; other writers keep snake_case: accept both. A message
    // without them is kept whole, with version -1 (unknown), so that nothing the store holds is hidden.
    const Status status = forEachRow(connection(),
        SqlQuery { u"SELECT COALESCE(m.data->>'entityVersion', m.data->>'entity_version'), m.data->>'time', %1,"
                   " COALESCE(m.data->'entityData', m.data->'entity_data', m.data) FROM %2 WHERE m.stream_name = ?"
                   " AND m.type = ? ORDER BY m.position"_s.arg(eventTimeMs(), eventsFrom()),
            { snapshots, QString::fromLatin1(kSnapshotType) } },
        [&](const SqlRows& row) {
            bool isNumber = false;
            const qint64 version = row.isNull(0) ? -1 : row.text(0).toLongLong(&isNumber);
            const QDateTime time = QDateTime::fromString(row.text(1), Qt::ISODateWithMs);
            result.append(
                Snapshot { stream, isNumber ? version : -1, time.isValid() ? time.toMSecsSinceEpoch() : row.int64(2),
                    row.isNull(3) ? QByteArray() : row.bytes(3) });
            return true;
        });
    if (!status)
        return status.error();
    return result;
}

} // namespace EventScope
