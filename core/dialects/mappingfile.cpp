#include "mappingfile.h"

#include "sqlrowreader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <vector>

using namespace Qt::StringLiterals;

namespace EventScope::MappingFile {

namespace {

struct NamedUnit
{
    const char* name;
    TimeUnit unit;
};
constexpr NamedUnit kTimeUnits[]
    = { { "native", TimeUnit::Native }, { "iso", TimeUnit::Iso }, { "epoch-s", TimeUnit::EpochSeconds },
          { "epoch-ms", TimeUnit::EpochMilliseconds }, { "epoch-us", TimeUnit::EpochMicroseconds } };

struct NamedEncoding
{
    const char* name;
    PayloadEncoding encoding;
};
constexpr NamedEncoding kEncodings[]
    = { { "json", PayloadEncoding::Json }, { "text", PayloadEncoding::Text }, { "bytes", PayloadEncoding::Bytes },
          { "base64", PayloadEncoding::Base64 }, { "zlib", PayloadEncoding::Zlib }, { "gzip", PayloadEncoding::Gzip } };

StoreError badField(const QString& field, const QString& message)
{
    return StoreError { StoreError::Kind::InvalidArgument, field + u": "_s + message };
}

// Reads one section of the file, remembering the first error, which names the field it came from.
class SectionReader
{
public:
    SectionReader(const QJsonObject& object, QString section, std::optional<StoreError>& error)
        : m_object(object)
        , m_section(std::move(section))
        , m_error(error)
    { }

    QString path(const QString& key) const { return m_section + u'.' + key; }

    void fail(const QString& key, const QString& message)
    {
        if (!m_error)
            m_error = badField(path(key), message);
    }

    void onlyKnownKeys(const QStringList& known)
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!known.contains(it.key()))
                fail(it.key(), u"unknown field; a %1 section has: %2"_s.arg(m_section, known.join(u", "_s)));
        }
    }

    // A plain string field: a column or an SQL expression over the row.
    QString expression(const QString& key, bool required)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull()) {
            if (required)
                fail(key, u"missing; give the column or SQL expression it comes from"_s);
            return {};
        }
        if (!value.isString() || value.toString().trimmed().isEmpty()) {
            fail(key, u"must be a column name or an SQL expression (a non-empty string)"_s);
            return {};
        }
        return checkedSql(key, value.toString().trimmed());
    }

    TableName table(const QString& key)
    {
        const QString text = expression(key, true);
        const qsizetype dot = text.indexOf(u'.');
        if (dot < 0)
            return TableName { {}, text };
        return TableName { text.left(dot), text.mid(dot + 1) };
    }

    TimeField time(const QString& key)
    {
        TimeField field;
        const QJsonValue value = m_object.value(key);
        if (value.isObject()) {
            SectionReader inner(value.toObject(), path(key), m_error);
            inner.onlyKnownKeys({ u"column"_s, u"unit"_s });
            field.expression = inner.expression(u"column"_s, true);
            const QString unit = value.toObject().value(u"unit"_s).toString(u"native"_s);
            const auto* known = std::find_if(std::begin(kTimeUnits), std::end(kTimeUnits),
                [&unit](const NamedUnit& named) { return unit == QLatin1StringView(named.name); });
            if (known == std::end(kTimeUnits))
                inner.fail(
                    u"unit"_s, u"'%1' is not a time unit; use iso, epoch-s, epoch-ms, epoch-us or native"_s.arg(unit));
            else
                field.unit = known->unit;
            return field;
        }
        field.expression = expression(key, false);
        return field;
    }

    PayloadField payload(const QString& key)
    {
        PayloadField field;
        const QJsonValue value = m_object.value(key);
        if (value.isObject()) {
            SectionReader inner(value.toObject(), path(key), m_error);
            inner.onlyKnownKeys({ u"column"_s, u"encoding"_s });
            field.expression = inner.expression(u"column"_s, true);
            const QString encoding = value.toObject().value(u"encoding"_s).toString(u"json"_s);
            const auto* known = std::find_if(std::begin(kEncodings), std::end(kEncodings),
                [&encoding](const NamedEncoding& named) { return encoding == QLatin1StringView(named.name); });
            if (known == std::end(kEncodings))
                inner.fail(u"encoding"_s,
                    u"'%1' is not a payload encoding; use json, text, bytes, base64, zlib or gzip"_s.arg(encoding));
            else
                field.encoding = known->encoding;
            return field;
        }
        field.expression = expression(key, false);
        return field;
    }

private:
    // An expression is spliced into a SELECT on a read-only session. One statement is all it may be: a ';' would
    // only ever be an attempt to run another one.
    QString checkedSql(const QString& key, const QString& sql)
    {
        if (sql.contains(u';'))
            fail(key, u"an expression cannot contain ';'"_s);
        return sql;
    }

    QJsonObject m_object;
    QString m_section;
    std::optional<StoreError>& m_error;
};

QJsonValue timeJson(const TimeField& field)
{
    if (field.unit == TimeUnit::Native)
        return field.expression;
    for (const NamedUnit& named : kTimeUnits) {
        if (named.unit == field.unit)
            return QJsonObject { { u"column"_s, field.expression }, { u"unit"_s, QString::fromLatin1(named.name) } };
    }
    return field.expression;
}

QJsonValue payloadJson(const PayloadField& field)
{
    if (field.encoding == PayloadEncoding::Json)
        return field.expression;
    for (const NamedEncoding& named : kEncodings) {
        if (named.encoding == field.encoding)
            return QJsonObject { { u"column"_s, field.expression },
                { u"encoding"_s, QString::fromLatin1(named.name) } };
    }
    return field.expression;
}

void putIfSet(QJsonObject& object, const QString& key, const QString& value)
{
    if (!value.isEmpty())
        object.insert(key, value);
}

QString quotedIdentifier(const QString& name)
{
    return u'"' + QString(name).replace(u"\""_s, u"\"\""_s) + u'"';
}

QString fromClause(const TableName& table, const QString& alias, const QString& joins)
{
    QString sql = table.schema.isEmpty() ? quotedIdentifier(table.name)
                                         : quotedIdentifier(table.schema) + u'.' + quotedIdentifier(table.name);
    if (!alias.isEmpty())
        sql += u" AS "_s + alias;
    if (!joins.isEmpty())
        sql += u' ' + joins;
    return sql;
}

// What a field's values must be, for the type check.
enum class Expect { Anything, Integer, Number, Text, Payload };

struct FieldCheck
{
    QString field; // as the file names it: "events.version"
    QString expression;
    Expect expect;
};

bool fits(const QString& type, Expect expect, bool sqlite)
{
    const QString t = type.toLower();
    const bool integer = sqlite ? t == u"integer"_s
                                : (t == u"bigint"_s || t == u"integer"_s || t == u"smallint"_s || t == u"numeric"_s);
    switch (expect) {
    case Expect::Anything:
        return true;
    case Expect::Integer:
        return integer || t == u"null"_s;
    case Expect::Number:
        return integer || t == u"real"_s || t == u"double precision"_s || t == u"null"_s;
    case Expect::Text:
        return !(t == u"blob"_s || t == u"bytea"_s);
    case Expect::Payload:
        return true;
    }
    return true;
}

QString tableList(const QList<TableName>& tables)
{
    QStringList names;
    for (const TableName& name : tables)
        names.append(name.qualified());
    return names.isEmpty() ? u"none"_s : names.join(u", "_s);
}

// The schema PostgreSQL's search_path finds a bare table name in, as a query naming it would; empty when no schema
// on the path has it.
Result<QString> schemaOnSearchPath(Connection& connection, const QString& name)
{
    QString schema;
    const Status status = forEachRow(connection,
        SqlQuery { u"SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                   " ON n.oid = c.relnamespace WHERE c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                   " AND pg_catalog.pg_table_is_visible(c.oid)"_s,
            { name }, 1 },
        [&schema](const SqlRows& row) {
            schema = row.text(0);
            return false;
        });
    if (!status)
        return status.error();
    return schema;
}

Result<TableName> resolveTable(
    Connection& connection, const QList<TableName>& tables, const QString& field, TableName written)
{
    const bool sqlite = connection.flavour() == SqlFlavour::Sqlite;
    if (sqlite && written.schema == u"main"_s)
        written.schema.clear();
    const auto missing = [&] {
        return badField(field,
            u"no table %1 in %2 (its tables: %3)"_s.arg(
                written.qualified(), connection.location().displayName(), tableList(tables)));
    };
    if (!written.schema.isEmpty() || sqlite)
        return tables.contains(written) ? Result<TableName>(written) : Result<TableName>(missing());
    // PostgreSQL folds an unquoted name to lower case: "Orders" finds orders when no table is named Orders.
    for (const QString& name : { written.name, written.name.toLower() }) {
        QList<TableName> candidates;
        for (const TableName& table : tables) {
            if (table.name == name)
                candidates.append(table);
        }
        if (candidates.isEmpty())
            continue;
        const Result<QString> onPath = schemaOnSearchPath(connection, name);
        if (!onPath)
            return onPath.error();
        if (!onPath->isEmpty())
            return TableName { *onPath, name };
        if (candidates.size() == 1)
            return candidates.first();
        return badField(field,
            u"%1 is in several schemas, none of them on the search_path: %2; write the one to read (\"%3\")"_s.arg(
                name, tableList(candidates), candidates.first().qualified()));
    }
    return missing();
}

Status checkSection(Connection& connection, const QString& section, const TableName& table, const QString& alias,
    const QString& joins, const QString& where, const QList<FieldCheck>& fields)
{
    const auto tables = connection.tables();
    if (!tables)
        return tables.error();
    if (!tables->contains(table)) {
        QStringList names;
        for (const TableName& name : *tables)
            names.append(name.qualified());
        return badField(section + u".table"_s,
            u"no table %1 in %2 (its tables: %3)"_s.arg(table.qualified(), connection.location().displayName(),
                names.isEmpty() ? u"none"_s : names.join(u", "_s)));
    }
    const bool sqlite = connection.flavour() == SqlFlavour::Sqlite;
    const QString from = fromClause(table, alias, joins);
    // The joins and the condition first, alone, so that their errors name them.
    for (const auto& [name, sql] : { std::pair { u"joins"_s, u"SELECT 1 FROM %1 LIMIT 0"_s.arg(from) },
             std::pair { u"where"_s, u"SELECT 1 FROM %1 WHERE (%2) LIMIT 0"_s.arg(from, where) } }) {
        if (name == u"where"_s && where.isEmpty())
            continue;
        const Status status = forEachRow(connection, SqlQuery { sql, {}, 1 }, [](const SqlRows&) { return false; });
        if (!status) {
            if (status.error().kind != StoreError::Kind::Query)
                return status.error();
            return badField(section + u'.' + name, status.error().message);
        }
    }
    const QString condition = where.isEmpty() ? QString() : u" WHERE ("_s + where + u')';
    for (const FieldCheck& field : fields) {
        if (field.expression.isEmpty())
            continue;
        const QString type
            = sqlite ? u"typeof(%1)"_s.arg(field.expression) : u"pg_typeof(%1)::text"_s.arg(field.expression);
        const QString sql = u"SELECT %1 FROM %2%3 LIMIT 1"_s.arg(type, from, condition);
        QString seen;
        const Status status = forEachRow(connection, SqlQuery { sql, {}, 1 }, [&seen](const SqlRows& row) {
            seen = row.text(0);
            return false;
        });
        if (!status) {
            if (status.error().kind != StoreError::Kind::Query)
                return status.error();
            return badField(field.field, status.error().message);
        }
        if (!seen.isEmpty() && !fits(seen, field.expect, sqlite)) {
            const QString wanted = field.expect == Expect::Integer ? u"an integer"_s
                : field.expect == Expect::Number                   ? u"a number"_s
                                                                   : u"text"_s;
            return badField(
                field.field, u"'%1' gives %2 values; it must give %3"_s.arg(field.expression, seen, wanted));
        }
    }
    return Done {};
}

Expect timeExpectation(const TimeField& field)
{
    switch (field.unit) {
    case TimeUnit::EpochSeconds:
    case TimeUnit::EpochMilliseconds:
    case TimeUnit::EpochMicroseconds:
        return Expect::Number;
    case TimeUnit::Iso:
        return Expect::Text;
    case TimeUnit::Native:
        break;
    }
    return Expect::Anything;
}

} // namespace

Result<StoreMapping> fromJson(const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return badField(
            u"mapping"_s, u"not valid JSON: %1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return badField(u"mapping"_s, u"must be a JSON object with an \"events\" section"_s);
    const QJsonObject root = document.object();

    std::optional<StoreError> error;
    StoreMapping mapping;
    SectionReader top(root, u"mapping"_s, error);
    top.onlyKnownKeys({ u"name"_s, u"events"_s, u"streams"_s, u"snapshots"_s });
    if (root.contains(u"name"_s)) {
        const QString name = root.value(u"name"_s).toString();
        if (name.isEmpty())
            top.fail(u"name"_s, u"must be a non-empty string"_s);
        mapping.description = name;
    }
    if (!root.value(u"events"_s).isObject()) {
        top.fail(u"events"_s, u"missing; the events section names the events table and its fields"_s);
        return *error;
    }

    SectionReader events(root.value(u"events"_s).toObject(), u"events"_s, error);
    events.onlyKnownKeys({ u"table"_s, u"alias"_s, u"joins"_s, u"position"_s, u"stream"_s, u"category"_s, u"version"_s,
        u"type"_s, u"time"_s, u"id"_s, u"data"_s, u"metadata"_s, u"where"_s });
    EventsMapping& e = mapping.events;
    e.table = events.table(u"table"_s);
    e.alias = events.expression(u"alias"_s, false);
    e.joins = events.expression(u"joins"_s, false);
    e.position = events.expression(u"position"_s, true);
    e.stream = events.expression(u"stream"_s, true);
    e.category = events.expression(u"category"_s, false);
    e.version = events.expression(u"version"_s, true);
    e.type = events.expression(u"type"_s, true);
    e.time = events.time(u"time"_s);
    e.id = events.expression(u"id"_s, false);
    e.data = events.payload(u"data"_s);
    e.metadata = events.payload(u"metadata"_s);
    e.where = events.expression(u"where"_s, false);

    if (root.contains(u"streams"_s)) {
        if (!root.value(u"streams"_s).isObject()) {
            top.fail(u"streams"_s, u"must be an object"_s);
        } else {
            SectionReader reader(root.value(u"streams"_s).toObject(), u"streams"_s, error);
            reader.onlyKnownKeys({ u"table"_s, u"alias"_s, u"joins"_s, u"name"_s, u"category"_s, u"events"_s,
                u"last_version"_s, u"last_time"_s, u"where"_s });
            StreamsMapping s;
            s.table = reader.table(u"table"_s);
            s.alias = reader.expression(u"alias"_s, false);
            s.joins = reader.expression(u"joins"_s, false);
            s.name = reader.expression(u"name"_s, true);
            s.category = reader.expression(u"category"_s, false);
            s.events = reader.expression(u"events"_s, true);
            s.lastVersion = reader.expression(u"last_version"_s, true);
            s.lastTime = reader.time(u"last_time"_s);
            s.where = reader.expression(u"where"_s, false);
            mapping.streams = s;
        }
    }
    if (root.contains(u"snapshots"_s)) {
        if (!root.value(u"snapshots"_s).isObject()) {
            top.fail(u"snapshots"_s, u"must be an object"_s);
        } else {
            SectionReader reader(root.value(u"snapshots"_s).toObject(), u"snapshots"_s, error);
            reader.onlyKnownKeys(
                { u"table"_s, u"alias"_s, u"joins"_s, u"stream"_s, u"version"_s, u"time"_s, u"data"_s, u"where"_s });
            SnapshotsMapping s;
            s.table = reader.table(u"table"_s);
            s.alias = reader.expression(u"alias"_s, false);
            s.joins = reader.expression(u"joins"_s, false);
            s.stream = reader.expression(u"stream"_s, true);
            s.version = reader.expression(u"version"_s, true);
            s.time = reader.time(u"time"_s);
            s.data = reader.payload(u"data"_s);
            if (s.data.expression.isEmpty())
                reader.fail(u"data"_s, u"missing; give the column that holds the snapshot's state"_s);
            s.where = reader.expression(u"where"_s, false);
            mapping.snapshots = s;
        }
    }
    if (error)
        return *error;
    return mapping;
}

Result<StoreMapping> load(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return badField(u"mapping"_s, u"cannot read %1: %2"_s.arg(path, file.errorString()));
    return fromJson(file.readAll());
}

QByteArray toJson(const StoreMapping& mapping)
{
    const EventsMapping& e = mapping.events;
    QJsonObject events;
    events.insert(u"table"_s, e.table.qualified());
    putIfSet(events, u"alias"_s, e.alias);
    putIfSet(events, u"joins"_s, e.joins);
    events.insert(u"position"_s, e.position);
    events.insert(u"stream"_s, e.stream);
    putIfSet(events, u"category"_s, e.category);
    events.insert(u"version"_s, e.version);
    events.insert(u"type"_s, e.type);
    if (!e.time.expression.isEmpty())
        events.insert(u"time"_s, timeJson(e.time));
    putIfSet(events, u"id"_s, e.id);
    if (!e.data.expression.isEmpty())
        events.insert(u"data"_s, payloadJson(e.data));
    if (!e.metadata.expression.isEmpty())
        events.insert(u"metadata"_s, payloadJson(e.metadata));
    putIfSet(events, u"where"_s, e.where);

    QJsonObject root;
    putIfSet(root, u"name"_s, mapping.description);
    root.insert(u"events"_s, events);
    if (const auto& s = mapping.streams) {
        QJsonObject streams;
        streams.insert(u"table"_s, s->table.qualified());
        putIfSet(streams, u"alias"_s, s->alias);
        putIfSet(streams, u"joins"_s, s->joins);
        streams.insert(u"name"_s, s->name);
        putIfSet(streams, u"category"_s, s->category);
        streams.insert(u"events"_s, s->events);
        streams.insert(u"last_version"_s, s->lastVersion);
        if (!s->lastTime.expression.isEmpty())
            streams.insert(u"last_time"_s, timeJson(s->lastTime));
        putIfSet(streams, u"where"_s, s->where);
        root.insert(u"streams"_s, streams);
    }
    if (const auto& s = mapping.snapshots) {
        QJsonObject snapshots;
        snapshots.insert(u"table"_s, s->table.qualified());
        putIfSet(snapshots, u"alias"_s, s->alias);
        putIfSet(snapshots, u"joins"_s, s->joins);
        snapshots.insert(u"stream"_s, s->stream);
        snapshots.insert(u"version"_s, s->version);
        if (!s->time.expression.isEmpty())
            snapshots.insert(u"time"_s, timeJson(s->time));
        snapshots.insert(u"data"_s, payloadJson(s->data));
        putIfSet(snapshots, u"where"_s, s->where);
        root.insert(u"snapshots"_s, snapshots);
    }
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<StoreMapping> resolveTables(Connection& connection, StoreMapping mapping)
{
    const auto tables = connection.tables();
    if (!tables) {
        connection.endRead();
        return tables.error();
    }
    std::vector<std::pair<QString, TableName*>> named { { u"events.table"_s, &mapping.events.table } };
    if (mapping.streams)
        named.emplace_back(u"streams.table"_s, &mapping.streams->table);
    if (mapping.snapshots)
        named.emplace_back(u"snapshots.table"_s, &mapping.snapshots->table);
    for (auto& [field, table] : named) {
        Result<TableName> resolved = resolveTable(connection, *tables, field, *table);
        if (!resolved) {
            connection.endRead();
            return resolved.error();
        }
        *table = std::move(resolved).value();
    }
    connection.endRead();
    return mapping;
}

Status check(Connection& connection, const StoreMapping& mapping)
{
    const EventsMapping& e = mapping.events;
    Status status = checkSection(connection, u"events"_s, e.table, e.alias, e.joins, e.where,
        { { u"events.position"_s, e.position, Expect::Integer }, { u"events.stream"_s, e.stream, Expect::Text },
            { u"events.category"_s, e.category, Expect::Text }, { u"events.version"_s, e.version, Expect::Integer },
            { u"events.type"_s, e.type, Expect::Text },
            { u"events.time"_s, e.time.expression, timeExpectation(e.time) },
            { u"events.id"_s, e.id, Expect::Anything }, { u"events.data"_s, e.data.expression, Expect::Payload },
            { u"events.metadata"_s, e.metadata.expression, Expect::Payload } });
    if (status && mapping.streams) {
        const StreamsMapping& s = *mapping.streams;
        status = checkSection(connection, u"streams"_s, s.table, s.alias, s.joins, s.where,
            { { u"streams.name"_s, s.name, Expect::Text }, { u"streams.category"_s, s.category, Expect::Text },
                { u"streams.events"_s, s.events, Expect::Integer },
                { u"streams.last_version"_s, s.lastVersion, Expect::Integer },
                { u"streams.last_time"_s, s.lastTime.expression, timeExpectation(s.lastTime) } });
    }
    if (status && mapping.snapshots) {
        const SnapshotsMapping& s = *mapping.snapshots;
        status = checkSection(connection, u"snapshots"_s, s.table, s.alias, s.joins, s.where,
            { { u"snapshots.stream"_s, s.stream, Expect::Text }, { u"snapshots.version"_s, s.version, Expect::Integer },
                { u"snapshots.time"_s, s.time.expression, timeExpectation(s.time) },
                { u"snapshots.data"_s, s.data.expression, Expect::Payload } });
    }
    connection.endRead();
    return status;
}

} // namespace EventScope::MappingFile
