#include "nativestore.h"

#include "../model/category.h"
#include "../store/sqlite/sqlitedatabase.h"
#include "../store/sqlite/sqlitestatement.h"
#include "nativeschema.h"

#include <QRegularExpression>
#include <QUuid>
#include <variant>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

using Bind = std::variant<qint64, QString>;
using Query = NativeStore::Query;

// SQL functions registered on our read-only connection (they write nothing):
// es_category(name) is the default category rule; regexp() backs the REGEXP operator.
void categoryFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const QString name = QString::fromUtf8(text, sqlite3_value_bytes(argv[0]));
    const QByteArray category = defaultCategoryOf(name).toUtf8();
    sqlite3_result_text(context, category.constData(), int(category.size()), SQLITE_TRANSIENT);
}

void regexpFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    auto* pattern = static_cast<QRegularExpression*>(sqlite3_get_auxdata(context, 0));
    if (!pattern) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        pattern = new QRegularExpression(
            QString::fromUtf8(text, sqlite3_value_bytes(argv[0])), QRegularExpression::UseUnicodePropertiesOption);
        sqlite3_set_auxdata(context, 0, pattern, [](void* p) { delete static_cast<QRegularExpression*>(p); });
        pattern = static_cast<QRegularExpression*>(sqlite3_get_auxdata(context, 0));
        if (!pattern) {
            sqlite3_result_error_nomem(context);
            return;
        }
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    const QString subject = QString::fromUtf8(text, sqlite3_value_bytes(argv[1]));
    sqlite3_result_int(context, pattern->match(subject).hasMatch() ? 1 : 0);
}

constexpr char kCategoryExpr[] = "coalesce(category, es_category(name))";
// The stream ids of a category (bound twice): the first half uses streams_by_category, the second
// derives the category of streams that leave the column empty.
constexpr char kCategoryMembers[]
    = "SELECT stream_id FROM streams WHERE category = ?"
      " UNION ALL SELECT stream_id FROM streams WHERE category IS NULL AND es_category(name) = ?";

QString eventIdText(const SqliteStatement& row, int column)
{
    if (row.isBlob(column) && row.bytesSize(column) == 16)
        return QUuid::fromRfc4122(row.bytes(column)).toString(QUuid::WithoutBraces);
    return row.text(column);
}

void bindAll(SqliteStatement& statement, const QList<Bind>& binds)
{
    int index = 1;
    for (const Bind& value : binds) {
        if (const auto* number = std::get_if<qint64>(&value))
            statement.bind(index++, *number);
        else
            statement.bind(index++, std::get<QString>(value));
    }
}

// Ends the statements a public call used when it returns, on every path: see SqliteDatabase::finishStatements().
class FinishStatements
{
public:
    explicit FinishStatements(SqliteDatabase& database)
        : m_database(database)
    { }
    ~FinishStatements() { m_database.finishStatements(); }
    FinishStatements(const FinishStatements&) = delete;
    FinishStatements& operator=(const FinishStatements&) = delete;

private:
    SqliteDatabase& m_database;
};

std::optional<StoreError> checkPattern(const QString& pattern)
{
    const QRegularExpression expression(pattern);
    if (expression.isValid())
        return std::nullopt;
    return StoreError { StoreError::Kind::InvalidArgument,
        u"invalid regular expression '%1': %2 at offset %3"_s.arg(pattern, expression.errorString())
            .arg(expression.patternErrorOffset()) };
}

} // namespace

struct NativeStore::WhereClause
{
    QStringList conditions;
    QList<Bind> binds;
    bool matchesNothing = false; // e.g. the stream does not exist
    QString index; // an index the events table must be read through, when SQLite would pick a worse one

    QString indexHint() const { return index.isEmpty() ? QString() : u" INDEXED BY "_s + index; }
    QString sql() const { return conditions.isEmpty() ? QString() : u" WHERE "_s + conditions.join(u" AND "_s); }
};

int NativeStore::detect(SqliteDatabase& database)
{
    const FinishStatements finish(database);
    const QStringList tables = database.tableNames();
    if (!tables.contains(u"events"_s) || !tables.contains(u"streams"_s))
        return 0;
    const QStringList eventColumns = database.columnNames(u"events"_s);
    const QStringList streamColumns = database.columnNames(u"streams"_s);
    for (const char* column : { "position", "stream_id", "version", "type", "time", "event_id", "data", "metadata" }) {
        if (!eventColumns.contains(QLatin1StringView(column)))
            return 0;
    }
    for (const char* column : { "stream_id", "name", "event_count", "last_version", "last_time" }) {
        if (!streamColumns.contains(QLatin1StringView(column)))
            return 0;
    }
    if (tables.contains(u"eventscope_meta"_s)) {
        if (SqliteStatement* marker = database.prepare(u"SELECT value FROM eventscope_meta WHERE key = 'schema'"_s)) {
            if (marker->step() == SqliteStatement::Step::Row
                && marker->text(0) == QLatin1StringView(NativeSchema::kSchemaName))
                return 100;
        }
    }
    return 80;
}

NativeStore::NativeStore(std::unique_ptr<SqliteDatabase> database)
    : m_database(std::move(database))
{
    sqlite3* db = m_database->handle();
    sqlite3_create_function_v2(
        db, "es_category", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, categoryFunction, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(
        db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, regexpFunction, nullptr, nullptr, nullptr);
    m_hasSnapshots = m_database->tableNames().contains(u"snapshots"_s);
}

NativeStore::~NativeStore() = default;

QString NativeStore::location() const
{
    return m_database->path();
}

QString NativeStore::dialectName() const
{
    return u"eventscope"_s;
}

Result<qint64> NativeStore::singleInt(const QString& sql)
{
    SqliteStatement* statement = m_database->prepare(sql);
    if (!statement || statement->step() == SqliteStatement::Step::Failed)
        return m_database->lastError();
    return statement->int64(0);
}

Result<StoreInfo> NativeStore::describe()
{
    const FinishStatements finish(*m_database);
    StoreInfo info;
    info.location = location();
    info.dialect = dialectName();
    SqliteStatement* counts
        = m_database->prepare(u"SELECT count(*), coalesce(sum(event_count), 0), count(DISTINCT %1) FROM streams"_s.arg(
            QLatin1StringView(kCategoryExpr)));
    if (!counts || counts->step() != SqliteStatement::Step::Row)
        return m_database->lastError();
    info.streams = counts->int64(0);
    info.events = counts->int64(1);
    info.categories = counts->int64(2);

    // Each min/max in its own subquery, so SQLite answers it with one seek on an index.
    SqliteStatement* bounds
        = m_database->prepare(u"SELECT (SELECT min(time) FROM events), (SELECT max(time) FROM events),"
                              " (SELECT min(position) FROM events), (SELECT max(position) FROM events)"_s);
    if (!bounds || bounds->step() != SqliteStatement::Step::Row)
        return m_database->lastError();
    if (!bounds->isNull(0)) {
        info.firstTimeMs = bounds->int64(0);
        info.lastTimeMs = bounds->int64(1);
        info.firstPosition = bounds->int64(2);
        info.lastPosition = bounds->int64(3);
    }
    if (m_hasSnapshots) {
        const Result<qint64> snapshots = singleInt(u"SELECT count(*) FROM snapshots"_s);
        if (!snapshots)
            return snapshots.error();
        info.snapshots = *snapshots;
    }
    return info;
}

Result<QList<CategoryInfo>> NativeStore::categories(const QString& streamPattern)
{
    const FinishStatements finish(*m_database);
    if (auto error = checkPattern(streamPattern))
        return *error;
    const QString where = streamPattern.isEmpty() ? QString() : u" WHERE name REGEXP ?1"_s;
    SqliteStatement* statement
        = m_database->prepare(u"SELECT %1 AS c, count(*), sum(event_count) FROM streams%2 GROUP BY c ORDER BY c"_s.arg(
            QLatin1StringView(kCategoryExpr), where));
    if (!statement)
        return m_database->lastError();
    if (!streamPattern.isEmpty())
        statement->bind(1, streamPattern);
    QList<CategoryInfo> result;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.append(CategoryInfo { statement->text(0), statement->int64(1), statement->int64(2) });
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Failed:
            return m_database->lastError();
        }
    }
}

Result<QList<StreamInfo>> NativeStore::streams(const StreamQuery& query)
{
    const FinishStatements finish(*m_database);
    if (auto error = checkPattern(query.pattern))
        return *error;
    QStringList conditions;
    QList<Bind> binds;
    if (!query.pattern.isEmpty()) {
        conditions.append(u"name REGEXP ?"_s);
        binds.append(query.pattern);
    }
    if (!query.category.isEmpty()) {
        conditions.append(QLatin1StringView(kCategoryExpr) + u" = ?"_s);
        binds.append(query.category);
    }
    if (query.after) {
        conditions.append(u"name > ?"_s);
        binds.append(*query.after);
    }
    QString sql
        = u"SELECT name, %1, event_count, last_version, last_time FROM streams"_s.arg(QLatin1StringView(kCategoryExpr));
    if (!conditions.isEmpty())
        sql += u" WHERE "_s + conditions.join(u" AND "_s);
    sql += u" ORDER BY name LIMIT ?"_s;
    binds.append(qint64(query.limit));

    SqliteStatement* statement = m_database->prepare(sql);
    if (!statement)
        return m_database->lastError();
    bindAll(*statement, binds);
    QList<StreamInfo> result;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.append(StreamInfo { statement->text(0), statement->text(1), statement->int64(2), statement->int64(3),
                statement->int64(4) });
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Failed:
            return m_database->lastError();
        }
    }
}

Result<QStringList> NativeStore::eventTypes()
{
    const FinishStatements finish(*m_database);
    // One index seek per distinct type instead of a DISTINCT over every row of the index.
    QStringList types;
    SqliteStatement* first = m_database->prepare(u"SELECT type FROM events ORDER BY type LIMIT 1"_s);
    if (!first)
        return m_database->lastError();
    SqliteStatement::Step step = first->step();
    if (step == SqliteStatement::Step::Failed)
        return m_database->lastError();
    if (step == SqliteStatement::Step::Done)
        return types;
    types.append(first->text(0));
    SqliteStatement* next = m_database->prepare(u"SELECT type FROM events WHERE type > ?1 ORDER BY type LIMIT 1"_s);
    if (!next)
        return m_database->lastError();
    for (;;) {
        next->reset();
        next->bind(1, types.constLast());
        step = next->step();
        if (step == SqliteStatement::Step::Failed)
            return m_database->lastError();
        if (step == SqliteStatement::Step::Done)
            return types;
        types.append(next->text(0));
    }
}

Result<std::optional<qint64>> NativeStore::streamIdOf(const QString& name)
{
    if (auto cached = m_streamIds.find(name); cached != m_streamIds.end())
        return *cached;
    SqliteStatement* statement = m_database->prepare(u"SELECT stream_id FROM streams WHERE name = ?1"_s);
    if (!statement)
        return m_database->lastError();
    statement->bind(1, name);
    const SqliteStatement::Step step = statement->step();
    if (step == SqliteStatement::Step::Failed)
        return m_database->lastError();
    const std::optional<qint64> id
        = step == SqliteStatement::Step::Row ? std::optional(statement->int64(0)) : std::nullopt;
    // Only hits are kept: a stream missing now may be written later by the store's own application.
    if (id)
        m_streamIds.insert(name, id);
    return id;
}

NativeStore::Query NativeStore::positionAtTimeQuery(qint64 timeMs)
{
    return Query { u"SELECT position FROM events WHERE time >= ? ORDER BY time, position LIMIT 1"_s, { timeMs } };
}

Result<std::optional<qint64>> NativeStore::positionAtTime(qint64 timeMs)
{
    const Query query = positionAtTimeQuery(timeMs);
    SqliteStatement* statement = m_database->prepare(query.sql);
    if (!statement)
        return m_database->lastError();
    bindAll(*statement, query.binds);
    switch (statement->step()) {
    case SqliteStatement::Step::Row:
        return std::optional(statement->int64(0));
    case SqliteStatement::Step::Done:
        return std::optional<qint64>();
    case SqliteStatement::Step::Failed:
        break;
    }
    return m_database->lastError();
}

Result<NativeStore::CategorySize> NativeStore::categorySize(const QString& category)
{
    if (auto cached = m_categorySizes.constFind(category); cached != m_categorySizes.cend())
        return *cached;
    SqliteStatement* statement
        = m_database->prepare(u"SELECT count(*), coalesce(sum(event_count), 0),"
                              " (SELECT coalesce(sum(event_count), 0) FROM streams) FROM streams"
                              " WHERE stream_id IN (%1)"_s.arg(QLatin1StringView(kCategoryMembers)));
    if (!statement)
        return m_database->lastError();
    statement->bind(1, category);
    statement->bind(2, category);
    if (statement->step() != SqliteStatement::Step::Row)
        return m_database->lastError();
    const CategorySize size { statement->int64(0), statement->int64(1), statement->int64(2) };
    m_categorySizes.insert(category, size);
    return size;
}

// Builds the WHERE clause so that SQLite walks exactly one index in key order: the stream index
// inside a stream, the type index for a type, the table itself (rowid = position) otherwise.
// A unary '+' keeps SQLite from picking another index for a column that only filters.
Result<NativeStore::WhereClause> NativeStore::whereFor(const EventFilter& filter)
{
    WhereClause where;
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
        // Two ways to read a category of C events in a store of N: along the table, testing membership
        // (a page of 256 walks about 256·N/C rows), or through its streams' index entries, sorted (about C
        // rows). The second wins when C² < 256·N: sparse categories do not walk the whole store.
        const bool small = double(size->events) * double(size->events) < 256.0 * double(size->totalEvents);
        where.conditions.append(
            (small ? u"e.stream_id IN (%1)"_s : u"+e.stream_id IN (%1)"_s).arg(QLatin1StringView(kCategoryMembers)));
        where.binds.append(filter.category);
        where.binds.append(filter.category);
        if (small && filter.stream.isEmpty())
            where.index = u"events_by_stream"_s;
    }
    if (!filter.type.isEmpty()) {
        where.conditions.append(filter.stream.isEmpty() ? u"e.type = ?"_s : u"+e.type = ?"_s);
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
        where.conditions.append(u"+e.time >= ?"_s);
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
        where.conditions.append(u"+e.time < ?"_s);
        where.binds.append(*filter.untilMs);
    }
    return where;
}

Result<std::optional<NativeStore::Query>> NativeStore::readEventsQuery(const EventPageRequest& request)
{
    const FinishStatements finish(*m_database);
    Result<WhereClause> where = whereFor(request.filter);
    if (!where)
        return where.error();
    if (where->matchesNothing || request.limit <= 0)
        return std::optional<Query>();
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
    // CROSS JOIN keeps events as the outer loop, read in key order; streams is a primary-key lookup per row.
    const QString sql
        = u"SELECT e.position, s.name, %1, e.version, e.type, e.time, e.event_id, e.data, e.metadata"
          " FROM events e%5 CROSS JOIN streams s ON s.stream_id = e.stream_id%2 ORDER BY %3 %4 LIMIT ?"_s.arg(
              u"s.category"_s, where->sql(), key, forward ? u"ASC"_s : u"DESC"_s, where->indexHint());
    where->binds.append(qint64(request.limit));
    return std::optional(Query { sql, where->binds });
}

Result<EventPage> NativeStore::readEvents(const EventPageRequest& request)
{
    const FinishStatements finish(*m_database);
    const auto query = readEventsQuery(request);
    if (!query)
        return query.error();
    EventPage page;
    if (!*query) {
        page.reachedEnd = true;
        return page;
    }
    SqliteStatement* statement = m_database->prepare((*query)->sql);
    if (!statement)
        return m_database->lastError();
    bindAll(*statement, (*query)->binds);
    // A caller may ask for "everything" with a huge limit; reserve for a page, not for the limit.
    page.events.reserve(qMin(request.limit, 1000));
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row: {
            Event& event = page.events.emplace_back();
            event.position = statement->int64(0);
            event.stream = statement->text(1);
            // A NULL category is derived here rather than by es_category() in SQL: a call back per row
            // from SQLite into Qt cost a fifth of the decode time.
            event.category = statement->isNull(2) ? defaultCategoryOf(event.stream) : statement->text(2);
            event.version = statement->int64(3);
            event.type = statement->text(4);
            event.timeMs = statement->int64(5);
            event.id = eventIdText(*statement, 6);
            event.data = statement->bytes(7);
            event.metadata = statement->bytes(8);
            continue;
        }
        case SqliteStatement::Step::Done:
            page.reachedEnd = page.events.size() < request.limit;
            return page;
        case SqliteStatement::Step::Failed:
            return m_database->lastError();
        }
    }
}

Result<std::optional<DenseKeys>> NativeStore::denseKeys(const EventFilter& filter)
{
    const FinishStatements finish(*m_database);
    if (filter.sinceMs || filter.untilMs || !filter.type.isEmpty() || !filter.category.isEmpty())
        return std::optional<DenseKeys>();
    if (filter.stream.isEmpty()) {
        SqliteStatement* statement
            = m_database->prepare(u"SELECT (SELECT min(position) FROM events), (SELECT max(position) FROM events),"
                                  " (SELECT coalesce(sum(event_count), 0) FROM streams)"_s);
        if (!statement || statement->step() != SqliteStatement::Step::Row)
            return m_database->lastError();
        if (statement->isNull(0))
            return std::optional(DenseKeys { 0, 0 });
        const qint64 first = statement->int64(0), last = statement->int64(1), count = statement->int64(2);
        if (last - first + 1 != count)
            return std::optional<DenseKeys>();
        return std::optional(DenseKeys { first, count });
    }
    const auto streamId = streamIdOf(filter.stream);
    if (!streamId)
        return streamId.error();
    if (!*streamId)
        return std::optional(DenseKeys { 0, 0 });
    SqliteStatement* statement = m_database->prepare(u"SELECT (SELECT min(version) FROM events WHERE stream_id = ?1), "
                                                     u"(SELECT max(version) FROM events WHERE stream_id = ?1),"
                                                     " (SELECT event_count FROM streams WHERE stream_id = ?1)"_s);
    if (!statement)
        return m_database->lastError();
    statement->bind(1, **streamId);
    if (statement->step() != SqliteStatement::Step::Row)
        return m_database->lastError();
    if (statement->isNull(0))
        return std::optional(DenseKeys { 0, 0 });
    const qint64 first = statement->int64(0), last = statement->int64(1), count = statement->int64(2);
    if (last - first + 1 != count)
        return std::optional<DenseKeys>();
    return std::optional(DenseKeys { first, count });
}

Result<std::optional<NativeStore::Query>> NativeStore::scanKeysQuery(const EventFilter& filter)
{
    const FinishStatements finish(*m_database);
    Result<WhereClause> where = whereFor(filter);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return std::optional<Query>();
    const QString key = filter.orderKey() == OrderKey::GlobalPosition ? u"e.position"_s : u"e.version"_s;
    return std::optional(Query {
        u"SELECT %1 FROM events e%3%2 ORDER BY %1"_s.arg(key, where->sql(), where->indexHint()), where->binds });
}

Result<qint64> NativeStore::scanKeys(const EventFilter& filter, int stride, const KeyScanSink& sink)
{
    const FinishStatements finish(*m_database);
    if (stride < 1)
        return StoreError { StoreError::Kind::InvalidArgument,
            u"a key scan needs a stride of at least 1, not %1"_s.arg(stride) };
    const auto query = scanKeysQuery(filter);
    if (!query)
        return query.error();
    if (!*query) {
        if (!sink({}, 0))
            return StoreError::cancelled();
        return qint64(0);
    }
    SqliteStatement* statement = m_database->prepare((*query)->sql);
    if (!statement)
        return m_database->lastError();
    bindAll(*statement, (*query)->binds);

    constexpr qint64 kRowsPerChunk = 1 << 16;
    qint64 rows = 0;
    QList<qint64> anchors;
    for (;;) {
        const SqliteStatement::Step step = statement->step();
        if (step == SqliteStatement::Step::Failed)
            return m_database->lastError();
        if (step == SqliteStatement::Step::Done)
            break;
        if (rows % stride == 0)
            anchors.append(statement->int64(0));
        ++rows;
        if (rows % kRowsPerChunk == 0) {
            if (m_database->isInterrupted() || !sink(anchors, rows))
                return StoreError::cancelled();
            anchors.clear();
        }
    }
    if (!sink(anchors, rows))
        return StoreError::cancelled();
    return rows;
}

Result<std::optional<NativeStore::Query>> NativeStore::keyAtPositionQuery(const EventFilter& filter, qint64 position)
{
    const FinishStatements finish(*m_database);
    Result<WhereClause> where = whereFor(filter);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return std::optional<Query>();
    where->conditions.append(u"e.position >= ?"_s);
    where->binds.append(position);
    const QString key = filter.orderKey() == OrderKey::GlobalPosition ? u"e.position"_s : u"e.version"_s;
    return std::optional(
        Query { u"SELECT %1 FROM events e%3%2 ORDER BY %1 LIMIT 1"_s.arg(key, where->sql(), where->indexHint()),
            where->binds });
}

Result<std::optional<qint64>> NativeStore::keyAtPosition(const EventFilter& filter, qint64 position)
{
    const FinishStatements finish(*m_database);
    const auto query = keyAtPositionQuery(filter, position);
    if (!query)
        return query.error();
    if (!*query)
        return std::optional<qint64>();
    SqliteStatement* statement = m_database->prepare((*query)->sql);
    if (!statement)
        return m_database->lastError();
    bindAll(*statement, (*query)->binds);
    switch (statement->step()) {
    case SqliteStatement::Step::Row:
        return std::optional(statement->int64(0));
    case SqliteStatement::Step::Done:
        return std::optional<qint64>();
    case SqliteStatement::Step::Failed:
        break;
    }
    return m_database->lastError();
}

Result<std::optional<qint64>> NativeStore::keyAtTime(const EventFilter& filter, qint64 timeMs)
{
    const FinishStatements finish(*m_database);
    const auto position = positionAtTime(timeMs);
    if (!position)
        return position.error();
    if (!*position)
        return std::optional<qint64>();
    return keyAtPosition(filter, **position);
}

Result<QList<Snapshot>> NativeStore::snapshots(const QString& stream)
{
    const FinishStatements finish(*m_database);
    QList<Snapshot> result;
    if (!m_hasSnapshots)
        return result;
    SqliteStatement* statement = m_database->prepare(
        u"SELECT sn.version, sn.time, sn.state FROM snapshots sn"
        " WHERE sn.stream_id = (SELECT stream_id FROM streams WHERE name = ?1) ORDER BY sn.version"_s);
    if (!statement)
        return m_database->lastError();
    statement->bind(1, stream);
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.append(Snapshot { stream, statement->int64(0), statement->int64(1), statement->bytes(2) });
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Failed:
            return m_database->lastError();
        }
    }
}

void NativeStore::interrupt()
{
    m_database->interrupt();
}

void NativeStore::clearInterrupt()
{
    m_database->finishStatements();
    m_database->clearInterrupt();
}

} // namespace EventScope
