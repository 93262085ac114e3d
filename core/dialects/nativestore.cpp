#include "nativestore.h"

#include "../model/category.h"
#include "../model/streampattern.h"
#include "nativeschema.h"
#include "sqlrowreader.h"

#include <QUuid>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString eventIdText(const SqlRows& row, int column, bool isBlob)
{
    if (isBlob) {
        // 16 bytes to the 36 characters of 8-4-4-4-12 lowercase hex, written straight into one QString: through
        // QUuid it was three allocations, and the id is read for every event.
        const std::optional<QByteArrayView> view = row.bytesView(column);
        const QByteArray copy = view ? QByteArray() : row.bytes(column);
        const QByteArrayView bytes = view ? *view : QByteArrayView(copy);
        if (bytes.size() == 16) {
            static constexpr char16_t kHex[] = u"0123456789abcdef";
            QString text(36, Qt::Uninitialized);
            QChar* out = text.data();
            for (int i = 0; i < 16; ++i) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                    *out++ = u'-';
                const auto byte = static_cast<unsigned char>(bytes[i]);
                *out++ = QChar(kHex[byte >> 4]);
                *out++ = QChar(kHex[byte & 15]);
            }
            return text;
        }
    }
    return row.text(column);
}

QString quotedIdentifier(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

} // namespace

struct NativeStore::WhereClause
{
    QStringList conditions;
    QList<SqlValue> binds;
    bool matchesNothing = false; // e.g. the stream does not exist
    QString index; // SQLite: an index the events table must be read through, when SQLite would pick a worse one

    QString indexHint() const { return index.isEmpty() ? QString() : u" INDEXED BY "_s + index; }
    QString sql() const { return conditions.isEmpty() ? QString() : u" WHERE "_s + conditions.join(u" AND "_s); }
};

QList<DialectMatch> NativeStore::detect(Connection& connection)
{
    QList<DialectMatch> found;
    const auto tables = connection.tables();
    if (!tables)
        return found;
    // Every schema that holds both tables is a store: SQLite has one; on PostgreSQL `public` comes first.
    QStringList schemas;
    for (const TableName& events : *tables) {
        if (events.name == u"events"_s && tables->contains(TableName { events.schema, u"streams"_s }))
            schemas.append(events.schema);
    }
    std::stable_partition(schemas.begin(), schemas.end(), [](const QString& schema) { return schema == u"public"_s; });
    for (const QString& schema : std::as_const(schemas)) {
        const auto names = [&connection, &schema](const char* table) {
            QStringList names;
            if (const auto columns = connection.columns(TableName { schema, QString::fromLatin1(table) })) {
                for (const ColumnInfo& column : *columns)
                    names.append(column.name);
            }
            return names;
        };
        const QStringList eventColumns = names("events");
        const QStringList streamColumns = names("streams");
        const auto hasAll = [](const QStringList& columns, std::initializer_list<const char*> wanted) {
            return std::all_of(wanted.begin(), wanted.end(),
                [&columns](const char* column) { return columns.contains(QLatin1StringView(column)); });
        };
        if (!hasAll(
                eventColumns, { "position", "stream_id", "version", "type", "time", "event_id", "data", "metadata" })
            || !hasAll(streamColumns, { "stream_id", "name", "event_count", "last_version", "last_time" }))
            continue;
        const QString prefix = schema.isEmpty() ? QString() : quotedIdentifier(schema) + u'.';
        int confidence = 80;
        if (tables->contains(TableName { schema, u"eventscope_meta"_s })) {
            forEachRow(connection,
                SqlQuery { u"SELECT value FROM %1eventscope_meta WHERE key = 'schema'"_s.arg(prefix), {} },
                [&confidence](const SqlRows& row) {
                    if (row.text(0) == QLatin1StringView(NativeSchema::kSchemaName))
                        confidence = 100;
                    return false;
                });
        }
        const QString where = schema.isEmpty() ? QString() : u" in schema %1"_s.arg(schema);
        found.append(DialectMatch { QString::fromLatin1(kName), confidence, u"tables events and streams%1"_s.arg(where),
            schema, [schema](std::unique_ptr<Connection> connection) -> std::unique_ptr<EventStore> {
                return std::make_unique<NativeStore>(std::move(connection), schema);
            } });
    }
    connection.endRead();
    return found;
}

NativeStore::NativeStore(std::unique_ptr<Connection> connection, QString schema)
    : EventStore(std::move(connection))
    , m_schema(std::move(schema))
{
    if (const auto tables = this->connection().tables())
        m_hasSnapshots = tables->contains(TableName { m_schema, u"snapshots"_s });
    this->connection().endRead();
}

NativeStore::~NativeStore() = default;

QString NativeStore::dialectName() const
{
    return QString::fromLatin1(kName);
}

QString NativeStore::table(const char* name) const
{
    const QString table = QString::fromLatin1(name);
    return m_schema.isEmpty() ? table : quotedIdentifier(m_schema) + u'.' + table;
}

// The category column, or the default rule (defaultCategoryOf: the text before the first '-') when it is NULL.
QString NativeStore::categoryExpression() const
{
    return isSqlite()
        ? u"coalesce(category, CASE WHEN instr(name, '-') > 0 THEN substr(name, 1, instr(name, '-') - 1) ELSE name END)"_s
        : u"coalesce(category, split_part(name, '-', 1))"_s;
}

// The stream ids of a category (bind the category twice): the first half uses streams_by_category, the second
// derives the category of streams that leave the column empty.
QString NativeStore::categoryMembers() const
{
    return u"SELECT stream_id FROM %1 WHERE category = ? UNION ALL SELECT stream_id FROM %1"
           " WHERE category IS NULL AND %2 = ?"_s.arg(table("streams"), categoryExpression());
}

std::optional<QString> NativeStore::patternCondition(const QString& pattern) const
{
    if (isSqlite())
        return u"name REGEXP ?"_s; // SqliteConnection backs REGEXP with QRegularExpression
    if (StreamPattern(pattern).postgresForm())
        return u"name ~ ?"_s;
    return std::nullopt;
}

Result<StoreInfo> NativeStore::readInfo()
{
    StoreInfo info;
    info.location = location().toString();
    info.dialect = dialectName();
    Status status = forEachRow(connection(),
        SqlQuery { u"SELECT count(*), coalesce(sum(event_count), 0), count(DISTINCT %1) FROM %2"_s.arg(
                       categoryExpression(), table("streams")),
            {} },
        [&info](const SqlRows& row) {
            info.streams = row.int64(0);
            info.events = row.int64(1);
            info.categories = row.int64(2);
            return false;
        });
    if (!status)
        return status.error();
    // Each min/max in its own subquery, so the database answers it with one seek on an index.
    const QString events = table("events");
    status = forEachRow(connection(),
        SqlQuery { u"SELECT (SELECT min(time) FROM %1), (SELECT max(time) FROM %1),"
                   " (SELECT min(position) FROM %1), (SELECT max(position) FROM %1)"_s.arg(events),
            {} },
        [&info](const SqlRows& row) {
            if (!row.isNull(0)) {
                info.firstTimeMs = row.int64(0);
                info.lastTimeMs = row.int64(1);
                info.firstPosition = row.int64(2);
                info.lastPosition = row.int64(3);
            }
            return false;
        });
    if (!status)
        return status.error();
    if (m_hasSnapshots) {
        const auto snapshots
            = firstInt(connection(), SqlQuery { u"SELECT count(*) FROM %1"_s.arg(table("snapshots")), {} });
        if (!snapshots)
            return snapshots.error();
        info.snapshots = snapshots->value_or(0);
    }
    return info;
}

// Category names without reading every stream: one seek on streams_by_category per name (a recursive query
// that asks for the next name after the last), merged with the names derived for streams whose column is
// NULL (those streams alone are read, through the same index).
Result<QList<CategoryInfo>> NativeStore::readCategoryNames(const CategoryQuery& query)
{
    const QString streams = table("streams");
    QList<SqlValue> binds;
    QString first = u"SELECT min(category) FROM %1"_s.arg(streams);
    if (query.after) {
        first += u" WHERE category > ?"_s;
        binds.append(*query.after);
    }
    QString sql
        = u"WITH RECURSIVE c(name) AS (SELECT (%1) UNION ALL SELECT (SELECT min(category) FROM %2 WHERE"
          " category > c.name) FROM c WHERE c.name IS NOT NULL) SELECT name FROM c WHERE name IS NOT NULL"_s.arg(
              first, streams);
    if (query.limit) {
        sql += u" LIMIT ?"_s;
        binds.append(qint64(*query.limit));
    }
    QStringList names;
    Status status = forEachRow(connection(), SqlQuery { sql, binds }, [&names](const SqlRows& row) {
        names.append(row.text(0));
        return true;
    });
    if (!status)
        return status.error();
    QList<SqlValue> derivedBinds;
    QString derived = u"SELECT DISTINCT %1 FROM %2 WHERE category IS NULL"_s.arg(categoryExpression(), streams);
    if (query.after) {
        derived = u"SELECT c FROM (%1) AS d(c) WHERE c > ?"_s.arg(derived);
        derivedBinds.append(*query.after);
    }
    status = forEachRow(connection(), SqlQuery { derived, derivedBinds }, [&names](const SqlRows& row) {
        names.append(row.text(0));
        return true;
    });
    if (!status)
        return status.error();
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (query.limit && names.size() > *query.limit)
        names.resize(*query.limit);
    QList<CategoryInfo> result;
    for (const QString& name : std::as_const(names))
        result.append(CategoryInfo { name, Count::unknown(), Count::unknown() });
    return result;
}

Result<QList<CategoryInfo>> NativeStore::readCategories(const CategoryQuery& query)
{
    if (!query.withCounts && query.pattern.isEmpty())
        return readCategoryNames(query);
    QList<CategoryInfo> result;
    const std::optional<QString> match
        = query.pattern.isEmpty() ? std::optional(QString()) : patternCondition(query.pattern);
    if (!match) {
        // The backend reads this pattern differently: group the matching streams here.
        auto streams = readStreamsMatchedHere(StreamQuery { query.pattern, {}, {}, {} });
        if (!streams)
            return streams.error();
        return groupIntoCategories(*streams, query);
    }
    QStringList conditions;
    QList<SqlValue> binds;
    if (!query.pattern.isEmpty()) {
        conditions.append(*match);
        binds.append(query.pattern);
    }
    QString sql = u"SELECT c, count(*), sum(event_count) FROM (SELECT %1 AS c, event_count FROM %2%3) AS s"_s.arg(
        categoryExpression(), table("streams"),
        conditions.isEmpty() ? QString() : u" WHERE "_s + conditions.join(u" AND "_s));
    if (query.after) {
        sql += u" WHERE c > ?"_s;
        binds.append(*query.after);
    }
    sql += u" GROUP BY c ORDER BY c"_s;
    if (query.limit) {
        sql += u" LIMIT ?"_s;
        binds.append(qint64(*query.limit));
    }
    const Status status = forEachRow(connection(), SqlQuery { sql, binds }, [&result](const SqlRows& row) {
        result.append(CategoryInfo { row.text(0), row.int64(1), row.int64(2) });
        return true;
    });
    if (!status)
        return status.error();
    return result;
}

Result<QList<StreamInfo>> NativeStore::readStreams(const StreamQuery& query)
{
    std::optional<QString> match;
    if (!query.pattern.isEmpty()) {
        match = patternCondition(query.pattern);
        if (!match)
            return readStreamsMatchedHere(query);
    }
    QStringList conditions;
    QList<SqlValue> binds;
    if (match) {
        conditions.append(*match);
        binds.append(query.pattern);
    }
    if (!query.category.isEmpty()) {
        conditions.append(categoryExpression() + u" = ?"_s);
        binds.append(query.category);
    }
    if (query.after) {
        conditions.append(u"name > ?"_s);
        binds.append(*query.after);
    }
    QString sql = u"SELECT name, %1, event_count, last_version, last_time FROM %2"_s.arg(
        categoryExpression(), table("streams"));
    if (!conditions.isEmpty())
        sql += u" WHERE "_s + conditions.join(u" AND "_s);
    sql += u" ORDER BY name"_s;
    if (query.limit) {
        sql += u" LIMIT ?"_s;
        binds.append(qint64(*query.limit));
    }
    QList<StreamInfo> result;
    const Status status
        = forEachRow(connection(), SqlQuery { sql, binds, query.limit.value_or(0) }, [&result](const SqlRows& row) {
              result.append(StreamInfo { row.text(0), row.text(1), row.int64(2), row.int64(3), row.optionalInt64(4) });
              return true;
          });
    if (!status)
        return status.error();
    return result;
}

Result<QStringList> NativeStore::readEventTypes()
{
    // One index seek per distinct type instead of a DISTINCT over every row of the index.
    QStringList types;
    const QString events = table("events");
    std::optional<QString> last;
    for (;;) {
        SqlQuery query { u"SELECT type FROM %1 ORDER BY type LIMIT 1"_s.arg(events), {}, 1 };
        if (last)
            query
                = SqlQuery { u"SELECT type FROM %1 WHERE type > ? ORDER BY type LIMIT 1"_s.arg(events), { *last }, 1 };
        last.reset();
        const Status status = forEachRow(connection(), query, [&last](const SqlRows& row) {
            last = row.text(0);
            return false;
        });
        if (!status)
            return status.error();
        if (!last)
            return types;
        types.append(*last);
    }
}

Result<std::optional<qint64>> NativeStore::streamIdOf(const QString& name)
{
    if (auto cached = m_streamIds.find(name); cached != m_streamIds.end())
        return *cached;
    const auto id = firstInt(
        connection(), SqlQuery { u"SELECT stream_id FROM %1 WHERE name = ?"_s.arg(table("streams")), { name } });
    if (!id)
        return id.error();
    // Only hits are kept: a stream missing now may be written later by the store's own application.
    if (*id)
        m_streamIds.insert(name, *id);
    return *id;
}

SqlQuery NativeStore::positionAtTimeQuery(qint64 timeMs) const
{
    return SqlQuery { u"SELECT position FROM %1 WHERE time >= ? ORDER BY time, position LIMIT 1"_s.arg(table("events")),
        { timeMs }, 1 };
}

Result<std::optional<qint64>> NativeStore::positionAtTime(qint64 timeMs)
{
    return firstInt(connection(), positionAtTimeQuery(timeMs));
}

Result<NativeStore::CategorySize> NativeStore::categorySize(const QString& category)
{
    if (auto cached = m_categorySizes.constFind(category); cached != m_categorySizes.cend())
        return *cached;
    CategorySize size;
    const Status status = forEachRow(connection(),
        SqlQuery { u"SELECT count(*), coalesce(sum(event_count), 0), (SELECT coalesce(sum(event_count), 0) FROM %1)"
                   " FROM %1 WHERE stream_id IN (%2)"_s.arg(table("streams"), categoryMembers()),
            { category, category } },
        [&size](const SqlRows& row) {
            size = CategorySize { row.int64(0), row.int64(1), row.int64(2) };
            return false;
        });
    if (!status)
        return status.error();
    m_categorySizes.insert(category, size);
    return size;
}

// Builds the WHERE clause so that the database walks exactly one index in key order: the stream index
// inside a stream, the type index for a type, the table itself (SQLite: rowid = position) otherwise.
// On SQLite a unary '+' keeps the planner from picking another index for a column that only filters.
Result<NativeStore::WhereClause> NativeStore::whereFor(const EventFilter& filter, bool streamsJoined)
{
    WhereClause where;
    // A column that only filters, kept from the planner's index choice: SQLite's unary '+', PostgreSQL's no-op
    // arithmetic or concatenation (its planner otherwise walks the time index and sorts what it finds).
    const auto unindexed = [this](const QString& column, bool text) {
        return isSqlite() ? u"+"_s + column : (text ? u"(%1 || '')"_s : u"(%1 + 0)"_s).arg(column);
    };
    if (!filter.stream.isEmpty()) {
        const auto streamId = streamIdOf(filter.stream);
        if (!streamId)
            return streamId.error();
        if (!*streamId) {
            where.matchesNothing = true;
            return where;
        }
        where.conditions.append(u"e.stream_id = ?"_s);
        where.binds.append(**streamId);
    }
    if (!filter.category.isEmpty()) {
        const auto size = categorySize(filter.category);
        if (!size)
            return size.error();
        if (size->streams == 0) {
            where.matchesNothing = true;
            return where;
        }
        const QString members = categoryMembers();
        // Two ways to read a category of C events in a store of N: along the table, testing membership
        // (a page of 256 walks about 256·N/C rows), or through its streams' index entries, sorted (about C
        // rows). The second wins when C² < 256·N: sparse categories do not walk the whole store.
        const bool small = double(size->events) * double(size->events) < 256.0 * double(size->totalEvents);
        if (!small && streamsJoined && isSqlite()) {
            // Along the table, the stream row the page joins anyway answers the test: reading the account category
            // of the 1 M demo store took SQLite 0.23 s this way against 0.45 s through the list of stream ids
            // (a lookup per row in a temporary index built for every page).
            where.conditions.append(u"(s.category = ? OR (s.category IS NULL AND CASE WHEN instr(s.name, '-') > 0"
                                    " THEN substr(s.name, 1, instr(s.name, '-') - 1) ELSE s.name END = ?))"_s);
        } else {
            where.conditions.append(
                (small ? u"e.stream_id IN (%1)"_s : unindexed(u"e.stream_id"_s, false) + u" IN (%1)"_s).arg(members));
        }
        where.binds.append(filter.category);
        where.binds.append(filter.category);
        if (small && filter.stream.isEmpty() && isSqlite())
            where.index = u"events_by_stream"_s;
    }
    if (!filter.type.isEmpty()) {
        where.conditions.append(filter.stream.isEmpty() ? u"e.type = ?"_s : unindexed(u"e.type"_s, true) + u" = ?"_s);
        where.binds.append(filter.type);
    }
    // Times grow with positions in this schema (docs/native-schema.md), so a time range is also a
    // position range, found with one seek on the time index; the time test keeps the result exact.
    if (filter.sinceMs) {
        const auto from = positionAtTime(*filter.sinceMs);
        if (!from)
            return from.error();
        if (!*from) {
            where.matchesNothing = true;
            return where;
        }
        where.conditions.append(u"e.position >= ?"_s);
        where.binds.append(**from);
        where.conditions.append(unindexed(u"e.time"_s, false) + u" >= ?"_s);
        where.binds.append(*filter.sinceMs);
    }
    if (filter.untilMs) {
        const auto to = positionAtTime(*filter.untilMs);
        if (!to)
            return to.error();
        if (*to) {
            where.conditions.append(u"e.position < ?"_s);
            where.binds.append(**to);
        }
        where.conditions.append(unindexed(u"e.time"_s, false) + u" < ?"_s);
        where.binds.append(*filter.untilMs);
    }
    return where;
}

Result<std::optional<SqlQuery>> NativeStore::readEventsQuery(const EventPageRequest& request)
{
    Result<WhereClause> where = whereFor(request.filter, true);
    if (!where)
        return where.error();
    if (where->matchesNothing || request.limit <= 0)
        return std::optional<SqlQuery>();
    const bool forward = request.direction == ReadDirection::Forward;
    const QString key = request.filter.orderKey() == OrderKey::GlobalPosition ? u"e.position"_s : u"e.version"_s;
    if (request.start) {
        const QString op
            = forward ? (request.start->inclusive ? u">="_s : u">"_s) : (request.start->inclusive ? u"<="_s : u"<"_s);
        where->conditions.append(key + u' ' + op + u" ?"_s);
        where->binds.append(request.start->key);
    }
    if (request.fromPosition) {
        where->conditions.append(forward ? u"e.position >= ?"_s : u"e.position <= ?"_s);
        where->binds.append(*request.fromPosition);
    }
    // SQLite: CROSS JOIN keeps events as the outer loop, read in key order; streams is a primary-key lookup
    // per row. PostgreSQL plans the same nested loop from the LIMIT. The last column says whether the id is
    // a 16-byte blob (SQLite stores UUIDs so); PostgreSQL's uuid reads as text.
    const QString sql = u"SELECT e.position, s.name, s.category, e.version, e.type, e.time, %1, e.data, e.metadata, %2"
                        " FROM %3 e%4 %5 %6 s ON s.stream_id = e.stream_id%7 ORDER BY %8 %9 LIMIT ?"_s.arg(
                            isSqlite() ? u"e.event_id"_s : u"e.event_id::text"_s,
                            isSqlite() ? u"typeof(e.event_id) = 'blob'"_s : u"false"_s, table("events"),
                            where->indexHint(), isSqlite() ? u"CROSS JOIN"_s : u"JOIN"_s, table("streams"),
                            where->sql(), key, forward ? u"ASC"_s : u"DESC"_s);
    where->binds.append(qint64(request.limit));
    return std::optional(SqlQuery { sql, where->binds, request.limit });
}

Result<EventPage> NativeStore::readPage(const EventPageRequest& request)
{
    const auto query = readEventsQuery(request);
    if (!query)
        return query.error();
    EventPage page;
    if (!*query) {
        page.reachedEnd = true;
        return page;
    }
    // A caller may ask for "everything" with a huge limit; reserve for a page, not for the limit.
    page.events.reserve(qMin(request.limit, 1000));
    const Status status = forEachRow(connection(), **query, [this, &page](const SqlRows& row) {
        Event& event = page.events.emplace_back();
        event.position = row.int64(0);
        event.stream = m_streamNames.text(row, 1);
        // A NULL category is derived here rather than in SQL: a call back per row from SQLite into Qt cost a
        // fifth of the decode time.
        event.category = row.isNull(2) ? defaultCategoryOf(event.stream) : m_shortTexts.text(row, 2);
        event.version = row.int64(3);
        event.type = m_shortTexts.text(row, 4);
        event.timeMs = row.optionalInt64(5);
        event.id = eventIdText(row, 6, row.int64(9) != 0);
        event.data = row.bytes(7);
        event.metadata = row.bytes(8);
        return true;
    });
    if (!status)
        return status.error();
    page.reachedEnd = page.events.size() < request.limit;
    return page;
}

Result<std::optional<DenseKeys>> NativeStore::readDenseKeys(const EventFilter& filter)
{
    if (filter.sinceMs || filter.untilMs || !filter.type.isEmpty() || !filter.category.isEmpty())
        return std::optional<DenseKeys>();
    SqlQuery query;
    if (filter.stream.isEmpty()) {
        const QString events = table("events");
        query = SqlQuery { u"SELECT (SELECT min(position) FROM %1), (SELECT max(position) FROM %1),"
                           " (SELECT coalesce(sum(event_count), 0) FROM %2)"_s.arg(events, table("streams")),
            {} };
    } else {
        const auto streamId = streamIdOf(filter.stream);
        if (!streamId)
            return streamId.error();
        if (!*streamId)
            return std::optional(DenseKeys { 0, 0 });
        const QString events = table("events");
        query = SqlQuery { u"SELECT (SELECT min(version) FROM %1 WHERE stream_id = ?), (SELECT max(version) FROM %1"
                           " WHERE stream_id = ?), (SELECT event_count FROM %2 WHERE stream_id = ?)"_s.arg(
                               events, table("streams")),
            { **streamId, **streamId, **streamId } };
    }
    return denseKeysFrom(connection(), query);
}

Result<std::optional<SqlQuery>> NativeStore::scanKeysQuery(const EventFilter& filter)
{
    Result<WhereClause> where = whereFor(filter);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return std::optional<SqlQuery>();
    const QString key = filter.orderKey() == OrderKey::GlobalPosition ? u"e.position"_s : u"e.version"_s;
    return std::optional(
        SqlQuery { u"SELECT %1 FROM %4 e%3%2 ORDER BY %1"_s.arg(key, where->sql(), where->indexHint(), table("events")),
            where->binds });
}

Result<qint64> NativeStore::readKeys(const EventFilter& filter, int stride, const KeyScanSink& sink)
{
    const auto query = scanKeysQuery(filter);
    if (!query)
        return query.error();
    if (!*query) {
        if (!sink({}, 0))
            return StoreError::cancelled();
        return qint64(0);
    }
    return scanKeyAnchors(connection(), **query, stride, sink);
}

Result<std::optional<SqlQuery>> NativeStore::keyAtPositionQuery(const EventFilter& filter, qint64 position)
{
    Result<WhereClause> where = whereFor(filter);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return std::optional<SqlQuery>();
    where->conditions.append(u"e.position >= ?"_s);
    where->binds.append(position);
    const QString key = filter.orderKey() == OrderKey::GlobalPosition ? u"e.position"_s : u"e.version"_s;
    return std::optional(SqlQuery {
        u"SELECT %1 FROM %4 e%3%2 ORDER BY %1 LIMIT 1"_s.arg(key, where->sql(), where->indexHint(), table("events")),
        where->binds, 1 });
}

Result<std::optional<qint64>> NativeStore::readKeyAtPosition(const EventFilter& filter, qint64 position)
{
    const auto query = keyAtPositionQuery(filter, position);
    if (!query)
        return query.error();
    if (!*query)
        return std::optional<qint64>();
    return firstInt(connection(), **query);
}

Result<std::optional<qint64>> NativeStore::readKeyAtTime(const EventFilter& filter, qint64 timeMs)
{
    const auto position = positionAtTime(timeMs);
    if (!position)
        return position.error();
    if (!*position)
        return std::optional<qint64>();
    return readKeyAtPosition(filter, **position);
}

Result<QList<Snapshot>> NativeStore::readSnapshots(const QString& stream)
{
    QList<Snapshot> result;
    if (!m_hasSnapshots)
        return result;
    const Status status = forEachRow(connection(),
        SqlQuery { u"SELECT sn.version, sn.time, sn.state FROM %1 sn"
                   " WHERE sn.stream_id = (SELECT stream_id FROM %2 WHERE name = ?) ORDER BY sn.version"_s.arg(
                       table("snapshots"), table("streams")),
            { stream } },
        [&result, &stream](const SqlRows& row) {
            result.append(Snapshot { stream, row.int64(0), row.optionalInt64(1), row.bytes(2) });
            return true;
        });
    if (!status)
        return status.error();
    return result;
}

} // namespace EventScope
