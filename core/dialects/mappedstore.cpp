#include "mappedstore.h"

#include "../model/category.h"
#include "../model/streampattern.h"
#include "sqlrowreader.h"

#include <QSet>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString quotedIdentifier(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

QString escapedLike(QString text)
{
    return text.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
}

// The default category rule as SQL: the stream is the category itself, or starts with it and a '-'. SQLite's
// LIKE ignores the case of ASCII letters ("Order-1" would be in category "order"), so there the prefix is a
// GLOB, which does not (its wildcards escaped as one-character sets); PostgreSQL's LIKE keeps the case.
QString defaultCategoryCondition(const QString& stream, bool sqlite)
{
    return (sqlite ? u"((%1) = ? OR (%1) GLOB ?)"_s : u"((%1) = ? OR (%1) LIKE ? ESCAPE '\\')"_s).arg(stream);
}

QString categoryPrefixPattern(const QString& category, bool sqlite)
{
    if (!sqlite)
        return escapedLike(category) + u"-%"_s;
    QString pattern;
    for (const QChar c : category) {
        if (c == u'*' || c == u'?' || c == u'[')
            pattern += u'[' + c + u']';
        else
            pattern += c;
    }
    return pattern + u"-*"_s;
}

// The integer columns of `table`, by name and as `alias.name`, so that a native time column that counts
// milliseconds is recognised however the mapping writes it.
QStringList integerColumns(Connection& connection, const TableName& table, const QString& alias)
{
    QStringList names;
    if (const auto columns = connection.columns(table)) {
        for (const ColumnInfo& column : *columns) {
            const QString type = column.type.toLower();
            if (type.contains(u"int"_s) || type == u"numeric"_s) {
                names.append(column.name);
                if (!alias.isEmpty())
                    names.append(alias + u'.' + column.name);
            }
        }
    }
    return names;
}

} // namespace

MappedStore::MappedStore(std::unique_ptr<Connection> connection, StoreMapping mapping)
    : EventStore(std::move(connection))
    , m_mapping(std::move(mapping))
{
    const EventsMapping& e = m_mapping.events;
    m_eventTime = timeMs(e.time, integerColumns(this->connection(), e.table, e.alias));
    if (const auto& s = m_mapping.snapshots)
        m_snapshotTime = timeMs(s->time, integerColumns(this->connection(), s->table, s->alias));
    if (const auto& s = m_mapping.streams; s && !s->lastTime.expression.isEmpty())
        m_streamTime = timeMs(s->lastTime, integerColumns(this->connection(), s->table, s->alias));
    this->connection().endRead();
}

MappedStore::~MappedStore() = default;

QString MappedStore::table(const TableName& name) const
{
    return name.schema.isEmpty() ? quotedIdentifier(name.name)
                                 : quotedIdentifier(name.schema) + u'.' + quotedIdentifier(name.name);
}

QString MappedStore::from(const TableName& name, const QString& alias, const QString& joins) const
{
    QString sql = table(name);
    if (!alias.isEmpty())
        sql += u" AS "_s + alias;
    if (!joins.isEmpty())
        sql += u' ' + joins;
    return sql;
}

QString MappedStore::eventsFrom() const
{
    return from(m_mapping.events.table, m_mapping.events.alias, m_mapping.events.joins);
}

// The time as milliseconds since the Unix epoch, in SQL, so that time filters run in the database.
QString MappedStore::timeMs(const TimeField& field, const QStringList& integers) const
{
    if (field.expression.isEmpty())
        return u"NULL"_s; // not stored: unknown, never the epoch
    const QString x = u'(' + field.expression + u')';
    const QString isoSqlite = u"CAST(round((julianday(%1) - 2440587.5) * 86400000) AS INTEGER)"_s.arg(x);
    const QString isoPostgres = u"(extract(epoch FROM %1::timestamptz) * 1000)::bigint"_s.arg(x);
    switch (field.unit) {
    case TimeUnit::EpochMilliseconds:
        return isSqlite() ? x : x + u"::bigint"_s;
    case TimeUnit::EpochSeconds:
        return isSqlite() ? u"CAST(%1 * 1000 AS INTEGER)"_s.arg(x) : u"(%1 * 1000)::bigint"_s.arg(x);
    case TimeUnit::EpochMicroseconds:
        return isSqlite() ? u"CAST(%1 / 1000 AS INTEGER)"_s.arg(x) : u"(%1 / 1000)::bigint"_s.arg(x);
    case TimeUnit::Iso:
        return isSqlite() ? isoSqlite : isoPostgres;
    case TimeUnit::Native:
        break;
    }
    // Native: an integer column counts milliseconds; otherwise the database's own time type (PostgreSQL), or on
    // SQLite whatever the value holds: an integer of milliseconds or ISO text.
    if (integers.contains(field.expression))
        return isSqlite() ? x : x + u"::bigint"_s;
    if (!isSqlite())
        return u"(extract(epoch FROM %1) * 1000)::bigint"_s.arg(x);
    return u"CASE typeof(%1) WHEN 'integer' THEN %1 WHEN 'real' THEN CAST(%1 AS INTEGER) ELSE %2 END"_s.arg(
        x, isoSqlite);
}

QString MappedStore::orderKey(const EventFilter& filter) const
{
    return u'(' + (filter.orderKey() == OrderKey::GlobalPosition ? m_mapping.events.position : m_mapping.events.version)
        + u')';
}

std::optional<QString> MappedStore::patternCondition(const QString& expression, const QString& pattern) const
{
    const QString stream = u'(' + expression + u')';
    if (isSqlite())
        return stream + u" REGEXP ?"_s;
    // As text: a library may name streams with a uuid column (Marten), which has no regex operator.
    if (StreamPattern(pattern).postgresForm())
        return stream + u"::text ~ ?"_s;
    return std::nullopt;
}

MappedStore::Conditions MappedStore::conditionsFor(const EventFilter& filter) const
{
    const EventsMapping& e = m_mapping.events;
    Conditions c;
    if (!e.where.isEmpty())
        c.sql.append(u'(' + e.where + u')');
    if (!filter.stream.isEmpty()) {
        const Conditions stream = streamCondition(filter.stream);
        c.sql.append(stream.sql);
        c.binds.append(stream.binds);
    }
    if (!filter.category.isEmpty()) {
        if (!e.category.isEmpty()) {
            c.sql.append(u'(' + (e.categoryFilter.isEmpty() ? e.category : e.categoryFilter) + u") = ?"_s);
            c.binds.append(filter.category);
        } else {
            // The default rule, as SQL: the stream is the category itself, or starts with it and a '-'.
            c.sql.append(defaultCategoryCondition(e.stream, isSqlite()));
            c.binds.append(filter.category);
            c.binds.append(categoryPrefixPattern(filter.category, isSqlite()));
        }
    }
    if (!filter.type.isEmpty()) {
        c.sql.append(u'(' + e.type + u") = ?"_s);
        c.binds.append(filter.type);
    }
    if (filter.sinceMs) {
        c.sql.append(m_eventTime + u" >= ?"_s);
        c.binds.append(*filter.sinceMs);
    }
    if (filter.untilMs) {
        c.sql.append(m_eventTime + u" < ?"_s);
        c.binds.append(*filter.untilMs);
    }
    return c;
}

MappedStore::Conditions MappedStore::streamCondition(const QString& stream) const
{
    const EventsMapping& e = m_mapping.events;
    // A mapping may say how to find one stream's rows through an index (streamMatch); the default compares names.
    if (!e.streamMatch.isEmpty())
        return Conditions { { u'(' + e.streamMatch + u')' }, { stream } };
    return Conditions { { u'(' + e.stream + u") = ?"_s }, { stream } };
}

SqlQuery MappedStore::readEventsQuery(const EventPageRequest& request) const
{
    const EventsMapping& e = m_mapping.events;
    Conditions c = conditionsFor(request.filter);
    const bool forward = request.direction == ReadDirection::Forward;
    const QString key = orderKey(request.filter);
    if (request.start) {
        const QString op
            = forward ? (request.start->inclusive ? u">="_s : u">"_s) : (request.start->inclusive ? u"<="_s : u"<"_s);
        c.sql.append(key + u' ' + op + u" ?"_s);
        c.binds.append(request.start->key);
    }
    if (request.fromPosition) {
        c.sql.append(u'(' + e.position + (forward ? u") >= ?"_s : u") <= ?"_s));
        c.binds.append(*request.fromPosition);
    }
    const auto orNull = [](const QString& expression) { return expression.isEmpty() ? u"NULL"_s : expression; };
    const QString id = e.id.isEmpty() ? u"NULL"_s : (isSqlite() ? e.id : u"(%1)::text"_s.arg(e.id));
    const QString idIsBlob = e.id.isEmpty() || !isSqlite() ? u"0"_s : u"typeof(%1) = 'blob'"_s.arg(e.id);
    QStringList columns { e.position, e.stream, orNull(e.category), e.version, e.type, m_eventTime, id, idIsBlob,
        orNull(e.data.expression), orNull(e.metadata.expression) };
    const QString sql = u"SELECT %1 FROM %2%3 ORDER BY %4 %5 LIMIT ?"_s.arg(
        columns.join(u", "_s), eventsFrom(), c.where(), key, forward ? u"ASC"_s : u"DESC"_s);
    c.binds.append(qint64(request.limit));
    return SqlQuery { sql, c.binds, request.limit };
}

QByteArray MappedStore::decodePayload(const QByteArray& stored, const PayloadField& field) const
{
    return unwrapPayload(stored, field.encoding);
}

Result<EventPage> MappedStore::readPage(const EventPageRequest& request)
{
    EventPage page;
    page.events.reserve(qMin(request.limit, 1000));
    const EventsMapping& e = m_mapping.events;
    const Status status = forEachRow(connection(), readEventsQuery(request), [&](const SqlRows& row) {
        Event& event = page.events.emplace_back();
        event.position = row.int64(0);
        event.stream = row.text(1);
        event.category = e.category.isEmpty() ? categoryOf(event.stream) : row.text(2);
        event.version = row.int64(3);
        event.type = row.text(4);
        event.timeMs = row.optionalInt64(5);
        if (!row.isNull(6)) {
            const QByteArray id = row.bytes(6);
            event.id = row.int64(7) != 0 && id.size() == 16 ? QUuid::fromRfc4122(id).toString(QUuid::WithoutBraces)
                                                            : row.text(6);
        }
        if (!row.isNull(8))
            event.data = decodePayload(row.bytes(8), e.data);
        if (!row.isNull(9))
            event.metadata = decodePayload(row.bytes(9), e.metadata);
        return true;
    });
    if (!status)
        return status.error();
    page.reachedEnd = page.events.size() < request.limit;
    return page;
}

Result<StoreInfo> MappedStore::readInfo()
{
    const EventsMapping& e = m_mapping.events;
    StoreInfo info;
    info.location = location().toString();
    info.dialect = dialectName();
    const Conditions c = conditionsFor({});
    const QString categories = e.category.isEmpty() ? u"0"_s : u"count(DISTINCT %1)"_s.arg(e.category);
    Status status = forEachRow(connection(),
        SqlQuery { u"SELECT count(*), count(DISTINCT %1), %2, min(%3), max(%3), min(%4), max(%4) FROM %5%6"_s.arg(
                       e.stream, categories, m_eventTime, e.position, eventsFrom(), c.where()),
            c.binds },
        [&info](const SqlRows& row) {
            info.events = row.int64(0);
            info.streams = row.int64(1);
            info.categories = row.int64(2);
            // A store may hold no time (or none that can be read) while it has events.
            info.firstTimeMs = row.optionalInt64(3);
            info.lastTimeMs = row.optionalInt64(4);
            info.firstPosition = row.optionalInt64(5);
            info.lastPosition = row.optionalInt64(6);
            return false;
        });
    if (!status)
        return status.error();
    if (e.category.isEmpty()) {
        // The category rule runs here, over the distinct stream names.
        QSet<QString> names;
        status = forEachRow(connection(),
            SqlQuery { u"SELECT DISTINCT %1 FROM %2%3"_s.arg(e.stream, eventsFrom(), c.where()), c.binds },
            [this, &names](const SqlRows& row) {
                names.insert(categoryOf(row.text(0)));
                return true;
            });
        if (!status)
            return status.error();
        info.categories = names.size();
    }
    if (const auto& s = m_mapping.snapshots) {
        const QString where = s->where.isEmpty() ? QString() : u" WHERE "_s + s->where;
        const auto count = firstInt(connection(),
            SqlQuery { u"SELECT count(*) FROM %1%2"_s.arg(from(s->table, s->alias, s->joins), where), {} });
        if (!count)
            return count.error();
        info.snapshots = count->value_or(0);
    }
    return info;
}

Result<QList<StreamInfo>> MappedStore::readStreams(const StreamQuery& query)
{
    const EventsMapping& e = m_mapping.events;
    std::optional<QString> match;
    if (!query.pattern.isEmpty()) {
        match = patternCondition(m_mapping.streams ? m_mapping.streams->name : e.stream, query.pattern);
        if (!match)
            return readStreamsMatchedHere(query);
    }
    if (m_mapping.streams)
        return readStreamsFromStreamTable(query);
    EventFilter filter;
    filter.category = query.category;
    Conditions c = conditionsFor(filter);
    if (match) {
        c.sql.append(*match);
        c.binds.append(query.pattern);
    }
    if (query.after) {
        c.sql.append(u'(' + e.stream + u") > ?"_s);
        c.binds.append(*query.after);
    }
    QString sql = u"SELECT %1, %2, count(*), max(%3), max(%4) FROM %5%6 GROUP BY %1 ORDER BY %1"_s.arg(e.stream,
        e.category.isEmpty() ? u"NULL"_s : u"min(%1)"_s.arg(e.category), e.version, m_eventTime, eventsFrom(),
        c.where());
    if (query.limit) {
        sql += u" LIMIT ?"_s;
        c.binds.append(qint64(*query.limit));
    }
    QList<StreamInfo> result;
    const Status status
        = forEachRow(connection(), SqlQuery { sql, c.binds, query.limit.value_or(0) }, [&](const SqlRows& row) {
              const QString name = row.text(0);
              result.append(StreamInfo { name, e.category.isEmpty() ? categoryOf(name) : row.text(1), row.int64(2),
                  row.int64(3), row.optionalInt64(4) });
              return true;
          });
    if (!status)
        return status.error();
    return result;
}

// The library keeps a row per stream: one keyset page of that table, its counts as the library wrote them.
Result<QList<StreamInfo>> MappedStore::readStreamsFromStreamTable(const StreamQuery& query)
{
    const StreamsMapping& s = *m_mapping.streams;
    Conditions c;
    if (!s.where.isEmpty())
        c.sql.append(u'(' + s.where + u')');
    if (!query.category.isEmpty()) {
        if (!s.category.isEmpty()) {
            c.sql.append(u'(' + s.category + u") = ?"_s);
            c.binds.append(query.category);
        } else {
            c.sql.append(defaultCategoryCondition(s.name, isSqlite()));
            c.binds.append(query.category);
            c.binds.append(categoryPrefixPattern(query.category, isSqlite()));
        }
    }
    if (!query.pattern.isEmpty()) {
        c.sql.append(*patternCondition(s.name, query.pattern));
        c.binds.append(query.pattern);
    }
    if (query.after) {
        c.sql.append(u'(' + s.name + u") > ?"_s);
        c.binds.append(*query.after);
    }
    QString sql = u"SELECT %1, %2, %3, %4, %5 FROM %6%7 ORDER BY %1"_s.arg(s.name,
        s.category.isEmpty() ? u"NULL"_s : s.category, s.events, s.lastVersion,
        m_streamTime.isEmpty() ? u"NULL"_s : m_streamTime, from(s.table, s.alias, s.joins), c.where());
    if (query.limit) {
        sql += u" LIMIT ?"_s;
        c.binds.append(qint64(*query.limit));
    }
    QList<StreamInfo> result;
    const Status status
        = forEachRow(connection(), SqlQuery { sql, c.binds, query.limit.value_or(0) }, [&](const SqlRows& row) {
              const QString name = row.text(0);
              result.append(StreamInfo { name, s.category.isEmpty() ? categoryOf(name) : row.text(1), row.int64(2),
                  row.int64(3), row.optionalInt64(4) });
              return true;
          });
    if (!status)
        return status.error();
    return result;
}

Result<QList<CategoryInfo>> MappedStore::readCategories(const CategoryQuery& query)
{
    // Categories come from the streams, grouped here: a mapping has no table of categories to seek in.
    auto streams = readStreams(StreamQuery { query.pattern, {}, {}, {} });
    if (!streams)
        return streams.error();
    return groupIntoCategories(*streams, query);
}

Result<QStringList> MappedStore::readEventTypes()
{
    const EventsMapping& e = m_mapping.events;
    const Conditions c = conditionsFor({});
    QStringList types;
    const Status status = forEachRow(connection(),
        SqlQuery { u"SELECT DISTINCT %1 FROM %2%3 ORDER BY 1"_s.arg(e.type, eventsFrom(), c.where()), c.binds },
        [&types](const SqlRows& row) {
            types.append(row.text(0));
            return true;
        });
    if (!status)
        return status.error();
    return types;
}

Result<std::optional<DenseKeys>> MappedStore::readDenseKeys(const EventFilter& filter)
{
    // Only a stream's versions are cheap to check (min, max and count along its rows); the whole log's count
    // would be a scan, which the key scan does anyway.
    if (filter.stream.isEmpty() || filter.sinceMs || filter.untilMs || !filter.type.isEmpty()
        || !filter.category.isEmpty())
        return std::optional<DenseKeys>();
    const Conditions c = conditionsFor(filter);
    return denseKeysFrom(connection(),
        SqlQuery {
            u"SELECT min(%1), max(%1), count(*) FROM %2%3"_s.arg(m_mapping.events.version, eventsFrom(), c.where()),
            c.binds });
}

Result<qint64> MappedStore::readKeys(const EventFilter& filter, int stride, const KeyScanSink& sink)
{
    const Conditions c = conditionsFor(filter);
    const QString key = orderKey(filter);
    return scanKeyAnchors(connection(),
        SqlQuery { u"SELECT %1 FROM %2%3 ORDER BY %1"_s.arg(key, eventsFrom(), c.where()), c.binds }, stride, sink);
}

Result<std::optional<qint64>> MappedStore::readKeyAtPosition(const EventFilter& filter, qint64 position)
{
    Conditions c = conditionsFor(filter);
    c.sql.append(u'(' + m_mapping.events.position + u") >= ?"_s);
    c.binds.append(position);
    const QString key = orderKey(filter);
    return firstInt(connection(),
        SqlQuery { u"SELECT %1 FROM %2%3 ORDER BY %1 LIMIT 1"_s.arg(key, eventsFrom(), c.where()), c.binds, 1 });
}

Result<std::optional<qint64>> MappedStore::readKeyAtTime(const EventFilter& filter, qint64 timeMs)
{
    Conditions c = conditionsFor(filter);
    c.sql.append(m_eventTime + u" >= ?"_s);
    c.binds.append(timeMs);
    const QString key = orderKey(filter);
    return firstInt(connection(),
        SqlQuery { u"SELECT %1 FROM %2%3 ORDER BY %1 LIMIT 1"_s.arg(key, eventsFrom(), c.where()), c.binds, 1 });
}

Result<QList<Snapshot>> MappedStore::readSnapshots(const QString& stream)
{
    QList<Snapshot> result;
    if (!m_mapping.snapshots)
        return result;
    const SnapshotsMapping& s = *m_mapping.snapshots;
    const QString where = s.where.isEmpty() ? QString() : u" AND ("_s + s.where + u')';
    const Status status = forEachRow(connection(),
        SqlQuery { u"SELECT %1, %2, %3 FROM %4 WHERE (%5) = ?%6 ORDER BY %1"_s.arg(
                       s.version, m_snapshotTime, s.data.expression, from(s.table, s.alias, s.joins), s.stream, where),
            { stream } },
        [&](const SqlRows& row) {
            result.append(Snapshot { stream, row.int64(0), row.optionalInt64(1), decodePayload(row.bytes(2), s.data) });
            return true;
        });
    if (!status)
        return status.error();
    return result;
}

} // namespace EventScope
