#include "postgresdemo.h"

#include "../dialects/nativeschema.h"

#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>

#include <libpq-fe.h>
#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// A write session on the user's own demo database, committed at the end or rolled back by the destructor.
class PostgresWriter
{
public:
    PostgresWriter(const StoreLocation& location, const QString& password)
    {
        QList<QByteArray> keys, values;
        for (const auto& [key, value] : location.parameters()) {
            keys.append(key.toUtf8());
            values.append(value.toUtf8());
        }
        if (!password.isEmpty()) {
            keys.append("password");
            values.append(password.toUtf8());
        }
        keys.append("application_name");
        values.append("EventScope demo writer");
        QList<const char*> keyPointers, valuePointers;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            keyPointers.append(keys[i].constData());
            valuePointers.append(values[i].constData());
        }
        keyPointers.append(nullptr);
        valuePointers.append(nullptr);
        m_connection = PQconnectdbParams(keyPointers.constData(), valuePointers.constData(), 0);
        m_location = location.displayName();
    }
    ~PostgresWriter()
    {
        if (m_inTransaction)
            exec("ROLLBACK");
        PQfinish(m_connection);
    }

    std::optional<StoreError> connectionError() const
    {
        if (PQstatus(m_connection) == CONNECTION_OK)
            return std::nullopt;
        const bool auth = PQconnectionNeedsPassword(m_connection);
        return StoreError { auth ? StoreError::Kind::Authentication : StoreError::Kind::Connection,
            u"%1: %2"_s.arg(m_location, QString::fromUtf8(PQerrorMessage(m_connection)).trimmed()) };
    }

    StoreError lastError() const
    {
        return StoreError { StoreError::Kind::Query,
            u"%1: %2"_s.arg(m_location, QString::fromUtf8(PQerrorMessage(m_connection)).trimmed()) };
    }

    bool exec(const char* sql)
    {
        PGresult* result = PQexec(m_connection, sql);
        const ExecStatusType status = PQresultStatus(result);
        PQclear(result);
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    }

    bool begin() { return m_inTransaction = exec("BEGIN"); }
    bool commit()
    {
        m_inTransaction = false;
        return exec("COMMIT");
    }

    std::optional<qint64> scalar(const char* sql)
    {
        PGresult* result = PQexec(m_connection, sql);
        std::optional<qint64> value;
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1 && !PQgetisnull(result, 0, 0))
            value = QByteArray(PQgetvalue(result, 0, 0)).toLongLong();
        PQclear(result);
        return value;
    }

    bool startCopy(const char* sql)
    {
        PGresult* result = PQexec(m_connection, sql);
        const bool ok = PQresultStatus(result) == PGRES_COPY_IN;
        PQclear(result);
        return ok;
    }
    bool putCopyData(const QByteArray& data)
    {
        return PQputCopyData(m_connection, data.constData(), int(data.size())) == 1;
    }
    bool endCopy()
    {
        if (PQputCopyEnd(m_connection, nullptr) != 1)
            return false;
        bool ok = true;
        while (PGresult* result = PQgetResult(m_connection)) {
            ok = ok && PQresultStatus(result) == PGRES_COMMAND_OK;
            PQclear(result);
        }
        return ok;
    }

private:
    PGconn* m_connection = nullptr;
    QString m_location;
    bool m_inTransaction = false;
};

// COPY's text format: backslash, tab and line breaks escaped; bytea as \\x followed by hex digits.
void appendText(QByteArray& line, const char* text, int size)
{
    for (int i = 0; i < size; ++i) {
        const char c = text[i];
        switch (c) {
        case '\\':
            line += "\\\\";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        default:
            line += c;
        }
    }
}

void appendColumn(QByteArray& line, sqlite3_stmt* row, int column, bool bytea)
{
    if (column > 0)
        line += '\t';
    switch (sqlite3_column_type(row, column)) {
    case SQLITE_NULL:
        line += "\\N";
        return;
    case SQLITE_INTEGER:
        line += QByteArray::number(sqlite3_column_int64(row, column));
        return;
    default:
        break;
    }
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(row, column));
    const int size = sqlite3_column_bytes(row, column);
    if (bytea) {
        line += "\\\\x";
        line += QByteArray::fromRawData(bytes, size).toHex();
    } else {
        appendText(line, bytes, size);
    }
}

// Copies one table of the generated SQLite file into PostgreSQL. `bytea` marks the columns that are bytea
// there; the uuid column reads as hex text (SQLite keeps it as a 16-byte blob).
bool copyTable(sqlite3* source, PostgresWriter& target, const char* select, const char* copy, QList<bool> bytea,
    const DemoProgress& progress, qint64& copied, qint64 total)
{
    sqlite3_stmt* row = nullptr;
    if (sqlite3_prepare_v2(source, select, -1, &row, nullptr) != SQLITE_OK || !target.startCopy(copy)) {
        sqlite3_finalize(row);
        return false;
    }
    QByteArray chunk;
    bool ok = true;
    while (ok && sqlite3_step(row) == SQLITE_ROW) {
        for (int column = 0; column < int(bytea.size()); ++column)
            appendColumn(chunk, row, column, bytea[column]);
        chunk += '\n';
        if (chunk.size() > (1 << 20)) {
            ok = target.putCopyData(chunk);
            chunk.clear();
        }
        if (progress && ++copied % 10000 == 0 && !progress(copied, total))
            ok = false;
    }
    sqlite3_finalize(row);
    if (ok && !chunk.isEmpty())
        ok = target.putCopyData(chunk);
    return target.endCopy() && ok;
}

// The native schema's PostgreSQL DDL (docs/native-schema.md): the SQLite tables with PostgreSQL's types.
constexpr const char* kPostgresTables[] = {
    "CREATE TABLE eventscope_meta (key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE streams (stream_id bigint PRIMARY KEY, name text NOT NULL UNIQUE, category text,"
    " event_count bigint NOT NULL, last_version bigint NOT NULL, last_time bigint NOT NULL)",
    "CREATE TABLE events (position bigint PRIMARY KEY, stream_id bigint NOT NULL, version bigint NOT NULL,"
    " type text NOT NULL, time bigint NOT NULL, event_id uuid NOT NULL, data bytea, metadata bytea)",
    "CREATE TABLE snapshots (stream_id bigint NOT NULL, version bigint NOT NULL, time bigint NOT NULL,"
    " state text NOT NULL, PRIMARY KEY (stream_id, version))",
};
constexpr const char* kPostgresIndexes[] = {
    "CREATE UNIQUE INDEX events_by_stream ON events (stream_id, version)",
    "CREATE INDEX events_by_type ON events (type, position)",
    "CREATE INDEX events_by_time ON events (time, position)",
    "CREATE INDEX streams_by_category ON streams (category, name)",
    "ALTER TABLE events ADD FOREIGN KEY (stream_id) REFERENCES streams (stream_id)",
    "ALTER TABLE snapshots ADD FOREIGN KEY (stream_id) REFERENCES streams (stream_id)",
};

} // namespace

Result<DemoSummary> createDemoStoreInPostgres(
    const StoreLocation& location, const QString& password, const DemoOptions& options, const DemoProgress& progress)
{
    PostgresWriter target(location, password);
    if (auto error = target.connectionError())
        return *error;
    if (target
            .scalar("SELECT count(*) FROM pg_tables WHERE tablename IN ('events', 'streams', 'eventscope_meta')"
                    " AND schemaname = current_schema()")
            .value_or(1)
        != 0)
        return StoreError { StoreError::Kind::InvalidArgument,
            u"%1: already has tables named events, streams or eventscope_meta; demo create never overwrites them"_s.arg(
                location.displayName()) };

    // Generate the exact demo store into a private SQLite file first (the same bytes for the same seed), then
    // stream it across with COPY: one generator, two targets.
    QTemporaryDir scratch;
    if (!scratch.isValid())
        return StoreError { StoreError::Kind::Io, u"cannot create a temporary directory for the demo store"_s };
    const QString generated = scratch.filePath(u"demo.sqlite"_s);
    const qint64 copySteps = options.events;
    const auto generationProgress
        = [&progress, copySteps](qint64 written, qint64) { return !progress || progress(written / 2, copySteps); };
    const auto summary = createDemoStore(generated, options, generationProgress);
    if (!summary)
        return summary.error();

    sqlite3* source = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(generated).constData(), &source, SQLITE_OPEN_READONLY, nullptr)
        != SQLITE_OK) {
        sqlite3_close(source);
        return StoreError { StoreError::Kind::Io, u"cannot read the generated demo store"_s };
    }
    const auto closeSource = qScopeGuard([source] { sqlite3_close(source); });

    if (!target.begin())
        return target.lastError();
    for (const char* ddl : kPostgresTables) {
        if (!target.exec(ddl))
            return target.lastError();
    }
    qint64 copied = options.events / 2;
    const auto copyProgress = [&progress, copySteps](qint64 done, qint64) {
        return !progress || progress(copySteps / 2 + qMin(done, copySteps) / 2, copySteps);
    };
    qint64 copiedEvents = 0;
    const bool ok = copyTable(source, target, "SELECT key, value FROM eventscope_meta",
                        "COPY eventscope_meta FROM STDIN", { false, false }, {}, copied, copySteps)
        && copyTable(source, target,
            "SELECT stream_id, name, category, event_count, last_version, last_time FROM streams ORDER BY stream_id",
            "COPY streams FROM STDIN", { false, false, false, false, false, false }, {}, copied, copySteps)
        && copyTable(source, target,
            "SELECT position, stream_id, version, type, time, lower(hex(event_id)), data, metadata FROM events"
            " ORDER BY position",
            "COPY events FROM STDIN", { false, false, false, false, false, false, true, true }, copyProgress,
            copiedEvents, copySteps)
        && copyTable(source, target, "SELECT stream_id, version, time, state FROM snapshots",
            "COPY snapshots FROM STDIN", { false, false, false, false }, {}, copied, copySteps);
    if (!ok) {
        if (progress && !progress(copySteps / 2, copySteps))
            return StoreError::cancelled();
        return target.lastError();
    }
    for (const char* ddl : kPostgresIndexes) {
        if (!target.exec(ddl))
            return target.lastError();
    }
    if (!target.commit())
        return target.lastError();
    target.exec("ANALYZE eventscope_meta, streams, events, snapshots");
    return summary;
}

} // namespace EventScope
